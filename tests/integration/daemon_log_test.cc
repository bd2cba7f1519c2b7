// The daemons' log through the real binary (issue 16): `watch`, `serve` and
// `worker` write one line per event on standard output with a time and a
// level, as text or (--log-format json) as one JSON object per line; -v adds
// debug lines; a --log-format other than text or json is a usage error
// (exit 2) that names the flag and the values it takes.
#include <gtest/gtest.h>
#include <signal.h>

#include <nlohmann/json.hpp>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "cli_runner.h"
#include "watch_driver.h"

namespace tidemark::testing {
namespace {

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    if (!line.empty()) lines.push_back(line);
  }
  return lines;
}

const std::set<std::string> kLevels = {"debug", "info", "warning", "error"};

// 2026-11-23T12:00:00.123Z
bool IsTime(const std::string& text) {
  static const std::regex kTime(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z)");
  return std::regex_match(text, kTime);
}

// Every line of `output` is one JSON object with time, level, message and
// thread; returns them.
std::vector<nlohmann::json> JsonLines(const std::string& output) {
  std::vector<nlohmann::json> parsed;
  for (const std::string& line : Lines(output)) {
    nlohmann::json j = nlohmann::json::parse(line, nullptr, false);
    EXPECT_TRUE(j.is_object()) << "not a JSON object: " << line;
    if (!j.is_object()) continue;
    EXPECT_EQ(j.size(), 4u) << line;
    EXPECT_TRUE(j["time"].is_string() && IsTime(j["time"])) << line;
    EXPECT_TRUE(j["level"].is_string() && kLevels.contains(j["level"])) << line;
    EXPECT_TRUE(j["message"].is_string()) << line;
    EXPECT_TRUE(j["thread"].is_number_unsigned()) << line;
    parsed.push_back(std::move(j));
  }
  return parsed;
}

// The messages of `lines` at `level`.
std::vector<std::string> At(const std::vector<nlohmann::json>& lines,
                            const std::string& level) {
  std::vector<std::string> out;
  for (const nlohmann::json& j : lines) {
    if (j.value("level", "") == level) out.push_back(j["message"]);
  }
  return out;
}

bool AnyContains(const std::vector<std::string>& messages,
                 const std::string& text) {
  for (const std::string& m : messages) {
    if (Contains(m, text)) return true;
  }
  return false;
}

class DaemonLogTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ws_.Write("a.txt", "a");
    ws_.Write("d/b.txt", "b");
    driver_.AddRepo();
  }

  void Stop(BackgroundRun& daemon) {
    daemon.Signal(SIGTERM);
    EXPECT_EQ(daemon.Wait(), 0) << daemon.out() << daemon.err();
  }

  Workspace ws_;
  WatchDriver driver_{ws_};
};

TEST_F(DaemonLogTest, WatchWritesJsonLinesWithLevelsAndDebugWithVerbose) {
  auto daemon = driver_.StartWatching("json-1", {"--log-format", "json", "-v"});
  ws_.Write("new.txt", "new");
  ASSERT_TRUE(WatchDriver::WaitForLog(*daemon, "realtime batch"))
      << daemon->out() << daemon->err();
  Stop(*daemon);

  const std::vector<nlohmann::json> lines = JsonLines(daemon->out());
  ASSERT_FALSE(lines.empty());
  const std::vector<std::string> info = At(lines, "info");
  const std::vector<std::string> debug = At(lines, "debug");
  EXPECT_TRUE(AnyContains(info, "lib: startup completed")) << daemon->out();
  EXPECT_TRUE(AnyContains(info, "lib: realtime batch")) << daemon->out();
  EXPECT_TRUE(AnyContains(info, "stopped")) << daemon->out();
  // The decisions the daemon takes, with -v.
  EXPECT_TRUE(AnyContains(debug, "lib: lease taken")) << daemon->out();
  EXPECT_TRUE(AnyContains(debug, "change set applied")) << daemon->out();
  EXPECT_TRUE(AnyContains(debug, "lib: events ready")) << daemon->out();
  EXPECT_TRUE(AnyContains(debug, "lib: lease released")) << daemon->out();
  // Nothing else on standard error: a log consumer reads one stream.
  EXPECT_EQ(daemon->err(), "");
}

TEST_F(DaemonLogTest, WatchWritesTextLinesWithTimeAndLevelAndNoDebug) {
  auto daemon = driver_.StartWatching("text-1");
  Stop(*daemon);
  static const std::regex kLine(
      R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z (debug|info|warning|error) .+)");
  const std::vector<std::string> lines = Lines(daemon->out());
  ASSERT_FALSE(lines.empty());
  bool startup = false;
  for (const std::string& line : lines) {
    EXPECT_TRUE(std::regex_match(line, kLine)) << line;
    EXPECT_EQ(line.find(" debug "), std::string::npos) << line;
    startup |= Contains(line, " info lib: startup completed");
  }
  EXPECT_TRUE(startup) << daemon->out();
}

// `worker` logs each scan's result as a log line too, so --log-format json
// leaves nothing but JSON on standard output.
TEST_F(DaemonLogTest, WorkerLogsItsScansAsJsonLines) {
  auto worker = ws_.Start({"worker", "--worker-id", "w-1", "--interval", "1h",
                           "--heartbeat", "100ms", "--lease-timeout", "1s",
                           "--poll", "100ms", "--log-format", "json"},
                          "w-1");
  ASSERT_TRUE(WaitUntil([&] {
    return Contains(worker->out(), "lib: completed") || worker->Exited();
  })) << worker->out()
      << worker->err();
  Stop(*worker);
  const std::vector<nlohmann::json> lines = JsonLines(worker->out());
  const std::vector<std::string> info = At(lines, "info");
  EXPECT_TRUE(AnyContains(info, "worker w-1: took repository 'lib'"))
      << worker->out();
  EXPECT_TRUE(AnyContains(info, "worker w-1: lib: completed: scanned 2,"))
      << worker->out();
  EXPECT_TRUE(At(lines, "debug").empty()) << worker->out();
}

// -q keeps errors only: a worker whose scans fail (the root is gone) must
// still say so, as it did before it logged in the daemon style.
TEST_F(DaemonLogTest, AQuietWorkerStillLogsAFailedScanAsAnError) {
  ASSERT_EQ(rename(ws_.root().c_str(), (ws_.root() + ".away").c_str()), 0);
  auto worker = ws_.Start({"-q", "worker", "--worker-id", "w-1", "--interval",
                           "1h", "--heartbeat", "100ms", "--lease-timeout",
                           "1s", "--poll", "100ms", "--log-format", "json"},
                          "w-1");
  ASSERT_TRUE(WaitUntil([&] {
    return Contains(worker->out(), "failed") || worker->Exited();
  })) << worker->out()
      << worker->err();
  Stop(*worker);
  const std::vector<nlohmann::json> lines = JsonLines(worker->out());
  const std::vector<std::string> errors = At(lines, "error");
  EXPECT_TRUE(AnyContains(errors, "sync of 'lib' failed")) << worker->out();
  EXPECT_TRUE(AnyContains(errors,
                          "repository marked offline; no record was "
                          "changed"))
      << worker->out();
  EXPECT_FALSE(AnyContains(errors, "INTERNAL")) << worker->out();
  EXPECT_TRUE(At(lines, "info").empty()) << worker->out();
}

TEST_F(DaemonLogTest, ServeWritesJsonLines) {
  auto serve = ws_.Start(
      {"serve", "--listen", "127.0.0.1:0", "--log-format", "json"}, "serve");
  ASSERT_TRUE(WatchDriver::WaitForLog(*serve, "lib: startup completed"))
      << serve->out() << serve->err();
  Stop(*serve);
  const std::vector<nlohmann::json> lines = JsonLines(serve->out());
  EXPECT_TRUE(AnyContains(At(lines, "info"), "tidemark serve: listening on"))
      << serve->out();
}

TEST_F(DaemonLogTest, ALogFormatOtherThanTextOrJsonIsAUsageError) {
  for (const char* command : {"watch", "serve", "worker"}) {
    for (const char* bad : {"xml", "JSON", "Text", "", "json ", "jsonl"}) {
      RunResult r = ws_.Run({command, "--log-format", bad});
      EXPECT_EQ(r.exit_code, 2)
          << command << " '" << bad << "': " << r.out << r.err;
      EXPECT_TRUE(Contains(r.err, "--log-format")) << r.err;
      EXPECT_TRUE(Contains(r.err, "text or json")) << r.err;
      EXPECT_EQ(r.out, "") << command << " '" << bad << "'";
    }
    RunResult twice =
        ws_.Run({command, "--log-format", "json", "--log-format", "text"});
    EXPECT_EQ(twice.exit_code, 2) << command << ": " << twice.err;
  }
  // Commands that print their own results take no log format.
  RunResult scan = ws_.Run({"scan", "lib", "--log-format", "json"});
  EXPECT_EQ(scan.exit_code, 2) << scan.out << scan.err;
}

TEST_F(DaemonLogTest, WatchHelpDocumentsTheLogFlags) {
  RunResult help = ws_.Run({"watch", "--help"});
  EXPECT_EQ(help.exit_code, 0) << help.err;
  EXPECT_TRUE(Contains(help.out, "--log-format")) << help.out;
  EXPECT_TRUE(Contains(help.out, "json")) << help.out;
  EXPECT_TRUE(Contains(help.out, "-v adds debug lines")) << help.out;
}

}  // namespace
}  // namespace tidemark::testing
