// Who may do what over HTTP: bearer tokens from the config file, each with
// a role. Roles are ordered: a reader may read, an operator may also change
// (sync, check, write), an admin may also do what can lose data or business
// state (repair, remove a repository, mark used). With no tokens configured
// every request is an admin, which the server allows only on a loopback
// address (listen_address.h).
//
// A TokenTable is immutable after construction; thread-safe.
#ifndef TIDEMARK_SERVER_AUTH_H_
#define TIDEMARK_SERVER_AUTH_H_

#include <map>
#include <string>
#include <string_view>
#include <variant>

#include "common/result.h"
#include "server/http_error.h"

namespace tidemark::server {

enum class Role { kPublic = 0, kReader = 1, kOperator = 2, kAdmin = 3 };

std::string_view RoleName(Role role);
// "reader", "operator" or "admin"; InvalidArgument naming the accepted ones.
Result<Role> ParseRole(std::string_view name);

class TokenTable {
 public:
  TokenTable() = default;
  // token -> role; InvalidArgument for an empty or short token (under 8
  // characters: too easy to guess).
  static Result<TokenTable> Make(const std::map<std::string, Role>& tokens);

  bool open() const { return tokens_.empty(); }

  // The role of a request with this Authorization header ("" when absent),
  // or the 401 to answer. With no tokens every request is an admin.
  std::variant<Role, HttpError> Authenticate(
      std::string_view authorization) const;

 private:
  std::map<std::string, Role> tokens_;
};

// The 403 for a request of `have` that needs `need`, or nothing.
bool Allowed(Role have, Role need);
HttpError RoleRefusal(Role have, Role need);

}  // namespace tidemark::server

#endif  // TIDEMARK_SERVER_AUTH_H_
