#include "server/auth.h"

#include <openssl/crypto.h>

namespace tidemark::server {

std::string_view RoleName(Role role) {
  switch (role) {
    case Role::kPublic:
      return "public";
    case Role::kReader:
      return "reader";
    case Role::kOperator:
      return "operator";
    case Role::kAdmin:
      return "admin";
  }
  return "public";
}

Result<Role> ParseRole(std::string_view name) {
  if (name == "reader") return Role::kReader;
  if (name == "operator") return Role::kOperator;
  if (name == "admin") return Role::kAdmin;
  return Status::InvalidArgument("unknown role '" + std::string(name) +
                                 "'; use reader, operator or admin");
}

Result<TokenTable> TokenTable::Make(const std::map<std::string, Role>& tokens) {
  TokenTable table;
  for (const auto& [token, role] : tokens) {
    if (token.size() < 8) {
      return Status::InvalidArgument(
          "a [serve.tokens] token is shorter than 8 characters; use a long "
          "random string (for example: openssl rand -hex 24)");
    }
    table.tokens_[token] = role;
  }
  return table;
}

std::variant<Role, HttpError> TokenTable::Authenticate(
    std::string_view authorization) const {
  if (tokens_.empty()) return Role::kAdmin;
  constexpr std::string_view kBearer = "Bearer ";
  if (authorization.empty()) {
    return Unauthenticated(
        "this server needs a token: send 'Authorization: Bearer TOKEN' with "
        "a token from [serve.tokens]");
  }
  if (authorization.substr(0, kBearer.size()) != kBearer) {
    return Unauthenticated("the Authorization header must be 'Bearer TOKEN'");
  }
  std::string_view given = authorization.substr(kBearer.size());
  // Compares every token in constant time, so timing tells nothing.
  Role found = Role::kPublic;
  for (const auto& [token, role] : tokens_) {
    if (token.size() == given.size() &&
        CRYPTO_memcmp(token.data(), given.data(), token.size()) == 0) {
      found = role;
    }
  }
  if (found == Role::kPublic) {
    return Unauthenticated("the bearer token is not one of [serve.tokens]");
  }
  return found;
}

bool Allowed(Role have, Role need) {
  return static_cast<int>(have) >= static_cast<int>(need);
}

HttpError RoleRefusal(Role have, Role need) {
  return Forbidden("this needs the " + std::string(RoleName(need)) +
                   " role; the token given is " + std::string(RoleName(have)));
}

}  // namespace tidemark::server
