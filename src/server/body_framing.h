// Request body framing (RFC 9112 section 6): what body a request declares,
// decided from its header fields alone, before a byte of the body is read.
//
// tidemark takes a body only with one Content-Length: a request with none
// has no body (RFC 9112 6.3, rule 7), so a route that needs one answers 411
// instead of reading until the client closes (which would take whatever
// fragment arrived as the whole body). Transfer-Encoding (chunked or any
// other), Content-Length values that disagree or are not plain digits, a
// length over the limit, a coded body (Content-Encoding: gzip, whose
// decoded size the limit does not bound) and a body on GET, HEAD or
// OPTIONS (which the server would not read, so it would be taken as the
// next request) are refused.
//
// Pure functions; thread-safe.
#ifndef TIDEMARK_SERVER_BODY_FRAMING_H_
#define TIDEMARK_SERVER_BODY_FRAMING_H_

#include <cstdint>
#include <string>
#include <variant>
#include <vector>

#include "server/http_error.h"

namespace tidemark::server {

// The header fields that frame a body, each field's values in the order
// they came (a field sent twice has two values).
struct FramingFields {
  std::string method;
  std::vector<std::string> content_length;
  std::vector<std::string> transfer_encoding;
  std::vector<std::string> content_encoding;
};

struct Framing {
  // False when the request has no Content-Length: it has no body.
  bool length_given = false;
  uint64_t length = 0;
};

// The body `fields` declare, or the answer that refuses them: 400 for
// Transfer-Encoding, a malformed Content-Length, two that differ
// ("5, 5" and a repeated equal field are one length), or a body on GET,
// HEAD or OPTIONS; 413 past `max_body` bytes; 415 for a Content-Encoding
// other than identity.
std::variant<Framing, HttpError> CheckFraming(const FramingFields& fields,
                                              uint64_t max_body);

// The 411 of a route that needs a body and got no Content-Length.
HttpError LengthRequired(const std::string& method, const std::string& path);

}  // namespace tidemark::server

#endif  // TIDEMARK_SERVER_BODY_FRAMING_H_
