// Boolean and integer query parameters, through the strict parsers of
// common/strict_parse.h (DESIGN.md, safety rule 6): "?dry_run=1", "=yes",
// "=TRUE" or "=" are 400, never a default, so a client's way of saying
// "true" can never run the real write. A parameter given twice
// ("?dry_run=true&dry_run=false") is 400 as well: which one counts must
// not depend on who reads it. Every 400 names the parameter, what was
// given and what is accepted.
//
// Pure functions of the request; thread-safe.
#ifndef TIDEMARK_SERVER_QUERY_PARAMS_H_
#define TIDEMARK_SERVER_QUERY_PARAMS_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "server/http_error.h"
#include "server/http_server.h"

namespace tidemark::server {

// The name=value pairs of the query string of a request target
// ("/path?a=1&b=x%20y"), in order, percent-decoded ('+' is a space). Pairs
// are split at '&' only and a pair at its first '=' only, so
// "recursive=true;dry_run=true" is one parameter whose value is
// "true;dry_run=true" (which QueryBool refuses), never "true". A pair
// without '=' has the empty value. An invalid escape ("%zz") is kept as
// written.
std::vector<std::pair<std::string, std::string>> ParseQueryString(
    std::string_view target);

// "true" or "false"; `fallback` when the parameter is absent.
std::variant<bool, HttpError> QueryBool(const ApiRequest& request,
                                        const std::string& name,
                                        bool fallback = false);

// A decimal integer from `min` to `max`; `fallback` when absent.
std::variant<int64_t, HttpError> QueryInt(const ApiRequest& request,
                                          const std::string& name,
                                          int64_t fallback, int64_t min,
                                          int64_t max);

// The text of a parameter given at most once ("" when absent).
std::variant<std::string, HttpError> QueryText(const ApiRequest& request,
                                               const std::string& name);

}  // namespace tidemark::server

#endif  // TIDEMARK_SERVER_QUERY_PARAMS_H_
