#include "common/logging.h"

#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <memory>
#include <nlohmann/json.hpp>
#include <utility>

#include "common/time_format.h"

namespace tidemark {
namespace {

spdlog::level::level_enum ToSpdlog(LogLevel level) {
  switch (level) {
    case LogLevel::kDebug:
      return spdlog::level::debug;
    case LogLevel::kInfo:
      return spdlog::level::info;
    case LogLevel::kWarning:
      return spdlog::level::warn;
    case LogLevel::kError:
      return spdlog::level::err;
  }
  return spdlog::level::err;
}

LogLevel FromSpdlog(spdlog::level::level_enum level) {
  if (level <= spdlog::level::debug) return LogLevel::kDebug;
  if (level == spdlog::level::info) return LogLevel::kInfo;
  if (level == spdlog::level::warn) return LogLevel::kWarning;
  return LogLevel::kError;
}

int64_t NanosSinceEpoch(spdlog::log_clock::time_point time) {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             time.time_since_epoch())
      .count();
}

void Append(const std::string& line, spdlog::memory_buf_t& dest) {
  dest.append(line.data(), line.data() + line.size());
  dest.push_back('\n');
}

std::string_view Payload(const spdlog::details::log_msg& msg) {
  return std::string_view(msg.payload.data(), msg.payload.size());
}

class TextFormatter final : public spdlog::formatter {
 public:
  void format(const spdlog::details::log_msg& msg,
              spdlog::memory_buf_t& dest) override {
    Append(TextLogLine(NanosSinceEpoch(msg.time), FromSpdlog(msg.level),
                       Payload(msg)),
           dest);
  }
  std::unique_ptr<spdlog::formatter> clone() const override {
    return std::make_unique<TextFormatter>();
  }
};

class JsonFormatter final : public spdlog::formatter {
 public:
  void format(const spdlog::details::log_msg& msg,
              spdlog::memory_buf_t& dest) override {
    Append(JsonLogLine(NanosSinceEpoch(msg.time), FromSpdlog(msg.level),
                       msg.thread_id, Payload(msg)),
           dest);
  }
  std::unique_ptr<spdlog::formatter> clone() const override {
    return std::make_unique<JsonFormatter>();
  }
};

}  // namespace

std::string_view LogLevelName(LogLevel level) {
  switch (level) {
    case LogLevel::kDebug:
      return "debug";
    case LogLevel::kInfo:
      return "info";
    case LogLevel::kWarning:
      return "warning";
    case LogLevel::kError:
      return "error";
  }
  return "error";
}

Result<LogFormat> ParseLogFormat(std::string_view text, std::string_view what) {
  if (text == "text") return LogFormat::kText;
  if (text == "json") return LogFormat::kJson;
  return Status::InvalidArgument(std::string(what) + " '" + std::string(text) +
                                 "' is not a log format; use text or json");
}

void SetUpLogging(const LogSetup& setup) {
  std::shared_ptr<spdlog::sinks::sink> sink;
  if (setup.style == LogStyle::kDaemon) {
    sink = std::make_shared<spdlog::sinks::stdout_sink_mt>();
  } else {
    sink = std::make_shared<spdlog::sinks::stderr_color_sink_mt>();
  }
  if (setup.format == LogFormat::kJson) {
    sink->set_formatter(std::make_unique<JsonFormatter>());
  } else if (setup.style == LogStyle::kDaemon) {
    sink->set_formatter(std::make_unique<TextFormatter>());
  } else {
    sink->set_pattern("tidemark: %l: %v");
  }
  auto logger = std::make_shared<spdlog::logger>("tidemark", std::move(sink));
  logger->set_level(ToSpdlog(setup.level));
  spdlog::set_default_logger(std::move(logger));
}

void Log(LogLevel level, const std::string& line) {
  spdlog::log(ToSpdlog(level), "{}", line);
}

std::string TextLogLine(int64_t time_ns, LogLevel level,
                        std::string_view message) {
  std::string line = FormatIsoTime(time_ns);
  line += ' ';
  line += LogLevelName(level);
  line += ' ';
  // One event, one line: a newline or an escape sequence in a message (a
  // folder name read from storage) must not forge a second line or repaint
  // the operator's terminal.
  static constexpr char kHex[] = "0123456789abcdef";
  for (const char c : message) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte < 0x20 || byte == 0x7f) {
      line += "\\x";
      line += kHex[byte >> 4];
      line += kHex[byte & 0xf];
    } else {
      line += c;
    }
  }
  return line;
}

std::string JsonLogLine(int64_t time_ns, LogLevel level, uint64_t thread,
                        std::string_view message) {
  nlohmann::ordered_json line;
  line["time"] = FormatIsoTime(time_ns);
  line["level"] = LogLevelName(level);
  line["message"] = std::string(message);
  line["thread"] = thread;
  return line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace tidemark
