// The inputs each route takes, as the OpenAPI document declares them: its
// query parameters, and the top-level fields of its JSON body where the
// body's schema closes them (`additionalProperties: false`). The server
// refuses any other (server::DeclaredInputs), so the document is the one
// list, and an input a handler reads but the document lacks fails the API
// tests at once.
//
// Pure functions; thread-safe.
#ifndef TIDEMARK_API_DECLARED_INPUTS_H_
#define TIDEMARK_API_DECLARED_INPUTS_H_

#include <map>
#include <string>
#include <string_view>
#include <utility>

#include "common/result.h"
#include "server/http_server.h"

namespace tidemark::api {

// (METHOD, path template) -> what it takes, with `$ref`s to
// #/components/parameters and #/components/schemas resolved and path-level
// parameters included. InvalidArgument when `openapi_json` is not such a
// document.
using DeclaredInputTable =
    std::map<std::pair<std::string, std::string>, server::DeclaredInputs>;
Result<DeclaredInputTable> DeclaredInputsOf(std::string_view openapi_json);

}  // namespace tidemark::api

#endif  // TIDEMARK_API_DECLARED_INPUTS_H_
