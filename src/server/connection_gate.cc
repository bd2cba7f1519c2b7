#include "server/connection_gate.h"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <cstring>

namespace tidemark::server {

std::string PeerKey(const sockaddr_storage& address) {
  char text[INET6_ADDRSTRLEN] = {};
  if (address.ss_family == AF_INET) {
    const auto& v4 = reinterpret_cast<const sockaddr_in&>(address);
    ::inet_ntop(AF_INET, &v4.sin_addr, text, sizeof(text));
    return text;
  }
  if (address.ss_family != AF_INET6) return "";
  const auto& v6 = reinterpret_cast<const sockaddr_in6&>(address);
  if (IN6_IS_ADDR_V4MAPPED(&v6.sin6_addr)) {
    in_addr v4;
    std::memcpy(&v4, v6.sin6_addr.s6_addr + 12, sizeof(v4));
    ::inet_ntop(AF_INET, &v4, text, sizeof(text));
    return text;
  }
  in6_addr prefix{};
  std::memcpy(prefix.s6_addr, v6.sin6_addr.s6_addr, 8);
  ::inet_ntop(AF_INET6, &prefix, text, sizeof(text));
  return std::string(text) + "/64";
}

bool ConnectionGate::Enter(const std::string& key) {
  std::lock_guard<std::mutex> lock(mu_);
  size_t& open = open_[key];
  if (open >= per_address_) {
    if (open == 0) open_.erase(key);
    return false;
  }
  ++open;
  return true;
}

void ConnectionGate::Leave(const std::string& key) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = open_.find(key);
  if (it == open_.end()) return;
  if (--it->second == 0) open_.erase(it);
}

}  // namespace tidemark::server
