#include "server/body_framing.h"

#include <strings.h>

#include <string_view>

#include "common/strict_parse.h"

namespace tidemark::server {
namespace {

constexpr std::string_view kHowToSend =
    "e.g. curl --data-binary @FILE or curl -T FILE";

// The elements of comma-separated field values, without the optional
// white space around them (RFC 9110 5.6.1).
std::vector<std::string> ListElements(const std::vector<std::string>& values) {
  std::vector<std::string> out;
  for (const std::string& value : values) {
    size_t start = 0;
    while (true) {
      const size_t comma = value.find(',', start);
      std::string_view item(
          value.data() + start,
          (comma == std::string::npos ? value.size() : comma) - start);
      while (!item.empty() && (item.front() == ' ' || item.front() == '\t')) {
        item.remove_prefix(1);
      }
      while (!item.empty() && (item.back() == ' ' || item.back() == '\t')) {
        item.remove_suffix(1);
      }
      out.emplace_back(item);
      if (comma == std::string::npos) break;
      start = comma + 1;
    }
  }
  return out;
}

HttpError TooLarge(uint64_t max_body) {
  return PayloadTooLarge("the request body is larger than the limit of " +
                         std::to_string(max_body) +
                         " bytes ([serve] max_body_bytes)");
}

// Methods whose body the server reads; any other must not have one.
bool TakesBody(const std::string& method) {
  return method == "POST" || method == "PUT" || method == "PATCH" ||
         method == "DELETE";
}

}  // namespace

std::variant<Framing, HttpError> CheckFraming(const FramingFields& fields,
                                              uint64_t max_body) {
  if (!fields.transfer_encoding.empty()) {
    return BadRequest(
        "a request body must come with Content-Length: Transfer-Encoding ('" +
        fields.transfer_encoding.front().substr(0, 40) +
        "') is not taken, so that a body's size is known, and checked "
        "against [serve] max_body_bytes, before it is read; " +
        std::string(kHowToSend));
  }
  for (const std::string& coding : ListElements(fields.content_encoding)) {
    if (strcasecmp(coding.c_str(), "identity") != 0) {
      return HttpError{
          415, "unsupported_encoding",
          "Content-Encoding '" + coding.substr(0, 40) +
              "' is not taken for request bodies (its decoded size is not "
              "bounded by [serve] max_body_bytes); send the bytes as they "
              "are"};
    }
  }
  Framing framing;
  for (const std::string& item : ListElements(fields.content_length)) {
    const bool digits = !item.empty() && item.find_first_not_of("0123456789") ==
                                             std::string::npos;
    auto parsed = ParseInt64(item, "Content-Length", 0, INT64_MAX);
    if (digits && !parsed.ok()) return TooLarge(max_body);
    if (!digits || !parsed.ok()) {
      return BadRequest(parsed.ok() ? "Content-Length '" + item.substr(0, 40) +
                                          "' is not a whole number of bytes"
                                    : parsed.status().message());
    }
    const uint64_t length = static_cast<uint64_t>(*parsed);
    if (framing.length_given && length != framing.length) {
      return BadRequest(
          "two different Content-Length values (" +
          std::to_string(framing.length) + " and " + std::to_string(length) +
          "): where the body ends is ambiguous; send one Content-Length");
    }
    framing.length_given = true;
    framing.length = length;
  }
  if (framing.length_given && framing.length > max_body) {
    return TooLarge(max_body);
  }
  if (framing.length > 0 && !TakesBody(fields.method)) {
    return BadRequest("a " + fields.method +
                      " request cannot carry a body (Content-Length: " +
                      std::to_string(framing.length) +
                      "); send it without one");
  }
  return framing;
}

HttpError LengthRequired(const std::string& method, const std::string& path) {
  return HttpError{411, "length_required",
                   method + " " + path +
                       " needs a body with Content-Length (a request "
                       "without one has no body, RFC 9112); " +
                       std::string(kHowToSend)};
}

}  // namespace tidemark::server
