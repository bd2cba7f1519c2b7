// The daemon's log lines as text and JSON, and the strict --log-format
// parser. (The binary's own output is tested in
// tests/integration/daemon_log_test.cc.)
#include "common/logging.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>

namespace tidemark {
namespace {

// 2026-11-23T12:00:00.123Z
constexpr int64_t kTime = 1'795'435'200'123'000'000;

TEST(LoggingTest, LogFormatIsTextOrJsonAndNothingElse) {
  EXPECT_EQ(*ParseLogFormat("text", "--log-format"), LogFormat::kText);
  EXPECT_EQ(*ParseLogFormat("json", "--log-format"), LogFormat::kJson);
  for (const char* bad : {"", "JSON", "Text", "json ", " text", "jsonl", "xml",
                          "t", "text,json", "1"}) {
    auto format = ParseLogFormat(bad, "--log-format");
    ASSERT_FALSE(format.ok()) << "'" << bad << "'";
    EXPECT_EQ(format.status().code(), StatusCode::kInvalidArgument);
    const std::string& message = format.status().message();
    EXPECT_NE(message.find("--log-format"), std::string::npos) << message;
    EXPECT_NE(message.find("'" + std::string(bad) + "'"), std::string::npos)
        << message;
    EXPECT_NE(message.find("text or json"), std::string::npos) << message;
  }
}

TEST(LoggingTest, LevelNames) {
  EXPECT_EQ(LogLevelName(LogLevel::kDebug), "debug");
  EXPECT_EQ(LogLevelName(LogLevel::kInfo), "info");
  EXPECT_EQ(LogLevelName(LogLevel::kWarning), "warning");
  EXPECT_EQ(LogLevelName(LogLevel::kError), "error");
}

TEST(LoggingTest, TextLineIsTimeLevelMessage) {
  EXPECT_EQ(TextLogLine(kTime, LogLevel::kInfo, "lib: startup completed"),
            "2026-11-23T12:00:00.123Z info lib: startup completed");
  EXPECT_EQ(TextLogLine(kTime, LogLevel::kWarning, "x"),
            "2026-11-23T12:00:00.123Z warning x");
}

// A folder named "bad<ESC>[31m<newline>INJECTED ... error fake" must not
// forge a second log line or colour the terminal.
TEST(LoggingTest, TextLineEscapesControlCharacters) {
  EXPECT_EQ(TextLogLine(kTime, LogLevel::kInfo,
                        "car folder 'bad\x1b[31m\nINJECTED error fake'"),
            "2026-11-23T12:00:00.123Z info car folder "
            "'bad\\x1b[31m\\x0aINJECTED error fake'");
  EXPECT_EQ(TextLogLine(kTime, LogLevel::kInfo, "tab\there\x7f"),
            "2026-11-23T12:00:00.123Z info tab\\x09here\\x7f");
}

TEST(LoggingTest, JsonLineIsOneObjectWithTimeLevelMessageAndThread) {
  const std::string line =
      JsonLogLine(kTime, LogLevel::kDebug, 4242, "lib: lease renewed");
  EXPECT_EQ(line, R"({"time":"2026-11-23T12:00:00.123Z","level":"debug",)"
                  R"("message":"lib: lease renewed","thread":4242})");
}

TEST(LoggingTest, JsonLineEscapesWhatWouldBreakIt) {
  const std::string message =
      "quote \" backslash \\ newline \n tab \t bell \x07 and \xff\xfe bytes "
      "that are not UTF-8, and UTF-8 \xc3\xa9";
  const std::string line = JsonLogLine(kTime, LogLevel::kError, 1, message);
  EXPECT_EQ(line.find('\n'), std::string::npos) << line;
  const nlohmann::json parsed = nlohmann::json::parse(line);
  EXPECT_EQ(parsed["level"], "error");
  const std::string back = parsed["message"];
  EXPECT_EQ(back.substr(0, 47), message.substr(0, 47));
  EXPECT_NE(back.find("\xef\xbf\xbd"), std::string::npos) << back;  // U+FFFD
  EXPECT_NE(back.find("UTF-8 \xc3\xa9"), std::string::npos) << back;
}

}  // namespace
}  // namespace tidemark
