// Timestamps as text: ISO 8601 in UTC with milliseconds. Pure; thread-safe.
#ifndef TIDEMARK_COMMON_TIME_FORMAT_H_
#define TIDEMARK_COMMON_TIME_FORMAT_H_

#include <cstdint>
#include <string>

namespace tidemark {

// "2026-11-23T12:00:00.123Z" for ns since the epoch; "" for 0.
std::string FormatIsoTime(int64_t ns);

}  // namespace tidemark

#endif  // TIDEMARK_COMMON_TIME_FORMAT_H_
