// The root policy's parts: locations parsed from paths and URLs, hostile
// forms refused, and the pure "at or below" match ([serve] allowed_roots).
#include "storage/root_location.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace tidemark {
namespace {

Location Parsed(const std::string& text) {
  auto location = ParseLocation(text);
  EXPECT_TRUE(location.ok()) << text << ": " << location.status().message();
  return location.ok() ? *location : Location{};
}

TEST(ParseLocationTest, PathsAndFileUrlsAreTheSameLocation) {
  for (const char* same :
       {"/srv/media", "/srv/media/", "//srv//media", "/srv/./media",
        "/srv/x/../media", "file:///srv/media", "FILE:///srv/media/",
        "file://localhost/srv/media", "file:///srv/%6Dedia"}) {
    const Location l = Parsed(same);
    EXPECT_EQ(l.scheme, "file") << same;
    EXPECT_EQ(l.host, "") << same;
    EXPECT_EQ(l.port, 0) << same;
    EXPECT_EQ(l.path, "/srv/media") << same;
  }
  EXPECT_EQ(Parsed("/").path, "/");
  EXPECT_EQ(Parsed("/../../etc").path, "/etc");
}

TEST(ParseLocationTest, RemoteUrlsKeepSchemeHostAndPort) {
  Location l = Parsed("webdavs://Disk.Example.COM./a/b/");
  EXPECT_EQ(l.scheme, "webdavs");
  EXPECT_EQ(l.host, "disk.example.com");
  EXPECT_EQ(l.port, 443);
  EXPECT_EQ(l.path, "/a/b");
  EXPECT_EQ(Parsed("webdav://h/x").port, 80);
  EXPECT_EQ(Parsed("webdavs://h:8443").port, 8443);
  EXPECT_EQ(Parsed("webdavs://h:8443").path, "/");
  l = Parsed("https://[::1]:9000/bucket");
  EXPECT_EQ(l.host, "::1");
  EXPECT_EQ(l.port, 9000);
  EXPECT_EQ(Parsed("https://[0:0::1]/").host, "::1");
  EXPECT_EQ(LocationText(l), "https://[::1]:9000/bucket");
  EXPECT_EQ(LocationText(Parsed("/srv/a")), "/srv/a");
}

TEST(ParseLocationTest, RefusesHostileAndAmbiguousForms) {
  for (const char* bad : {
           "",                                       // nothing
           "srv/media",                              // relative
           "./srv",                                  //
           "file:srv",                               //
           "file://otherhost/srv",                   // a remote "file" host
           "file:///srv/a%00b",                      // NUL
           "file:///srv/a%zz",                       // bad escape
           "file:///srv/a?x=1",                      // query
           "webdavs://good.example@evil.example/a",  // user info
           "webdavs://user:pw@host/a",               //
           "webdavs:///a",                           // no host
           "webdavs://ho st/a",                      // not a name
           "webdavs://host%2eevil/a",                // escaped host
           "webdavs://..host/a",                     //
           "webdavs://host:0/a",                     // bad ports
           "webdavs://host:65536/a",                 //
           "webdavs://host:-1/a",                    //
           "webdavs://host:/a",                      //
           "webdavs://host:8o/a",                    //
           "webdavs://[::1/a",                       // broken IPv6
           "webdavs://[nothex]/a",                   //
           "webdavs://host/a?endpoint=x",            // query
           "webdavs://host/a#frag",                  // fragment
           "webdavs://host/a%2F..%2Fb",              // an encoded '/'
           "webdavs://host/a%5c..",                  // an encoded '\'
           "webdavs://host/a%00",                    // NUL
           "s3://bucket/prefix",                     // not yet
           "gopher://host/a",                        // unknown
           "javascript://x",                         //
       }) {
    auto l = ParseLocation(bad);
    EXPECT_FALSE(l.ok()) << "'" << bad << "' parsed as " << LocationText(*l);
    if (!l.ok()) {
      EXPECT_EQ(l.status().code(), StatusCode::kInvalidArgument) << bad;
    }
  }
}

TEST(LocationWithinTest, AtOrBelowOnly) {
  const Location allowed = Parsed("/srv/media");
  for (const char* inside :
       {"/srv/media", "/srv/media/a", "/srv/media/a/b", "file:///srv/media/x",
        "/srv/media/x/../y", "/srv/media/%2e%2e-not-a-dotdot"}) {
    EXPECT_TRUE(LocationWithin(Parsed(inside), allowed)) << inside;
  }
  for (const char* outside :
       {"/", "/srv", "/srv/media2", "/srv/medi", "/srv/media-other",
        "/srv/media/../etc", "/srv/media/a/../../etc",
        "file:///srv/media/%2E%2E", "/SRV/media", "/etc",
        "webdavs://srv/media"}) {
    EXPECT_FALSE(LocationWithin(Parsed(outside), allowed)) << outside;
  }
  EXPECT_TRUE(LocationWithin(Parsed("/anything/at/all"), Parsed("/")));
}

TEST(LocationWithinTest, RemoteRootsMatchSchemeHostAndPort) {
  const Location allowed = Parsed("webdavs://disk.example.com/photos");
  EXPECT_TRUE(LocationWithin(Parsed("webdavs://DISK.example.com:443/photos/a"),
                             allowed));
  EXPECT_TRUE(
      LocationWithin(Parsed("webdavs://disk.example.com./photos"), allowed));
  for (const char* outside : {
           "webdav://disk.example.com/photos",        // another scheme
           "webdavs://disk.example.com:8443/photos",  // another port
           "webdavs://disk.example.com.evil/photos",  // another host
           "webdavs://evil-disk.example.com/photos",  //
           "webdavs://127.0.0.1/photos",              // an internal address
           "webdavs://disk.example.com/photos2",      // a sibling
           "webdavs://disk.example.com/",             // above
           "/photos",                                 // local
       }) {
    EXPECT_FALSE(LocationWithin(Parsed(outside), allowed)) << outside;
  }
}

}  // namespace
}  // namespace tidemark
