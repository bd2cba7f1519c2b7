// ConnectionGate: at most N connections open at once from one client
// address, so that one client (slow or hostile) cannot hold every thread
// of the server's pool. IPv6 clients are counted per /64, the block one
// subscriber usually gets, so that hopping addresses inside it does not
// multiply the allowance. Loopback clients are counted like any other: a
// reverse proxy on the same machine needs a larger [serve]
// connections_per_address.
//
// Thread-safe.
#ifndef TIDEMARK_SERVER_CONNECTION_GATE_H_
#define TIDEMARK_SERVER_CONNECTION_GATE_H_

#include <sys/socket.h>

#include <cstddef>
#include <map>
#include <mutex>
#include <string>

namespace tidemark::server {

// The key a peer is counted under: "192.0.2.7", "2001:db8:1:2::/64"
// (an IPv4-mapped IPv6 address counts as its IPv4 address); "" for an
// address family other than IPv4 and IPv6.
std::string PeerKey(const sockaddr_storage& address);

class ConnectionGate {
 public:
  explicit ConnectionGate(size_t per_address) : per_address_(per_address) {}

  // Counts a connection from `key`: false, counting nothing, when `key`
  // already has per_address() open.
  bool Enter(const std::string& key);
  // Uncounts a connection that Enter admitted.
  void Leave(const std::string& key);

  size_t per_address() const { return per_address_; }

 private:
  const size_t per_address_;
  std::mutex mu_;
  std::map<std::string, size_t> open_;  // key -> open connections (> 0)
};

}  // namespace tidemark::server

#endif  // TIDEMARK_SERVER_CONNECTION_GATE_H_
