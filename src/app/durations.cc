#include "app/durations.h"

#include "common/strict_parse.h"

namespace tidemark::app {

Result<int64_t> ParseDurationMs(const std::string& text, const char* flag) {
  // The unit is the letters at the end; the number before it goes through
  // the one strict integer parser.
  size_t number_end = text.size();
  while (number_end > 0 && text[number_end - 1] >= 'a' &&
         text[number_end - 1] <= 'z') {
    --number_end;
  }
  const std::string unit = text.substr(number_end);
  int64_t scale = 0;
  if (unit.empty() || unit == "ms") scale = 1;
  if (unit == "s") scale = 1000;
  if (unit == "m") scale = 60'000;
  if (unit == "h") scale = 3'600'000;
  auto value = ParseInt64(std::string_view(text).substr(0, number_end), flag, 1,
                          scale > 0 ? kMaxDurationMs / scale : 1);
  if (scale == 0 || !value.ok()) {
    return Status::InvalidArgument(
        std::string(flag) + " '" + text +
        "' is not a duration from 1 ms to a year; use a whole number with "
        "ms, s, m or h, e.g. 30s");
  }
  return *value * scale;
}

Status ApplyDuration(const std::string& text, const char* flag,
                     int64_t* out_ms) {
  if (text.empty()) return Status::Ok();
  ASSIGN_OR_RETURN(*out_ms, ParseDurationMs(text, flag));
  return Status::Ok();
}

}  // namespace tidemark::app
