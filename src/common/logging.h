// Logging: the process's one logger, and the levelled lines that libraries
// hand to it.
//
// A front end calls SetUpLogging once, before any thread starts; everything
// else logs through it: spdlog's default logger (spdlog::warn(...) in the
// sync engine, the walker, the webhook sender) and Log(), which the daemon's
// LogFn callbacks end in. Two styles:
//   command  `tidemark: warning: message` on standard error (colored on a
//            terminal), for commands that print their own results;
//   daemon   one line per event on standard output, for `watch`, `serve`
//            and `worker`: `2026-11-23T12:00:00.123Z info message` (text),
//            or one JSON object per line with time, level, message and
//            thread (json).
// Time is UTC with milliseconds (common/time_format.h); levels are debug,
// info, warning and error.
//
// Thread-safety: the sinks are the thread-safe (_mt) ones, so any thread
// may log at any time; a line is written whole and flushed. SetUpLogging
// replaces the logger and is not meant to race with logging.
#ifndef TIDEMARK_COMMON_LOGGING_H_
#define TIDEMARK_COMMON_LOGGING_H_

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "common/result.h"

namespace tidemark {

enum class LogLevel { kDebug, kInfo, kWarning, kError };
// "debug", "info", "warning", "error".
std::string_view LogLevelName(LogLevel level);

// Where a library hands the lines meant for whoever runs the process (the
// daemon's "lib: startup completed ..."). Called from the library's
// threads; an implementation must be thread-safe.
using LogFn = std::function<void(LogLevel level, const std::string& line)>;

enum class LogFormat { kText, kJson };

// Exactly "text" or "json" (DESIGN.md rule 6: "JSON", "" and "json " are
// refused); InvalidArgument names `what` (the flag), the text and the
// allowed values.
Result<LogFormat> ParseLogFormat(std::string_view text, std::string_view what);

enum class LogStyle { kCommand, kDaemon };

struct LogSetup {
  LogStyle style = LogStyle::kCommand;
  LogFormat format = LogFormat::kText;
  LogLevel level = LogLevel::kWarning;  // the least severe level written
};

// Replaces the process's logger (spdlog's default) as `setup` says.
void SetUpLogging(const LogSetup& setup);

// Writes `line` at `level` to the process's logger.
void Log(LogLevel level, const std::string& line);

// The daemon's lines without their newline, as SetUpLogging writes them.
// Pure; for the formatters and their tests.
std::string TextLogLine(int64_t time_ns, LogLevel level,
                        std::string_view message);
// {"time":"...","level":"info","message":"...","thread":123}: the message
// as JSON text (bytes that are not UTF-8 become U+FFFD).
std::string JsonLogLine(int64_t time_ns, LogLevel level, uint64_t thread,
                        std::string_view message);

}  // namespace tidemark

#endif  // TIDEMARK_COMMON_LOGGING_H_
