#include "server/query_params.h"

#include <httplib.h>

#include "common/strict_parse.h"

namespace tidemark::server {

std::variant<std::string, HttpError> QueryText(const ApiRequest& request,
                                               const std::string& name) {
  const size_t given = request.http.get_param_value_count(name.c_str());
  if (given > 1) {
    return BadRequest("query parameter " + name + " is given " +
                      std::to_string(given) + " times; give it once");
  }
  return request.query(name);
}

std::variant<bool, HttpError> QueryBool(const ApiRequest& request,
                                        const std::string& name,
                                        bool fallback) {
  if (!request.has_query(name)) return fallback;
  auto text = QueryText(request, name);
  if (auto* error = std::get_if<HttpError>(&text)) return *error;
  auto value =
      ParseBool(std::get<std::string>(text), "query parameter " + name);
  if (!value.ok()) return BadRequest(value.status().message());
  return *value;
}

std::variant<int64_t, HttpError> QueryInt(const ApiRequest& request,
                                          const std::string& name,
                                          int64_t fallback, int64_t min,
                                          int64_t max) {
  if (!request.has_query(name)) return fallback;
  auto text = QueryText(request, name);
  if (auto* error = std::get_if<HttpError>(&text)) return *error;
  auto value = ParseInt64(std::get<std::string>(text),
                          "query parameter " + name, min, max);
  if (!value.ok()) return BadRequest(value.status().message());
  return *value;
}

}  // namespace tidemark::server
