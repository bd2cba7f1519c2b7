// Where `tidemark serve` listens. The host of --listen is resolved once, to
// the addresses bind() would try, and those addresses are both what the
// loopback check looks at and what the server binds: a name is never
// judged by its text ("127.example.net" may resolve anywhere) nor resolved
// a second time between the check and the bind.
//
// ResolveListenHost does a name lookup (getaddrinfo); IsLoopbackAddress is
// pure. Thread-safe.
#ifndef TIDEMARK_SERVER_LISTEN_ADDRESS_H_
#define TIDEMARK_SERVER_LISTEN_ADDRESS_H_

#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace tidemark::server {

// The numeric addresses `host` stands for ("localhost" -> "::1",
// "127.0.0.1"; "0.0.0.0" -> "0.0.0.0"), in the order bind() would try
// them. InvalidArgument naming the host when it does not resolve.
Result<std::vector<std::string>> ResolveListenHost(const std::string& host);

// True for a numeric loopback address: 127.0.0.0/8, ::1, and IPv4-mapped
// ::ffff:127.0.0.0/104. False for anything else, names included.
bool IsLoopbackAddress(std::string_view numeric);

// True when `addresses` is not empty and every one is a loopback address.
bool AllLoopback(const std::vector<std::string>& addresses);

}  // namespace tidemark::server

#endif  // TIDEMARK_SERVER_LISTEN_ADDRESS_H_
