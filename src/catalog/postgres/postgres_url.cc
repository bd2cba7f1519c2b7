#include "catalog/postgres/postgres_url.h"

#include <libpq-fe.h>

#include <algorithm>
#include <cstring>
#include <utility>
#include <vector>

#include "catalog/postgres/postgres_catalog.h"
#include "common/paths.h"

namespace tidemark {
namespace {

constexpr std::string_view kRedacted = "***";
constexpr std::string_view kUrlForm =
    "postgresql://USER:PASSWORD@HOST:PORT/DATABASE";

// The authority's user info: the text between "://" and the last '@' before
// the path, query or fragment. Empty when there is none.
struct UserInfo {
  size_t begin = 0;
  size_t end = 0;  // the '@'
};

UserInfo FindUserInfo(std::string_view url) {
  const size_t scheme = url.find("://");
  if (scheme == std::string_view::npos) return {};
  const size_t begin = scheme + 3;
  size_t authority_end = url.find_first_of("/?#", begin);
  if (authority_end == std::string_view::npos) authority_end = url.size();
  const size_t at = url.substr(0, authority_end).rfind('@');
  if (at == std::string_view::npos || at < begin) return {};
  return {begin, at};
}

// Every query parameter whose name ends in "password" ("password",
// "sslpassword"), as [begin, end) ranges of their values.
std::vector<std::pair<size_t, size_t>> PasswordParams(std::string_view url) {
  std::vector<std::pair<size_t, size_t>> out;
  size_t pos = url.find('?');
  while (pos != std::string_view::npos && pos < url.size()) {
    const size_t begin = pos + 1;
    size_t end = url.find_first_of("&#", begin);
    if (end == std::string_view::npos) end = url.size();
    const std::string_view param = url.substr(begin, end - begin);
    const size_t eq = param.find('=');
    if (eq != std::string_view::npos &&
        param.substr(0, eq).ends_with("password")) {
      out.emplace_back(begin + eq + 1, end);
    }
    if (end >= url.size() || url[end] == '#') break;
    pos = end;
  }
  return out;
}

void ReplaceAll(std::string* text, std::string_view secret) {
  if (secret.empty()) return;
  for (size_t pos = text->find(secret); pos != std::string::npos;
       pos = text->find(secret, pos + kRedacted.size())) {
    text->replace(pos, secret.size(), kRedacted);
  }
}

// Every password in `url`, as [begin, end) offsets in ascending order: the
// one in user:password@ and those of password= parameters.
std::vector<std::pair<size_t, size_t>> PasswordSpans(std::string_view url) {
  std::vector<std::pair<size_t, size_t>> spans;
  const UserInfo info = FindUserInfo(url);
  if (info.end > info.begin) {
    const size_t colon =
        url.substr(info.begin, info.end - info.begin).find(':');
    if (colon != std::string_view::npos) {
      spans.emplace_back(info.begin + colon + 1, info.end);
    }
  }
  for (auto span : PasswordParams(url)) spans.push_back(span);
  std::sort(spans.begin(), spans.end());
  return spans;
}

}  // namespace

bool IsPostgresUrl(std::string_view db) {
  return db.starts_with("postgresql://") || db.starts_with("postgres://");
}

std::string RedactPostgresUrl(std::string_view url) {
  std::string out(url);
  // Right to left, so earlier offsets stay valid.
  auto spans = PasswordSpans(url);
  for (auto it = spans.rbegin(); it != spans.rend(); ++it) {
    out.replace(it->first, it->second - it->first, kRedacted);
  }
  return out;
}

std::string ScrubPassword(std::string message, std::string_view url) {
  std::vector<std::string> secrets;
  for (auto [begin, end] : PasswordSpans(url)) {
    secrets.emplace_back(url.substr(begin, end - begin));
  }
  const size_t raw = secrets.size();
  for (size_t i = 0; i < raw; ++i) secrets.push_back(PercentDecode(secrets[i]));
  for (const std::string& secret : secrets) ReplaceAll(&message, secret);
  return message;
}

std::string PostgresTarget::Where() const {
  const std::string p = port.empty() ? "5432" : port;
  if (host.empty() || host.front() == '/') {
    return "the local socket" + (host.empty() ? "" : " in " + host) +
           " (port " + p + ")";
  }
  return host + ":" + p;
}

Result<PostgresTarget> ParsePostgresUrl(const std::string& url) {
  PostgresTarget target;
  target.url = url;
  target.redacted_url = RedactPostgresUrl(url);
  if (!IsPostgresUrl(url)) {
    return Status::InvalidArgument("'" + target.redacted_url +
                                   "' is not a PostgreSQL URL: the form is " +
                                   std::string(kUrlForm));
  }
  char* error = nullptr;
  PQconninfoOption* options = PQconninfoParse(url.c_str(), &error);
  if (options == nullptr) {
    std::string why = error != nullptr ? error : "out of memory";
    PQfreemem(error);
    while (!why.empty() && (why.back() == '\n' || why.back() == ' ')) {
      why.pop_back();
    }
    // libpq quotes the offending part, which may be the password.
    return Status::InvalidArgument("malformed PostgreSQL URL '" +
                                   target.redacted_url +
                                   "': " + ScrubPassword(why, url) +
                                   "; the form is " + std::string(kUrlForm));
  }
  for (const PQconninfoOption* o = options; o->keyword != nullptr; ++o) {
    if (o->val == nullptr) continue;
    if (std::strcmp(o->keyword, "host") == 0) target.host = o->val;
    if (std::strcmp(o->keyword, "hostaddr") == 0 && target.host.empty()) {
      target.host = o->val;
    }
    if (std::strcmp(o->keyword, "port") == 0) target.port = o->val;
    if (std::strcmp(o->keyword, "user") == 0) target.user = o->val;
    if (std::strcmp(o->keyword, "dbname") == 0) target.dbname = o->val;
  }
  PQconninfoFree(options);
  return target;
}

}  // namespace tidemark
