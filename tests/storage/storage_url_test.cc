// ParseStorageUrl: file URLs, plain paths, normalization, and the errors a
// user sees for everything else.
#include "storage/storage_url.h"

#include <initializer_list>

#include "gtest/gtest.h"

namespace tidemark {
namespace {

StorageUrl ParseOk(std::string_view input, std::string_view cwd = "/work") {
  auto url = ParseStorageUrl(input, cwd);
  EXPECT_TRUE(url.ok()) << input << ": " << url.status().ToString();
  return url.ok() ? *url : StorageUrl{};
}

Status ParseError(std::string_view input, std::string_view cwd = "/work") {
  auto url = ParseStorageUrl(input, cwd);
  EXPECT_FALSE(url.ok()) << input << " parsed as " << url->canonical;
  return url.status();
}

TEST(StorageUrlTest, FileUrls) {
  StorageUrl url = ParseOk("file:///srv/photos");
  EXPECT_EQ(url.scheme, "file");
  EXPECT_EQ(url.path, "/srv/photos");
  EXPECT_EQ(url.canonical, "file:///srv/photos");
  EXPECT_EQ(ParseOk("file://localhost/srv/photos").path, "/srv/photos");
  EXPECT_EQ(ParseOk("FILE://LocalHost/srv").path, "/srv");
  EXPECT_EQ(ParseOk("file:///").path, "/");
  EXPECT_EQ(ParseOk("file:///").canonical, "file:///");
}

TEST(StorageUrlTest, PercentDecodingAndCanonicalEncoding) {
  StorageUrl url = ParseOk("file:///srv/my%20photos/caf%C3%A9/%ff");
  EXPECT_EQ(url.path, "/srv/my photos/caf\xc3\xa9/\xff");
  EXPECT_EQ(url.canonical, "file:///srv/my%20photos/caf%C3%A9/%FF");
  EXPECT_EQ(ParseOk("/a/100%/x?y#z").canonical, "file:///a/100%25/x%3Fy%23z");
  // The canonical form parses back to the same path.
  for (std::string_view path :
       {"/srv/my photos", "/a/100%/x?y#z", "/\x01\x7f\x80\xff", "/a:b@c+d"}) {
    const StorageUrl first = ParseOk(path);
    EXPECT_EQ(first.path, path);
    EXPECT_EQ(ParseOk(first.canonical).path, path);
  }
}

TEST(StorageUrlTest, PlainPathsAreResolvedAndNormalized) {
  EXPECT_EQ(ParseOk("/srv/photos/").path, "/srv/photos");
  EXPECT_EQ(ParseOk("//srv///photos//").path, "/srv/photos");
  EXPECT_EQ(ParseOk("/srv/./a/../photos").path, "/srv/photos");
  EXPECT_EQ(ParseOk("/../..").path, "/");
  EXPECT_EQ(ParseOk("photos", "/home/me").path, "/home/me/photos");
  EXPECT_EQ(ParseOk("./photos/", "/home/me/").path, "/home/me/photos");
  EXPECT_EQ(ParseOk("../x", "/home/me").path, "/home/x");
  EXPECT_EQ(ParseOk(".", "/home/me").canonical, "file:///home/me");
  EXPECT_EQ(ParseOk("file:///a/./b/../c/").path, "/a/c");
  EXPECT_EQ(ParseOk("weird:name", "/w").path, "/w/weird:name");
}

TEST(StorageUrlTest, RejectsMalformedInput) {
  for (std::string_view bad : std::initializer_list<std::string_view>{
           "", "file://relative", "file://otherhost/x", "file:relative",
           "file:/abs", "file:///a%2", "file:///a%zz", "file:///a%00b",
           "file:///a?x=1"}) {
    const Status s = ParseError(bad);
    EXPECT_EQ(s.code(), StatusCode::kInvalidArgument) << bad;
    EXPECT_NE(s.message().find("file:///"), std::string::npos)
        << "names the fix: " << s.message();
  }
  EXPECT_EQ(ParseError(std::string_view("/a\0b", 4)).code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(ParseError(std::string_view("file:///a\0b", 11)).code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(ParseError("relative", "").code(), StatusCode::kInvalidArgument);
  EXPECT_NE(ParseError("file://host/x").message().find("file://host/x"),
            std::string::npos);
}

TEST(StorageUrlTest, UnsupportedAndUnknownSchemes) {
  for (std::string_view scheme : {"s3", "webdav", "webdavs"}) {
    const Status s =
        ParseError(std::string(scheme) + "://bucket/prefix?endpoint=x");
    EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
    EXPECT_NE(s.message().find("storage scheme '" + std::string(scheme) + "'"),
              std::string::npos)
        << s.message();
    EXPECT_NE(s.message().find("is not supported yet by this build; use "
                               "file:///absolute/path or a plain path"),
              std::string::npos)
        << s.message();
  }
  const Status s = ParseError("ftp://host/x");
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(s.message().find("unknown storage scheme 'ftp'"),
            std::string::npos);
  EXPECT_NE(s.message().find("file:///absolute/path"), std::string::npos);
}

}  // namespace
}  // namespace tidemark
