// Numbers and times as people read them: sizes, counts with thousands
// separators, durations, and RFC 3339 times, for the command line's
// output and the daemon's log lines. Pure functions; thread-safe.
#ifndef TIDEMARK_COMMON_HUMAN_FORMAT_H_
#define TIDEMARK_COMMON_HUMAN_FORMAT_H_

#include <cstdint>
#include <string>

namespace tidemark {

std::string FormatBytes(int64_t bytes);  // "1.5 MiB"
std::string FormatCount(int64_t n);      // "1,234,567"
std::string FormatTime(int64_t ns);      // "2026-11-23T12:00:00.123Z"
std::string FormatDuration(int64_t ms);  // "1.23 s", "850 ms"

}  // namespace tidemark

#endif  // TIDEMARK_COMMON_HUMAN_FORMAT_H_
