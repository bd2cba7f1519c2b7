// Timestamps as text: ISO 8601 in UTC with milliseconds. Pure; thread-safe.
#ifndef TIDEMARK_COMMON_TIME_FORMAT_H_
#define TIDEMARK_COMMON_TIME_FORMAT_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace tidemark {

// "2026-11-23T12:00:00.123Z" for ns since the epoch; "" for 0. Times before
// the epoch round down to the millisecond, like times after it.
std::string FormatIsoTime(int64_t ns);

// The same text, written into the caller's buffer (no allocation, for
// answers with thousands of times); the view points into `buffer`.
struct IsoTimeBuffer {
  char text[40];
};
std::string_view FormatIsoTime(int64_t ns, IsoTimeBuffer& buffer);

}  // namespace tidemark

#endif  // TIDEMARK_COMMON_TIME_FORMAT_H_
