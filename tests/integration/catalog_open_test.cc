// How commands open a SQLite catalog, through the real binary: commands
// that only read never create one (a missing --db is a usage error naming
// the way to make one), read catalogs they cannot write (a read-only file,
// a read-only directory) while commands that write fail clearly, and every
// command refuses a catalog whose tail was cut, with the same message and
// exit code, leaving the file as it was. SQLite only: these are file
// matters. Permission cases drop the DAC capabilities, so they bind under
// CI's root too.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <string>
#include <vector>

#include "cli_runner.h"

namespace tidemark::testing {
namespace {

namespace fs = std::filesystem;

// Every command that only reads, with its arguments.
const std::vector<std::vector<std::string>>& ReadCommands() {
  static const std::vector<std::vector<std::string>> commands = {
      {"status"},
      {"status", "photos", "--json"},
      {"files", "photos"},
      {"history", "photos"},
      {"check", "photos"},
      {"repo", "list"},
      {"entities", "photos"},
      {"cars", "list", "photos"},
      {"cars", "show", "photos", "1HGBH41JXMN109186"},
      {"serve", "--print-routes"},
  };
  return commands;
}

std::string Join(const std::vector<std::string>& args) {
  std::string out;
  for (const std::string& a : args) out += (out.empty() ? "" : " ") + a;
  return out;
}

class CatalogOpenTest : public ::testing::Test {
 protected:
  // A catalog at `db` with repository photos, scanned.
  void MakeCatalog(const std::string& db, int files = 20) {
    for (int i = 0; i < files; ++i) {
      ws_.Write("d" + std::to_string(i % 10) + "/f" + std::to_string(i),
                std::to_string(i));
    }
    ws_.UseDatabase(db);
    ASSERT_EQ(ws_.Run({"repo", "add", "photos", ws_.root()}).exit_code, 0);
    RunResult scan = ws_.Run({"scan", "photos"});
    ASSERT_EQ(scan.exit_code, 0) << scan.err;
  }

  Workspace ws_;
};

TEST_F(CatalogOpenTest, ReadsOfAMissingCatalogAreUsageErrorsAndCreateNothing) {
  const std::string db = ws_.dir() + "/nowhere.db";
  ws_.UseDatabase(db);
  for (const auto& command : ReadCommands()) {
    SCOPED_TRACE(Join(command));
    RunResult r = ws_.Run(command);
    EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
    EXPECT_TRUE(Contains(r.err, "no catalog at " + db)) << r.err;
    EXPECT_TRUE(Contains(r.err, "repo add")) << r.err;
    EXPECT_FALSE(fs::exists(db));
    EXPECT_FALSE(fs::exists(db + "-wal"));
  }
}

// On a catalog nobody has open, no read changes a byte of it or leaves a
// file beside it (SQLite's PATH-wal and PATH-shm go again).
TEST_F(CatalogOpenTest, ReadsChangeNothingAndLeaveNothingBehind) {
  const std::string dir = ws_.dir() + "/catalogs";
  MakeDirs(dir);
  const std::string db = dir + "/catalog.db";
  MakeCatalog(db);
  const std::string before = ReadFileBytes(db);
  for (const auto& command : ReadCommands()) {
    SCOPED_TRACE(Join(command));
    RunResult r = ws_.Run(command);
    EXPECT_TRUE(r.exit_code == 0 || r.exit_code == 4) << r.err;
    std::vector<std::string> beside;
    for (const auto& entry : fs::directory_iterator(dir)) {
      beside.push_back(entry.path().filename().string());
    }
    EXPECT_EQ(beside, std::vector<std::string>{"catalog.db"});
    EXPECT_TRUE(ReadFileBytes(db) == before) << "a read changed the file";
  }
}

// Each read command on a catalog that this user may not write: the file
// read-only, then the directory read-only (no PATH-wal/-shm can be made).
// Nothing is created beside the catalog; a scan fails (exit 4) saying why.
TEST_F(CatalogOpenTest, CatalogThatCannotBeWrittenIsReadAndScansFailClearly) {
  const std::string dir = ws_.dir() + "/catalogs";
  MakeDirs(dir);
  const std::string db = dir + "/catalog.db";
  MakeCatalog(db);
  ASSERT_FALSE(fs::exists(db + "-wal"));
  struct Case {
    std::string name;
    std::string path;
    fs::perms perms;
    std::string why;
  };
  const std::vector<Case> cases = {
      {"read-only file", db, fs::perms::owner_read | fs::perms::group_read,
       "the file is read-only"},
      {"read-only directory", dir,
       fs::perms::owner_read | fs::perms::owner_exec,
       "its directory " + dir + " is not writable"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    const fs::perms before = fs::status(c.path).permissions();
    fs::permissions(c.path, c.perms);
    for (const auto& command : ReadCommands()) {
      SCOPED_TRACE(Join(command));
      RunResult r = ws_.Run(command, {}, /*drop_dac_capabilities=*/true);
      // `entities` and `cars` need a layout, which photos has not: they
      // read far enough to say so (4).
      const bool layout = command[0] == "entities" || command[0] == "cars";
      EXPECT_EQ(r.exit_code, layout ? 4 : 0) << r.out << r.err;
      if (layout) {
        EXPECT_TRUE(Contains(r.err, "has no layout")) << r.err;
      }
    }
    RunResult files =
        ws_.Run({"files", "photos", "--json"}, {}, /*drop_dac=*/true);
    EXPECT_EQ(PathsOf(files.Json()).size(), 20u);
    EXPECT_FALSE(fs::exists(db + "-wal"));
    EXPECT_FALSE(fs::exists(db + "-shm"));
    RunResult scan = ws_.Run({"scan", "photos"}, {}, /*drop_dac=*/true);
    EXPECT_EQ(scan.exit_code, 4) << scan.out << scan.err;
    EXPECT_TRUE(Contains(scan.err, db + " cannot be written: " + c.why))
        << scan.err;
    EXPECT_TRUE(Contains(scan.err, "only read")) << scan.err;
    fs::permissions(c.path, before);
  }
}

// The tail of the catalog file is cut while a daemon killed with -9 left
// its write-ahead log behind (as it is after any crash). Every command,
// reading or writing, refuses it alike; none fills the gap (the first one
// to close would have checkpointed zeros into it).
TEST_F(CatalogOpenTest, CutTailIsRefusedAlikeByEveryCommand) {
  MakeCatalog(ws_.dir() + "/catalog.db", 2000);
  auto daemon = ws_.Start({"watch", "photos"}, "daemon");
  ASSERT_TRUE(WaitUntil([&] {
    RunResult r = ws_.Run({"status", "photos", "--json"});
    return (r.exit_code == 0 &&
            nlohmann::json::parse(r.out, nullptr, false)["watch"]["watching"] ==
                true) ||
           daemon->Exited();
  })) << daemon->err();
  daemon->Signal(SIGKILL);
  ASSERT_EQ(daemon->Wait(), 128 + SIGKILL);
  const std::string db = ws_.db();
  ASSERT_TRUE(fs::exists(db + "-wal"));
  ASSERT_GT(fs::file_size(db + "-wal"), 0u);
  fs::resize_file(db, fs::file_size(db) - 16 * 4096);
  const auto cut_size = fs::file_size(db);

  std::string first;
  for (const std::vector<std::string>& command :
       std::vector<std::vector<std::string>>{{"scan", "photos"},
                                             {"check", "photos"},
                                             {"status", "photos"},
                                             {"files", "photos"},
                                             {"history", "photos"},
                                             {"repo", "list"}}) {
    SCOPED_TRACE(Join(command));
    RunResult r = ws_.Run(command);
    EXPECT_EQ(r.exit_code, 4) << r.out << r.err;
    EXPECT_TRUE(Contains(r.err, db + " is cut short")) << r.err;
    if (first.empty()) first = r.err;
    EXPECT_EQ(r.err, first);
    EXPECT_EQ(fs::file_size(db), cut_size) << "the gap was filled";
  }
}

}  // namespace
}  // namespace tidemark::testing
