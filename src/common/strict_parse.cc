#include "common/strict_parse.h"

#include <charconv>
#include <cmath>
#include <cstdio>

namespace tidemark {
namespace {

// Shortest text that reads back as `value` ("0.5", "1", "1e+20").
std::string NumberText(double value) {
  char buffer[64];
  auto [end, ec] = std::to_chars(buffer, buffer + sizeof(buffer), value);
  if (ec != std::errc()) return std::to_string(value);
  return std::string(buffer, end);
}

// The text as the user gave it, quoted and cut short: an error message must
// not grow with a hostile input.
std::string Quoted(std::string_view text) {
  constexpr size_t kMax = 40;
  std::string out = "'";
  for (size_t i = 0; i < text.size() && i < kMax; ++i) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    if (c < 0x20 || c == 0x7f || c == '\\' || c == '\'') {
      char hex[8];
      std::snprintf(hex, sizeof(hex), "\\x%02x", c);
      out += hex;
    } else {
      out += static_cast<char>(c);
    }
  }
  if (text.size() > kMax) out += "...";
  return out + "'";
}

Status OutOfRange(std::string_view what, std::string_view shown,
                  const std::string& range) {
  return Status::InvalidArgument(std::string(what) + " " + std::string(shown) +
                                 " is out of range: it must be " + range);
}

}  // namespace

std::string RangeText(int64_t min, int64_t max) {
  return "from " + std::to_string(min) + " to " + std::to_string(max);
}

std::string RangeText(double min, double max) {
  return "from " + NumberText(min) + " to " + NumberText(max);
}

Result<int64_t> ParseInt64(std::string_view text, std::string_view what,
                           int64_t min, int64_t max) {
  int64_t value = 0;
  const char* begin = text.data();
  const char* end = text.data() + text.size();
  auto [rest, ec] = std::from_chars(begin, end, value);
  if (text.empty() || ec == std::errc::invalid_argument || rest != end) {
    return Status::InvalidArgument(std::string(what) + " " + Quoted(text) +
                                   " is not a whole number; give one " +
                                   RangeText(min, max));
  }
  if (ec == std::errc::result_out_of_range || value < min || value > max) {
    return OutOfRange(what, Quoted(text), RangeText(min, max));
  }
  return value;
}

Result<double> ParseDouble(std::string_view text, std::string_view what,
                           double min, double max) {
  double value = 0;
  const char* begin = text.data();
  const char* end = text.data() + text.size();
  // from_chars accepts "nan" and "inf"; a leading '+' it refuses, like us.
  auto [rest, ec] =
      std::from_chars(begin, end, value, std::chars_format::general);
  if (text.empty() || ec == std::errc::invalid_argument || rest != end ||
      !std::isfinite(value)) {
    return Status::InvalidArgument(std::string(what) + " " + Quoted(text) +
                                   " is not a number; give one " +
                                   RangeText(min, max));
  }
  if (ec == std::errc::result_out_of_range || value < min || value > max) {
    return OutOfRange(what, Quoted(text), RangeText(min, max));
  }
  return value;
}

Result<bool> ParseBool(std::string_view text, std::string_view what) {
  if (text == "true") return true;
  if (text == "false") return false;
  return Status::InvalidArgument(std::string(what) + " " + Quoted(text) +
                                 " is not a boolean; use true or false");
}

Status CheckInt64(int64_t value, std::string_view what, int64_t min,
                  int64_t max) {
  if (value < min || value > max) {
    return OutOfRange(what, std::to_string(value), RangeText(min, max));
  }
  return Status::Ok();
}

Status CheckDouble(double value, std::string_view what, double min,
                   double max) {
  if (!std::isfinite(value)) {
    return Status::InvalidArgument(
        std::string(what) + " " + (std::isnan(value) ? "nan" : "inf") +
        " is not a number; give one " + RangeText(min, max));
  }
  if (value < min || value > max) {
    return OutOfRange(what, NumberText(value), RangeText(min, max));
  }
  return Status::Ok();
}

}  // namespace tidemark
