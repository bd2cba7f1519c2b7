// Where `serve` may listen without tokens: judged by the addresses a host
// resolves to, never by its text.
#include "server/listen_address.h"

#include <gtest/gtest.h>

namespace tidemark::server {
namespace {

TEST(ListenAddressTest, LoopbackAddresses) {
  for (const char* yes : {"127.0.0.1", "127.1.2.3", "127.255.255.255", "::1",
                          "0:0:0:0:0:0:0:1", "::ffff:127.0.0.1"}) {
    EXPECT_TRUE(IsLoopbackAddress(yes)) << yes;
  }
  for (const char* no :
       {"0.0.0.0", "::", "10.0.0.1", "128.0.0.1", "126.255.255.255",
        "::ffff:10.0.0.1", "::2", "localhost", "127.example.net",
        "127.0.0.1.nip.io", "", "127", "127.0.0.1 ", "[::1]"}) {
    EXPECT_FALSE(IsLoopbackAddress(no)) << no;
  }
}

// The case: a name that looks local but resolves elsewhere listened
// on every interface without tokens. The decision is on the addresses.
TEST(ListenAddressTest, EveryAddressMustBeLoopback) {
  EXPECT_TRUE(AllLoopback({"127.0.0.1"}));
  EXPECT_TRUE(AllLoopback({"::1", "127.0.0.1"}));
  EXPECT_FALSE(AllLoopback({}));
  EXPECT_FALSE(AllLoopback({"127.0.0.1", "10.0.0.5"}));
  EXPECT_FALSE(AllLoopback({"0.0.0.0"}));
}

TEST(ListenAddressTest, ResolvesNamesAndNumbers) {
  auto local = ResolveListenHost("localhost");
  ASSERT_TRUE(local.ok()) << local.status().message();
  EXPECT_TRUE(AllLoopback(*local));
  EXPECT_EQ(*ResolveListenHost("127.0.0.1"),
            std::vector<std::string>{"127.0.0.1"});
  // inet_aton's short forms are numbers, not names: still loopback.
  EXPECT_EQ(*ResolveListenHost("127.1"), std::vector<std::string>{"127.0.0.1"});
  auto any = ResolveListenHost("0.0.0.0");
  ASSERT_TRUE(any.ok());
  EXPECT_FALSE(AllLoopback(*any));
  auto bad = ResolveListenHost("no-such-host.invalid");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("no-such-host.invalid"),
            std::string::npos);
}

}  // namespace
}  // namespace tidemark::server
