// Strict parsers for every number and boolean that comes from outside:
// command-line flags, environment variables, config values, query strings
// and JSON bodies (DESIGN.md, safety rule 6).
//
// Each parser takes the whole text or nothing: "50abc", " 5", "", "+-1",
// "0x10", "nan" and "inf" are errors, never a prefix or a default. Every
// value is range-checked by the caller's bounds, so a typo can never switch
// a safety rule off. Errors are InvalidArgument and name `what` (the flag,
// key or parameter), the text as given, and the range that is accepted.
//
// Pure functions; thread-safe.
#ifndef TIDEMARK_COMMON_STRICT_PARSE_H_
#define TIDEMARK_COMMON_STRICT_PARSE_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "common/result.h"

namespace tidemark {

// A decimal integer (optional leading '-') from `min` to `max` inclusive.
Result<int64_t> ParseInt64(std::string_view text, std::string_view what,
                           int64_t min, int64_t max);

// A finite decimal number ("0.5", "1", "1e-3") from `min` to `max`
// inclusive. NaN and infinities are refused.
Result<double> ParseDouble(std::string_view text, std::string_view what,
                           double min, double max);

// Exactly "true" or "false". "1", "yes", "TRUE" and "" are refused, so a
// value that a human might mean either way never picks one.
Result<bool> ParseBool(std::string_view text, std::string_view what);

// Range checks for values that arrived already typed (TOML, JSON): the same
// messages as the parsers above. CheckDouble also refuses NaN and infinities.
Status CheckInt64(int64_t value, std::string_view what, int64_t min,
                  int64_t max);
Status CheckDouble(double value, std::string_view what, double min, double max);

// "from MIN to MAX", as the messages above print a range.
std::string RangeText(int64_t min, int64_t max);
std::string RangeText(double min, double max);

}  // namespace tidemark

#endif  // TIDEMARK_COMMON_STRICT_PARSE_H_
