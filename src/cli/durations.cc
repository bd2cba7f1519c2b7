#include "cli/durations.h"

#include <charconv>

namespace tidemark::cli {

Result<int64_t> ParseDurationMs(const std::string& text, const char* flag) {
  int64_t value = 0;
  const char* end = text.data() + text.size();
  auto [rest, ec] = std::from_chars(text.data(), end, value);
  const std::string unit(rest, end);
  int64_t scale = 0;
  if (unit.empty() || unit == "ms") scale = 1;
  if (unit == "s") scale = 1000;
  if (unit == "m") scale = 60'000;
  if (unit == "h") scale = 3'600'000;
  constexpr int64_t kYearMs = 366LL * 86'400'000;
  if (ec != std::errc() || value <= 0 || scale == 0 || text.empty() ||
      value > kYearMs / scale) {
    return Status::InvalidArgument(
        std::string(flag) + " '" + text +
        "' is not a duration up to a year; use a positive number with ms, "
        "s, m or h, e.g. 30s");
  }
  return value * scale;
}

Status ApplyDuration(const std::string& text, const char* flag,
                     int64_t* out_ms) {
  if (text.empty()) return Status::Ok();
  ASSIGN_OR_RETURN(*out_ms, ParseDurationMs(text, flag));
  return Status::Ok();
}

}  // namespace tidemark::cli
