#include "catalog/postgres/postgres_error.h"

#include <string>

namespace tidemark {
namespace {

std::string Trim(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s;
}

// libpq's message for a connection-level failure, on one line: it may span
// several ("...failed: Connection refused\n\tIs the server running...").
std::string ConnectionMessage(const PGconn* conn) {
  std::string text = conn != nullptr ? PQerrorMessage(conn) : "out of memory";
  for (char& c : text) {
    if (c == '\n' || c == '\t') c = ' ';
  }
  return Trim(text);
}

bool Contains(std::string_view text, std::string_view part) {
  return text.find(part) != std::string_view::npos;
}

std::string Quoted(std::string_view what, std::string_view fallback) {
  return "'" + std::string(what.empty() ? fallback : what) + "'";
}

// A connection attempt that failed, or a session that is gone: libpq keeps
// no SQLSTATE for those, so its message is all there is. The server sends
// its texts in lc_messages; these are the English ones that an untranslated
// server and libpq produce, and anything else still comes out as
// Unavailable with libpq's words.
Status ConnectionStatus(const PGconn* conn, const PostgresTarget& t,
                        std::string_view doing) {
  const std::string detail = ScrubPassword(ConnectionMessage(conn), t.url);
  const std::string at = t.Where() + " (" + t.redacted_url + ")";
  if (doing != kPgConnecting) {
    return Status::Unavailable("lost the connection to PostgreSQL at " + at +
                               " while " + std::string(doing) + ": " + detail +
                               "; the next call reconnects");
  }
  const std::string user = Quoted(t.user, "the OS user");
  if (Contains(detail, "password authentication failed") ||
      Contains(detail, "no password supplied") ||
      Contains(detail, "authentication failed for user") ||
      (Contains(detail, "role \"") && Contains(detail, "does not exist"))) {
    return Status::PermissionDenied(
        "PostgreSQL at " + at + " refused the credentials of user " + user +
        ": " + detail +
        "; check the user and password in the URL or in ~/.pgpass");
  }
  if (Contains(detail, "no pg_hba.conf entry")) {
    return Status::PermissionDenied(
        "PostgreSQL at " + at + " does not let user " + user +
        " connect from here: " + detail +
        "; the server's administrator must allow it in pg_hba.conf");
  }
  if (Contains(detail, "database \"") && Contains(detail, "does not exist")) {
    std::string create = "createdb";
    if (!t.host.empty()) create += " -h " + t.host;
    if (!t.port.empty()) create += " -p " + t.port;
    if (!t.user.empty()) create += " -U " + t.user;
    create += " " + (t.dbname.empty() ? t.user : t.dbname);
    return Status::NotFound("PostgreSQL database " + Quoted(t.dbname, t.user) +
                            " does not exist at " + at + ": create it with `" +
                            create + "`, or fix the database name in the URL");
  }
  if (Contains(detail, "permission denied for database")) {
    return Status::PermissionDenied(
        "PostgreSQL at " + at + ": " + detail + "; GRANT CONNECT ON DATABASE " +
        Quoted(t.dbname, t.user) + " to user " + user);
  }
  if (detail.starts_with("invalid ") ||
      Contains(detail, "for connection option")) {
    // libpq checks option values only when it connects, before any I/O.
    return Status::InvalidArgument(
        "malformed PostgreSQL URL '" + t.redacted_url + "': " + detail +
        "; the form is postgresql://USER:PASSWORD@HOST:PORT/DATABASE");
  }
  const std::string cannot = "could not connect to PostgreSQL at " + at;
  if (Contains(detail, "Connection refused")) {
    return Status::Unavailable(cannot +
                               ": connection refused; is the server running "
                               "and the port right?");
  }
  if (Contains(detail, "could not translate host name")) {
    return Status::Unavailable(cannot + ": unknown host name (" + detail +
                               "); check the host in the URL");
  }
  if (Contains(detail, "timeout expired")) {
    return Status::Unavailable(cannot +
                               ": timed out; is the host reachable and the "
                               "port right?");
  }
  if (Contains(detail, "No route to host") ||
      Contains(detail, "Network is unreachable")) {
    return Status::Unavailable(cannot + ": host unreachable (" + detail +
                               "); check the host and the network");
  }
  if (Contains(detail, "too many clients") ||
      Contains(detail, "remaining connection slots")) {
    return Status::Unavailable(cannot + ": " + detail +
                               "; retry later or raise max_connections");
  }
  if (Contains(detail, "the database system is")) {  // starting, shutting down
    return Status::Unavailable(cannot + ": " + detail + "; retry shortly");
  }
  return Status::Unavailable(cannot + ": " + detail);
}

}  // namespace

bool IsConnectionLoss(const PGconn* conn, const PGresult* result) {
  if (conn == nullptr || PQstatus(conn) == CONNECTION_BAD) return true;
  const char* state = result != nullptr
                          ? PQresultErrorField(result, PG_DIAG_SQLSTATE)
                          : nullptr;
  if (state == nullptr) return false;
  const std::string_view s(state);
  return s.starts_with("08") || s == "57P01" || s == "57P02" || s == "57P03" ||
         s == "25P03";
}

Status PgStatus(const PGconn* conn, const PGresult* result,
                const PostgresTarget& t, std::string_view doing) {
  const char* sqlstate = result != nullptr
                             ? PQresultErrorField(result, PG_DIAG_SQLSTATE)
                             : nullptr;
  if (sqlstate == nullptr || IsConnectionLoss(conn, result)) {
    if (sqlstate == nullptr && conn != nullptr &&
        PQstatus(conn) == CONNECTION_OK) {
      // No result and no broken connection: libpq itself failed (memory).
      return Status::Internal("PostgreSQL at " + t.Where() + ": " +
                              std::string(doing) + ": " +
                              ConnectionMessage(conn));
    }
    return ConnectionStatus(conn, t, doing);
  }
  const std::string_view state(sqlstate);
  const char* primary = PQresultErrorField(result, PG_DIAG_MESSAGE_PRIMARY);
  const char* extra = PQresultErrorField(result, PG_DIAG_MESSAGE_DETAIL);
  std::string detail = primary != nullptr ? primary : "unknown error";
  if (extra != nullptr) detail += " (" + std::string(extra) + ")";
  const std::string d(doing);
  const std::string at =
      "PostgreSQL at " + t.Where() + " (" + t.redacted_url + ")";
  const std::string_view cls = state.substr(0, 2);

  if (state == "23505") return Status::AlreadyExists(d + ": " + detail);
  if (state == "23503") {
    return Status::NotFound(d + ": no such repository (" + detail + ")");
  }
  if (cls == "23" || cls == "22" || cls == "54") {
    return Status::InvalidArgument(d + ": " + detail);
  }
  if (state == "55P03") {
    return Status::Unavailable(
        d + ": another session holds a lock past lock_timeout (" + detail +
        "); retry when it finishes");
  }
  if (state == "40001" || state == "40P01") {
    return Status::Unavailable(d + ": " + detail + "; retry");
  }
  if (state == "25006") {
    return Status::PermissionDenied(at + " is read-only (" + d + ": " + detail +
                                    "); point the URL at the primary");
  }
  if (cls == "28" || state == "42501") {
    return Status::PermissionDenied(at + ": " + d + ": " + detail +
                                    "; grant the user the privileges it needs "
                                    "on the catalog's schema and tables");
  }
  if (state == "3F000") {
    return Status::FailedPrecondition(
        at + " has no schema to create the catalog in (" + detail +
        "): create the schema named in search_path, or fix the URL's "
        "options");
  }
  if (state == "42P07" || state == "42710") {
    return Status::FailedPrecondition(
        at + " already has a table that tidemark needs (" + d + ": " + detail +
        "): use an empty database or schema for the catalog");
  }
  if (cls == "42") {
    return Status::FailedPrecondition(
        at + ": the catalog's tables do not match this tidemark (" + d + ": " +
        detail + "): was the schema changed by hand?");
  }
  if (state == "3D000") {
    return Status::NotFound(at + ": " + detail +
                            ": create the database with createdb");
  }
  if (state == "53100") {
    return Status::ResourceExhausted(at + ": disk full (" + d + ": " + detail +
                                     "): free space on the server");
  }
  if (state == "53300") {
    return Status::Unavailable(at + ": " + detail +
                               "; retry later or raise max_connections");
  }
  if (cls == "53") {
    return Status::ResourceExhausted(at + ": " + d + ": " + detail);
  }
  if (state == "57014") return Status::Cancelled(at + ": " + d + ": " + detail);
  if (state == "XX001" || state == "XX002") {
    return Status::DataLoss(at + " reports corruption (" + d + ": " + detail +
                            "): restore the catalog from a backup");
  }
  return Status::Internal(at + ": " + d + ": " + detail + " [SQLSTATE " +
                          std::string(state) + "]");
}

}  // namespace tidemark
