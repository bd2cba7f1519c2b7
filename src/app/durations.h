// Durations on the command line: "500ms", "30s", "5m", "1h", or plain
// milliseconds. Pure functions.
#ifndef TIDEMARK_APP_DURATIONS_H_
#define TIDEMARK_APP_DURATIONS_H_

#include <cstdint>
#include <string>

#include "common/result.h"

namespace tidemark::app {

// The longest duration a flag or config key takes: a year (366 days).
inline constexpr int64_t kMaxDurationMs = 366LL * 86'400'000;

// Milliseconds in `text`: a whole number (common/strict_parse.h) with no
// unit or ms, s, m or h, from 1 ms to a year; InvalidArgument naming `flag`
// otherwise.
Result<int64_t> ParseDurationMs(const std::string& text, const char* flag);

// Sets *out_ms from `text` unless it is empty (the flag was not given).
Status ApplyDuration(const std::string& text, const char* flag,
                     int64_t* out_ms);

}  // namespace tidemark::app

#endif  // TIDEMARK_APP_DURATIONS_H_
