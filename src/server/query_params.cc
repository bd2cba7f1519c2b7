#include "server/query_params.h"

#include <httplib.h>

#include "common/strict_parse.h"

namespace tidemark::server {
namespace {

int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string Decode(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '+') {
      out += ' ';
    } else if (c == '%' && i + 2 < text.size() && HexDigit(text[i + 1]) >= 0 &&
               HexDigit(text[i + 2]) >= 0) {
      out +=
          static_cast<char>(HexDigit(text[i + 1]) * 16 + HexDigit(text[i + 2]));
      i += 2;
    } else {
      out += c;
    }
  }
  return out;
}

}  // namespace

std::vector<std::pair<std::string, std::string>> ParseQueryString(
    std::string_view target) {
  std::vector<std::pair<std::string, std::string>> pairs;
  const size_t question = target.find('?');
  if (question == std::string_view::npos) return pairs;
  std::string_view rest = target.substr(question + 1);
  // A fragment is never sent, but if a client sends one it is not query.
  rest = rest.substr(0, rest.find('#'));
  while (!rest.empty()) {
    const size_t amp = rest.find('&');
    const std::string_view pair = rest.substr(0, amp);
    rest = amp == std::string_view::npos ? std::string_view()
                                         : rest.substr(amp + 1);
    if (pair.empty()) continue;
    const size_t eq = pair.find('=');
    if (eq == std::string_view::npos) {
      pairs.emplace_back(Decode(pair), "");
    } else {
      pairs.emplace_back(Decode(pair.substr(0, eq)),
                         Decode(pair.substr(eq + 1)));
    }
  }
  return pairs;
}

std::variant<std::string, HttpError> QueryText(const ApiRequest& request,
                                               const std::string& name) {
  const size_t given = request.query_count(name);
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
