// Crash trials: `tidemark put` (new and over), `rm -r` and `mv` of a folder
// killed with SIGKILL at seeded random points, on both catalogs. After each
// kill the trial looks at the visible paths (the old or the new content,
// never a mix, never a file lost), at everything hidden the dead writer may
// have left beside them (each one reported by `check`, settled by the next
// write in that folder or by `repair --remove-leftovers`), and at the
// catalog (in step with storage after the next scan or the same command run
// again). Kill points come from the source being a pipe the test feeds,
// from a catalog the test holds locked, and from random delays; whatever
// point a kill lands on, the same invariants must hold, so no assertion
// depends on timing. TIDEMARK_CRASH_SEED=N replays other trials.
#include <gtest/gtest.h>
#include <signal.h>
#include <sqlite3.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <iterator>
#include <map>
#include <random>
#include <set>
#include <thread>

#include "catalog_kinds.h"
#include "cli_runner.h"

namespace tidemark::testing {
namespace {

namespace fs = std::filesystem;

constexpr size_t kChunk = 64 * 1024;
constexpr size_t kChunks = 24;  // a 1.5 MiB upload
constexpr int kPutTrials = 6;
constexpr int kFolderTrials = 3;   // of rm -r, and of mv
constexpr int kFolderFiles = 400;  // in the folder removed or moved
constexpr int kMaxKillDelayMs = 200;

uint32_t Seed() {
  const char* env = std::getenv("TIDEMARK_CRASH_SEED");
  return env != nullptr ? static_cast<uint32_t>(std::strtoul(env, nullptr, 10))
                        : 20240615u;
}

// Content that differs per `salt` in every chunk, so a mix of two versions
// is never mistaken for either.
std::string Pattern(int salt, size_t size) {
  std::string out(size, '\0');
  uint32_t x = 2654435761u * static_cast<uint32_t>(salt + 1);
  for (char& c : out) {
    x = x * 1103515245u + 12345u;
    c = static_cast<char>(x >> 24);
  }
  return out;
}

// Holds the SQLite catalog's write lock while it lives, so a writer stops
// right before its first catalog write after the storage step.
class SqliteWriteLock {
 public:
  explicit SqliteWriteLock(const std::string& db) {
    EXPECT_EQ(sqlite3_open_v2(db.c_str(), &db_, SQLITE_OPEN_READWRITE, nullptr),
              SQLITE_OK);
    sqlite3_busy_timeout(db_, 20'000);
    EXPECT_EQ(sqlite3_exec(db_, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr),
              SQLITE_OK)
        << sqlite3_errmsg(db_);
  }
  ~SqliteWriteLock() {
    sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
    sqlite3_close(db_);
  }
  SqliteWriteLock(const SqliteWriteLock&) = delete;
  SqliteWriteLock& operator=(const SqliteWriteLock&) = delete;

 private:
  sqlite3* db_ = nullptr;
};

class WritesCrashTest : public CatalogKindTest {
 protected:
  void SetUp() override {
    CatalogKindTest::SetUp();
    if (IsSkipped()) return;
    // A killed writer's lease lapses quickly, so the next command can run.
    FILE* f = std::fopen((ws_.dir() + "/tidemark.toml").c_str(), "w");
    ASSERT_NE(f, nullptr);
    std::fputs("[lease]\nheartbeat_ms = 40\ntimeout_ms = 100\n", f);
    std::fclose(f);
    RunResult r = ws_.Run({"repo", "add", "shop", ws_.root()});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    std::cout << "crash seed " << seed_ << " (TIDEMARK_CRASH_SEED)\n";
  }

  // The content at `rel`, or nullopt when there is no file.
  std::optional<std::string> Content(const std::string& rel) {
    if (!fs::is_regular_file(ws_.Path(rel))) return std::nullopt;
    return ReadFileBytes(ws_.Path(rel));
  }

  // Every file below the root whose name starts with '.': what a writer
  // keeps beside a path while it works.
  std::vector<std::string> HiddenFiles() {
    std::vector<std::string> out;
    for (const auto& e : fs::recursive_directory_iterator(ws_.root())) {
      if (e.is_regular_file() && e.path().filename().string()[0] == '.') {
        out.push_back(fs::relative(e.path(), ws_.root()).string());
      }
    }
    std::sort(out.begin(), out.end());
    return out;
  }

  // Waits until nobody holds the repository's lease (a killed writer's
  // lapses after the configured 100 ms).
  void WaitForLease() {
    ASSERT_TRUE(WaitUntil([&] {
      RunResult r = ws_.Run({"status", "shop", "--json"});
      if (r.exit_code != 0) return false;
      nlohmann::json j = r.Json();
      return !j.contains("lease") || j["lease"].is_null();
    })) << "the lease of a killed writer never lapsed";
  }

  // Runs `check --json` and expects every hidden file to be in its
  // leftovers (and check to exit 1 when there is one). Returns the
  // document.
  nlohmann::json ExpectHiddenFilesReported(const std::string& when) {
    RunResult check = ws_.Run({"check", "shop", "--json"});
    EXPECT_TRUE(check.exit_code == 0 || check.exit_code == 1)
        << when << ": " << check.err;
    nlohmann::json doc = check.Json();
    std::set<std::string> reported;
    if (doc.contains("leftovers")) {
      for (const auto& l : doc["leftovers"]) {
        reported.insert(l["path"].get<std::string>());
      }
    }
    const std::vector<std::string> hidden = HiddenFiles();
    for (const std::string& h : hidden) {
      EXPECT_TRUE(reported.count(h)) << when << ": " << h
                                     << " is left on storage but `check` does "
                                        "not report it\n"
                                     << check.out;
    }
    if (!hidden.empty()) {
      EXPECT_EQ(check.exit_code, 1) << when << ": leftovers are drift";
    }
    return doc;
  }

  // Runs `args` in the background and kills it once `ready` says so (its
  // work is under way), or, when `ready` is null, after a random delay;
  // returns whether it had finished by itself.
  bool Kill(const std::vector<std::string>& args,
            const std::function<bool()>& ready) {
    auto run = ws_.Start(args, "victim");
    if (ready) {
      while (!run->Exited() && !ready()) {
        std::this_thread::sleep_for(std::chrono::microseconds(200));
      }
    } else {
      std::this_thread::sleep_for(
          std::chrono::milliseconds(rng_() % kMaxKillDelayMs));
    }
    const bool finished = run->Exited();
    run->Signal(SIGKILL);
    run->Wait();
    return finished;
  }

  // Whether the catalog still has records below `folder`.
  bool RecordsBelow(const std::string& folder) {
    for (const auto& [path, id] : RecordIds()) {
      if (path.starts_with(folder + "/")) return true;
    }
    return false;
  }

  // After a killed `rm -r` or `mv`, which keep no writer files: nothing is
  // hidden below the root, and `check` agrees.
  void ExpectNothingHidden() {
    EXPECT_EQ(HiddenFiles(), std::vector<std::string>{});
    ExpectHiddenFilesReported("after the kill");
  }

  // Where a kill landed, for the log: " done" when the command had ended,
  // else " <done>/<of>".
  static std::string Landing(bool finished, int done, size_t of) {
    return finished ? std::string(" done")
                    : " " + std::to_string(done) + "/" + std::to_string(of);
  }

  // How many trials to run: fewer on PostgreSQL, where each command costs
  // more and what is left on storage is the same.
  int Trials(int on_sqlite) const {
    return postgres() ? (on_sqlite + 1) / 2 : on_sqlite;
  }

  std::map<std::string, int64_t> RecordIds() {
    RunResult r = ws_.Run({"files", "shop", "--json"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    std::map<std::string, int64_t> out;
    for (const auto& f : r.Json()) {
      out[f["path"].get<std::string>()] = f["id"].get<int64_t>();
    }
    return out;
  }

  void ExpectConverged(const std::string& when) {
    RunResult check = ws_.Run({"check", "shop"});
    EXPECT_EQ(check.exit_code, 0) << when << ":\n" << check.out << check.err;
    EXPECT_EQ(HiddenFiles(), std::vector<std::string>{}) << when;
    std::vector<std::string> catalog;
    for (const auto& [path, id] : RecordIds()) catalog.push_back(path);
    EXPECT_EQ(catalog, ws_.ListFiles()) << when;
  }

  const uint32_t seed_ = Seed();
  std::mt19937 rng_{seed_};
};

TEST_P(WritesCrashTest, AKilledPutLeavesTheOldOrNewFileAndNothingUnreported) {
  enum class Kill { kWhileStreaming, kAfterRandomDelay, kBeforeTheRecord };
  const std::string old_content = Pattern(-1, kChunks * kChunk / 3);
  ws_.Write("d/keep.jpg", "keep");
  ASSERT_EQ(ws_.Run({"scan", "shop"}).exit_code, 0);
  std::map<Kill, int> landed;
  for (int trial = 0; trial < Trials(kPutTrials); ++trial) {
    const bool over = trial % 2 == 0;
    Kill kill = static_cast<Kill>(trial % 3);
    if (kill == Kill::kBeforeTheRecord && postgres()) {
      kill = Kill::kAfterRandomDelay;
    }
    ++landed[kill];
    const std::string path =
        over ? "d/over.bin" : "d/new" + std::to_string(trial) + ".bin";
    SCOPED_TRACE("trial " + std::to_string(trial) + ", " + path);
    if (over) {
      RunResult put =
          ws_.Run({"put", "shop", path, ws_.WriteLocal("old.bin", old_content),
                   "--json"});
      ASSERT_EQ(put.exit_code, 0) << put.err;
    }
    const std::string fresh = Pattern(trial, kChunks * kChunk);
    {
      auto run = ws_.Start({"put", "shop", path, "-"}, "put",
                           {"TIDEMARK_BUSY_TIMEOUT_MS=60000"},
                           /*pipe_input=*/true);
      // The writer holds a hidden temporary file before it reads a byte.
      auto streaming = [&] {
        return WaitUntil([&] {
          for (const std::string& h : HiddenFiles()) {
            if (h.ends_with(".tmp")) return true;
          }
          return run->Exited();
        });
      };
      std::unique_ptr<SqliteWriteLock> lock;
      switch (kill) {
        case Kill::kWhileStreaming: {
          const size_t chunks = rng_() % kChunks;
          for (size_t i = 0; i < chunks; ++i) {
            run->Feed(std::string_view(fresh).substr(i * kChunk, kChunk));
          }
          ASSERT_TRUE(streaming()) << run->err();
          break;
        }
        case Kill::kAfterRandomDelay:
          run->Feed(fresh);
          run->CloseInput();
          std::this_thread::sleep_for(std::chrono::milliseconds(rng_() % 40));
          break;
        case Kill::kBeforeTheRecord:
          // Locked once the writer holds its lease and streams: the new
          // content lands, and its record waits for the lock.
          ASSERT_TRUE(streaming()) << run->err();
          lock = std::make_unique<SqliteWriteLock>(ws_.db());
          run->Feed(fresh);
          run->CloseInput();
          ASSERT_TRUE(WaitUntil(
              [&] { return Content(path) == fresh || run->Exited(); }));
          break;
      }
      run->Signal(SIGKILL);
      run->Wait();
    }
    // The visible path: the old or the new content, never a mix.
    const std::optional<std::string> now = Content(path);
    EXPECT_TRUE(now == fresh || (over ? now == old_content : !now.has_value()))
        << "a killed put left " << (now ? now->size() : 0) << " other bytes";

    // Whatever it left beside the path, `check` reports.
    ExpectHiddenFilesReported("after the kill");

    // The next write in that folder removes its temporary files and every
    // old copy it can prove redundant; the rest it reports.
    WaitForLease();
    RunResult next = ws_.Run({"put", "shop", "d/next.jpg",
                              ws_.WriteLocal("n.jpg", "next"), "--json"});
    ASSERT_EQ(next.exit_code, 0) << next.err;
    const nlohmann::json settled = next.Json();
    std::set<std::string> kept;
    for (const auto& k : settled["leftovers"]["kept"]) {
      kept.insert(k["path"].get<std::string>());
    }
    for (const std::string& h : HiddenFiles()) {
      EXPECT_FALSE(h.ends_with(".tmp")) << h << " outlived the next put";
      EXPECT_TRUE(kept.count(h)) << h << " is neither settled nor reported by "
                                 << "the next put\n"
                                 << next.out;
    }

    // The next scan records what is there (and reports what is left
    // beside it, cataloguing none of it); a repair settles the rest.
    RunResult scan = ws_.Run({"scan", "shop", "--json"});
    EXPECT_EQ(scan.exit_code, 0) << scan.err;
    const nlohmann::json scanned = scan.Json();
    EXPECT_EQ(scanned["results"][0]["leftovers"], nlohmann::json(HiddenFiles()))
        << scan.out;
    RunResult repair = ws_.Run({"repair", "shop", "--remove-leftovers"});
    EXPECT_EQ(repair.exit_code, 0) << repair.out << repair.err;
    ExpectConverged("after scan and repair");
    const std::optional<std::string> after = Content(path);
    EXPECT_TRUE(after == fresh ||
                (over ? after == old_content : !after.has_value()));
  }
  for (const auto& [kill, n] : landed) {
    std::cout << "kill point " << static_cast<int>(kill) << ": " << n
              << " trials\n";
  }
}

TEST_P(WritesCrashTest, AKilledRecursiveRmLosesNoFileAndConverges) {
  std::string landed;
  for (int trial = 0; trial < Trials(kFolderTrials); ++trial) {
    SCOPED_TRACE("trial " + std::to_string(trial));
    const std::string dir = "v" + std::to_string(trial);
    std::map<std::string, std::string> files;
    for (int i = 0; i < kFolderFiles; ++i) {
      const std::string rel = dir + "/s" + std::to_string(i % 7) + "/f" +
                              std::to_string(i) + ".jpg";
      files[rel] = "content " + rel;
      ws_.Write(rel, files[rel]);
    }
    WaitForLease();
    ASSERT_EQ(ws_.Run({"scan", "shop"}).exit_code, 0);
    // Objects go in path order: the kill lands once the k-th is gone (from
    // the third trial on: after a random delay, wherever that is).
    const std::string kth =
        std::next(files.begin(), 1 + rng_() % (files.size() - 1))->first;
    const bool finished =
        Kill({"rm", "shop", dir, "-r"}, trial < 2 ? std::function<bool()>([&] {
               return !fs::exists(ws_.Path(kth));
             })
                                                  : nullptr);

    // Each file is there whole, or gone; nothing is left hidden.
    int gone = 0;
    for (const auto& [rel, content] : files) {
      const std::optional<std::string> now = Content(rel);
      EXPECT_TRUE(!now.has_value() || *now == content) << rel;
      gone += !now.has_value();
    }
    landed += Landing(finished, gone, files.size());
    ExpectNothingHidden();

    // The same command again finishes it.
    WaitForLease();
    if (RecordsBelow(dir)) {
      RunResult again = ws_.Run({"rm", "shop", dir, "-r"});
      EXPECT_EQ(again.exit_code, 0) << again.out << again.err;
    }
    for (const auto& [rel, content] : files) {
      EXPECT_FALSE(Content(rel).has_value()) << rel;
    }
    ExpectConverged("after rm -r again");
  }
  std::cout << "files removed when each rm -r was killed:" << landed << "\n";
}

TEST_P(WritesCrashTest, AKilledMvLosesNoFileKeepsIdsAndConverges) {
  std::string landed;
  for (int trial = 0; trial < Trials(kFolderTrials); ++trial) {
    // Odd trials move into an existing folder: object by object.
    const bool into_existing = trial % 2 == 1;
    SCOPED_TRACE("trial " + std::to_string(trial) +
                 (into_existing ? ", object by object" : ", one folder move"));
    const std::string from = "m" + std::to_string(trial);
    const std::string to = from + "-new";
    std::map<std::string, std::string> files;  // relative to `from`
    for (int i = 0; i < kFolderFiles; ++i) {
      const std::string rel =
          "s" + std::to_string(i % 5) + "/f" + std::to_string(i) + ".jpg";
      files[rel] = "content " + from + rel;
      ws_.Write(from + "/" + rel, files[rel]);
    }
    if (into_existing) ws_.Write(to + "/other.jpg", "already there");
    WaitForLease();
    ASSERT_EQ(ws_.Run({"scan", "shop"}).exit_code, 0);
    const std::map<std::string, int64_t> ids = RecordIds();
    // A folder move is one rename: the kill lands once the new folder is
    // there, before its records follow. Object by object, in path order:
    // once the k-th has moved. From the third trial on: after a random
    // delay.
    const std::string kth =
        to + "/" +
        std::next(files.begin(), 1 + rng_() % (files.size() - 1))->first;
    const std::string arrived = ws_.Path(into_existing ? kth : to);
    const bool finished = Kill(
        {"mv", "shop", from, to},
        trial < 2 ? std::function<bool()>([&] { return fs::exists(arrived); })
                  : nullptr);

    // Each file is at exactly one of its two paths, whole.
    int moved = 0;
    for (const auto& [rel, content] : files) {
      const std::optional<std::string> old_now = Content(from + "/" + rel);
      const std::optional<std::string> new_now = Content(to + "/" + rel);
      EXPECT_NE(old_now.has_value(), new_now.has_value()) << rel;
      EXPECT_EQ(old_now.value_or(new_now.value_or("")), content) << rel;
      moved += new_now.has_value();
    }
    landed += Landing(finished, moved, files.size());
    ExpectNothingHidden();

    // The same command again finishes it, without duplicates.
    WaitForLease();
    if (RecordsBelow(from)) {
      RunResult again = ws_.Run({"mv", "shop", from, to});
      EXPECT_EQ(again.exit_code, 0) << again.out << again.err;
    }
    const std::map<std::string, int64_t> after = RecordIds();
    for (const auto& [rel, content] : files) {
      EXPECT_EQ(Content(to + "/" + rel), content) << rel;
      ASSERT_TRUE(after.count(to + "/" + rel)) << rel;
      EXPECT_EQ(after.at(to + "/" + rel), ids.at(from + "/" + rel)) << rel;
    }
    ExpectConverged("after mv again");
  }
  std::cout << "files moved when each mv was killed:" << landed << "\n";
}

INSTANTIATE_CATALOG_KIND_TEST_SUITE_P(WritesCrashTest);

}  // namespace
}  // namespace tidemark::testing
