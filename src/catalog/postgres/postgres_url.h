// What a PostgreSQL URL names, in the words the catalog's messages use, and
// how its password is kept out of them (private to the PostgreSQL catalog).
//
// ParsePostgresUrl checks the URL with libpq's own parser (PQconninfoParse),
// so what it accepts is exactly what a connection accepts. Pure functions
// apart from libpq's parser, which reads no files and opens no sockets;
// thread-safe.
#ifndef TIDEMARK_CATALOG_POSTGRES_POSTGRES_URL_H_
#define TIDEMARK_CATALOG_POSTGRES_POSTGRES_URL_H_

#include <string>
#include <string_view>

#include "common/result.h"

namespace tidemark {

struct PostgresTarget {
  std::string url;           // as given; holds the password, never print it
  std::string redacted_url;  // RedactPostgresUrl(url)
  std::string host;          // as given; "" means libpq's default socket
  std::string port;          // as given; "" means 5432
  std::string user;          // "" means the OS user name
  std::string dbname;        // "" means the user name

  // "127.0.0.1:5432", or "the local socket" when no host was given.
  std::string Where() const;
};

// InvalidArgument naming the redacted URL when libpq cannot parse it, or
// when it is not a postgresql:// URL at all.
Result<PostgresTarget> ParsePostgresUrl(const std::string& url);

// `message` with every occurrence of the URL's password (as written and
// percent-decoded) replaced by "***": for texts that may quote the URL.
std::string ScrubPassword(std::string message, std::string_view url);

}  // namespace tidemark

#endif  // TIDEMARK_CATALOG_POSTGRES_POSTGRES_URL_H_
