#include "server/listen_address.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <algorithm>

namespace tidemark::server {

Result<std::vector<std::string>> ResolveListenHost(const std::string& host) {
  // The hints httplib's bind uses, so the order is the one it would try.
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  const int rc = ::getaddrinfo(host.c_str(), nullptr, &hints, &found);
  if (rc != 0) {
    return Status::InvalidArgument("cannot resolve the --listen host '" + host +
                                   "': " + ::gai_strerror(rc));
  }
  std::vector<std::string> out;
  for (const addrinfo* a = found; a != nullptr; a = a->ai_next) {
    char text[NI_MAXHOST];
    if (::getnameinfo(a->ai_addr, a->ai_addrlen, text, sizeof(text), nullptr, 0,
                      NI_NUMERICHOST) != 0) {
      continue;
    }
    if (std::find(out.begin(), out.end(), text) == out.end()) {
      out.emplace_back(text);
    }
  }
  ::freeaddrinfo(found);
  if (out.empty()) {
    return Status::InvalidArgument("the --listen host '" + host +
                                   "' resolves to no address");
  }
  return out;
}

bool IsLoopbackAddress(std::string_view numeric) {
  const std::string text(numeric);
  in_addr v4;
  if (::inet_pton(AF_INET, text.c_str(), &v4) == 1) {
    return (ntohl(v4.s_addr) >> 24) == 127;
  }
  in6_addr v6;
  if (::inet_pton(AF_INET6, text.c_str(), &v6) == 1) {
    if (IN6_IS_ADDR_LOOPBACK(&v6)) return true;
    return IN6_IS_ADDR_V4MAPPED(&v6) && v6.s6_addr[12] == 127;
  }
  return false;
}

bool AllLoopback(const std::vector<std::string>& addresses) {
  return !addresses.empty() &&
         std::all_of(addresses.begin(), addresses.end(), IsLoopbackAddress);
}

}  // namespace tidemark::server
