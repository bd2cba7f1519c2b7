// ConnectionGate: how many connections one client address may hold, and
// which addresses count as one client.
#include "server/connection_gate.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>

#include <cstring>

namespace tidemark::server {
namespace {

sockaddr_storage Address(const char* text) {
  sockaddr_storage out{};
  auto* v4 = reinterpret_cast<sockaddr_in*>(&out);
  auto* v6 = reinterpret_cast<sockaddr_in6*>(&out);
  if (::inet_pton(AF_INET, text, &v4->sin_addr) == 1) {
    v4->sin_family = AF_INET;
  } else {
    EXPECT_EQ(::inet_pton(AF_INET6, text, &v6->sin6_addr), 1) << text;
    v6->sin6_family = AF_INET6;
  }
  return out;
}

TEST(ConnectionGateTest, PeerKeys) {
  EXPECT_EQ(PeerKey(Address("192.0.2.7")), "192.0.2.7");
  EXPECT_EQ(PeerKey(Address("::ffff:192.0.2.7")), "192.0.2.7");
  // One /64: a client cannot multiply its allowance by changing the low
  // bits of its IPv6 address.
  EXPECT_EQ(PeerKey(Address("2001:db8:1:2::1")), "2001:db8:1:2::/64");
  EXPECT_EQ(PeerKey(Address("2001:db8:1:2:ffff::9")), "2001:db8:1:2::/64");
  EXPECT_NE(PeerKey(Address("2001:db8:1:3::1")), "2001:db8:1:2::/64");
  EXPECT_EQ(PeerKey(Address("::1")), "::/64");
}

TEST(ConnectionGateTest, AtMostNPerAddress) {
  ConnectionGate gate(2);
  EXPECT_TRUE(gate.Enter("a"));
  EXPECT_TRUE(gate.Enter("a"));
  EXPECT_FALSE(gate.Enter("a"));
  EXPECT_TRUE(gate.Enter("b"));  // others are not held up
  gate.Leave("a");
  EXPECT_TRUE(gate.Enter("a"));
  EXPECT_FALSE(gate.Enter("a"));
  // Leaving more than entered does not raise the allowance.
  gate.Leave("c");
  gate.Leave("a");
  gate.Leave("a");
  gate.Leave("a");
  EXPECT_TRUE(gate.Enter("a"));
  EXPECT_TRUE(gate.Enter("a"));
  EXPECT_FALSE(gate.Enter("a"));
}

}  // namespace
}  // namespace tidemark::server
