// The main job through the real binary: add, scan, status, files, history,
// and the changes a rescan must see (edits, moves, deletes, symlinks, odd
// names, hard links, concurrent churn).
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <thread>

#include "catalog_kinds.h"
#include "cli_runner.h"

namespace tidemark::testing {
namespace {

class ScanCliTest : public CatalogKindTest {
 protected:
  void AddRepo(const std::vector<std::string>& extra = {}) {
    std::vector<std::string> args = {"repo", "add", "lib", ws_.root()};
    args.insert(args.end(), extra.begin(), extra.end());
    RunResult r = ws_.Run(args);
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }
  nlohmann::json Scan(int want_exit = 0,
                      const std::vector<std::string>& extra = {}) {
    std::vector<std::string> args = {"scan", "lib", "--json"};
    args.insert(args.end(), extra.begin(), extra.end());
    RunResult r = ws_.Run(args);
    EXPECT_EQ(r.exit_code, want_exit) << r.out << r.err;
    nlohmann::json j = r.Json();
    return j.is_object() ? j["results"][0] : nlohmann::json();
  }
  nlohmann::json Files() {
    RunResult r = ws_.Run({"files", "lib", "--json"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return r.Json();
  }
  std::vector<std::string> CatalogPaths() { return PathsOf(Files()); }
  nlohmann::json FileNamed(const std::string& path) {
    for (const auto& f : Files()) {
      if (PathsOf(nlohmann::json::array({f}))[0] == path) return f;
    }
    return nullptr;
  }
};

TEST_P(ScanCliTest, CatalogsATreeAndReportsItEverywhere) {
  ws_.Write("2024/05/IMG_0001.jpg", "abc");
  ws_.Write("2024/05/IMG_0002.jpg", "defg");
  ws_.Write("2024/06/clip.mov", "0123456789");
  ws_.Write("2024/.thumbs/x.jpg", "hidden");
  ws_.Write("2024/05/upload.tmp", "partial");
  AddRepo();
  nlohmann::json scan = Scan();
  EXPECT_EQ(scan["status"], "completed");
  EXPECT_EQ(scan["counters"]["added"], 3);
  EXPECT_EQ(scan["counters"]["scanned"], 3);
  EXPECT_EQ(CatalogPaths(), ws_.ListFiles());

  nlohmann::json f = FileNamed("2024/05/IMG_0001.jpg");
  ASSERT_FALSE(f.is_null());
  EXPECT_EQ(f["content_hash"],
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(f["size"], 3);

  RunResult status = ws_.Run({"status", "lib", "--json"});
  ASSERT_EQ(status.exit_code, 0) << status.err;
  nlohmann::json s = status.Json();
  EXPECT_EQ(s["totals"]["files"], 3);
  EXPECT_EQ(s["totals"]["bytes"], 17);
  EXPECT_EQ(s["state"], "online");
  EXPECT_EQ(s["last_operation"]["status"], "completed");

  RunResult prefix = ws_.Run({"files", "lib", "--prefix", "2024/06", "--json"});
  ASSERT_EQ(prefix.exit_code, 0);
  EXPECT_EQ(PathsOf(prefix.Json()),
            std::vector<std::string>{"2024/06/clip.mov"});

  Scan();
  RunResult history = ws_.Run({"history", "lib", "--json"});
  ASSERT_EQ(history.exit_code, 0);
  nlohmann::json h = history.Json();
  ASSERT_EQ(h.size(), 2u);
  EXPECT_EQ(h[0]["counters"]["added"], 0);  // newest first
  EXPECT_EQ(h[1]["counters"]["added"], 3);
  EXPECT_EQ(h[0]["type"], "on-demand");

  RunResult human = ws_.Run({"status", "lib"});
  EXPECT_NE(human.out.find("3 (17 B)"), std::string::npos) << human.out;
}

TEST_P(ScanCliTest, RescanSeesEditsMovesAndDeletes) {
  for (int i = 0; i < 10; ++i) {
    ws_.Write("a/f" + std::to_string(i), std::string(i + 1, 'x'));
  }
  ws_.Write("b/deep/photo.jpg", "pixels");
  AddRepo();
  Scan();
  const int64_t photo_id = FileNamed("b/deep/photo.jpg")["id"];
  const std::string photo_hash = FileNamed("b/deep/photo.jpg")["content_hash"];

  ws_.Write("a/f0", "changed content");
  ASSERT_EQ(std::rename(ws_.Path("b").c_str(), ws_.Path("c").c_str()), 0);
  ASSERT_EQ(unlink(ws_.Path("a/f9").c_str()), 0);
  nlohmann::json scan = Scan();
  EXPECT_EQ(scan["counters"]["updated"], 1);
  EXPECT_EQ(scan["counters"]["moved"], 1);
  EXPECT_EQ(scan["counters"]["removed"], 1);
  EXPECT_EQ(scan["counters"]["added"], 0);
  EXPECT_EQ(CatalogPaths(), ws_.ListFiles());
  nlohmann::json moved = FileNamed("c/deep/photo.jpg");
  EXPECT_EQ(moved["id"], photo_id);
  EXPECT_EQ(moved["content_hash"], photo_hash);

  nlohmann::json quiet = Scan();
  EXPECT_EQ(quiet["rows_written"], 0);
}

TEST_P(ScanCliTest, SymlinksAreRecordedAndNeverFollowed) {
  ws_.Write("real/file.jpg", "data");
  ASSERT_EQ(symlink(".", ws_.Path("loop").c_str()), 0);
  ASSERT_EQ(symlink("..", ws_.Path("real/up").c_str()), 0);
  ASSERT_EQ(symlink("/nonexistent/target", ws_.Path("dangling").c_str()), 0);
  AddRepo();
  nlohmann::json scan = Scan();
  EXPECT_EQ(scan["status"], "completed");
  EXPECT_EQ(CatalogPaths(),
            (std::vector<std::string>{"dangling", "loop", "real/file.jpg",
                                      "real/up"}));
  EXPECT_EQ(FileNamed("loop")["kind"], "symlink");
  EXPECT_EQ(FileNamed("loop")["content_hash"], nullptr);
}

TEST_P(ScanCliTest, NamesThatAreNotUtf8SurviveScanAndRename) {
  const std::string odd = "bad-\xff\xfe-\x80.jpg";
  const std::string ctrl = "tab\there.jpg";
  ws_.Write(odd, "one");
  ws_.Write(ctrl, "two");
  ws_.Write("plain.jpg", "three");
  AddRepo();
  Scan();
  EXPECT_EQ(CatalogPaths(), ws_.ListFiles());
  nlohmann::json f = FileNamed(odd);
  ASSERT_FALSE(f.is_null());
  EXPECT_EQ(f["path"], "bad-\\xff\\xfe-\\x80.jpg");
  const int64_t id = f["id"];
  const std::string renamed = "renamed-\xc3\x28.jpg";  // still invalid
  ASSERT_EQ(std::rename(ws_.Path(odd).c_str(), ws_.Path(renamed).c_str()), 0);
  nlohmann::json scan = Scan();
  EXPECT_EQ(scan["counters"]["moved"], 1);
  EXPECT_EQ(FileNamed(renamed)["id"], id);
  // The human listing prints escapes, not raw bytes.
  RunResult human = ws_.Run({"files", "lib"});
  EXPECT_NE(human.out.find("renamed-\\xc3(.jpg"), std::string::npos)
      << human.out;
}

TEST_P(ScanCliTest, HardLinkIsASecondRecordNotAMove) {
  ws_.Write("a.jpg", "same bytes");
  ws_.Write("other1", "o");
  ws_.Write("other2", "o");
  AddRepo();
  Scan();
  ASSERT_EQ(link(ws_.Path("a.jpg").c_str(), ws_.Path("b.jpg").c_str()), 0);
  nlohmann::json scan = Scan();
  EXPECT_EQ(scan["counters"]["added"], 1);
  EXPECT_EQ(scan["counters"]["moved"], 0);
  EXPECT_EQ(CatalogPaths(), ws_.ListFiles());
}

TEST_P(ScanCliTest, FilesChangingDuringTheWalkConverge) {
  // A writer creates, grows and deletes files while scans run. No scan may
  // crash or fail, and once the writer stops one scan matches the disk.
  for (int d = 0; d < 20; ++d) {
    for (int i = 0; i < 200; ++i) {
      ws_.Write("stable/d" + std::to_string(d) + "/f" + std::to_string(i), "s");
    }
  }
  AddRepo({"--hash", "sha256"});
  std::atomic<bool> stop{false};
  std::thread churn([&] {
    for (int n = 0; !stop.load(); ++n) {
      const std::string p = ws_.Path("churn/f" + std::to_string(n % 50));
      mkdir(ws_.Path("churn").c_str(), 0755);
      if (FILE* f = std::fopen(p.c_str(), "a")) {
        std::fputs("more bytes ", f);
        std::fclose(f);
      }
      if (n % 3 == 0) {
        unlink(ws_.Path("churn/f" + std::to_string((n + 25) % 50)).c_str());
      }
    }
  });
  for (int i = 0; i < 3; ++i) {
    RunResult r = ws_.Run({"scan", "lib", "--json", "--allow-mass-removal"});
    EXPECT_TRUE(r.exit_code == 0 || r.exit_code == 3)
        << "exit " << r.exit_code << ": " << r.err;
  }
  stop = true;
  churn.join();
  Scan(0, {"--allow-mass-removal"});
  EXPECT_EQ(CatalogPaths(), ws_.ListFiles());
  // Every recorded hash belongs to the size recorded with it.
  for (const auto& f : Files()) {
    if (f["path"].get<std::string>().rfind("churn/", 0) != 0) continue;
    struct stat st;
    ASSERT_EQ(lstat(ws_.Path(f["path"]).c_str(), &st), 0);
    EXPECT_EQ(f["size"].get<int64_t>(), st.st_size) << f["path"];
    EXPECT_FALSE(f["content_hash"].is_null()) << f["path"];
  }
}

TEST_P(ScanCliTest, MassDisappearanceWaitsForConfirmation) {
  for (int i = 0; i < 6; ++i) ws_.Write("f" + std::to_string(i), "x");
  AddRepo();
  Scan();
  for (int i = 0; i < 4; ++i) {
    ASSERT_EQ(unlink(ws_.Path("f" + std::to_string(i)).c_str()), 0);
  }
  nlohmann::json paused = Scan(3);
  EXPECT_EQ(paused["status"], "partial");
  EXPECT_EQ(paused["removals_deferred"], 4);
  EXPECT_EQ(CatalogPaths().size(), 6u);
  nlohmann::json confirmed = Scan(0, {"--allow-mass-removal"});
  EXPECT_EQ(confirmed["counters"]["removed"], 4);
  EXPECT_EQ(CatalogPaths(), ws_.ListFiles());
}

TEST_P(ScanCliTest, ConfigFiltersAndHashChoiceApply) {
  ws_.Write("keep/a.jpg", "a");
  ws_.Write("cache/b.jpg", "b");
  ws_.Write("keep/c.raw", "c");
  {
    FILE* f = std::fopen((ws_.dir() + "/tidemark.toml").c_str(), "w");
    std::fputs(
        "[scan]\nhash = \"xxh3\"\n[filters]\nexclude = [\"cache/**\", "
        "\"*.raw\"]\n",
        f);
    std::fclose(f);
  }
  AddRepo();
  Scan();
  EXPECT_EQ(CatalogPaths(), std::vector<std::string>{"keep/a.jpg"});
  EXPECT_EQ(FileNamed("keep/a.jpg")["hash_algorithm"], "xxh3");
}

TEST_P(ScanCliTest, RepoListAndRemove) {
  ws_.Write("x", "1");
  AddRepo();
  Scan();
  RunResult list = ws_.Run({"repo", "list", "--json"});
  ASSERT_EQ(list.exit_code, 0);
  ASSERT_EQ(list.Json().size(), 1u);
  EXPECT_EQ(list.Json()[0]["totals"]["files"], 1);
  // Without --purge the repository is detached: kept, with its records,
  // but not synced.
  RunResult detached = ws_.Run({"repo", "remove", "lib", "--json"});
  ASSERT_EQ(detached.exit_code, 0) << detached.err;
  EXPECT_EQ(detached.Json()["records_kept"], 1);
  RunResult kept = ws_.Run({"repo", "list", "--json"});
  ASSERT_EQ(kept.Json().size(), 1u);
  EXPECT_EQ(kept.Json()[0]["detached"], true);
  EXPECT_EQ(kept.Json()[0]["totals"]["files"], 1);
  RunResult refused = ws_.Run({"reconcile", "lib"});
  EXPECT_EQ(refused.exit_code, 4) << refused.err;
  EXPECT_NE(refused.err.find("detached"), std::string::npos) << refused.err;
  // Nothing syncs or writes a detached repository: its records stay as
  // they were (a scan of everything from cron removed the record of a
  // deleted file; put, mv and rm went through).
  ws_.Write("added", "2");
  const std::string upload = ws_.WriteLocal("upload", "3");
  for (const std::vector<std::string>& args :
       std::vector<std::vector<std::string>>{
           {"scan"},
           {"scan", "lib"},
           {"put", "lib", "uploaded", upload},
           {"mv", "lib", "x", "y"},
           {"rm", "lib", "x"},
           {"repair", "lib", "--adopt-orphaned"}}) {
    RunResult r = ws_.Run(args);
    EXPECT_NE(r.exit_code, 0) << args[0] << ": " << r.out;
    EXPECT_NE(r.err.find("detached"), std::string::npos)
        << args[0] << ": " << r.err;
  }
  EXPECT_EQ(ws_.ListFiles(), (std::vector<std::string>{"added", "x"}));
  EXPECT_EQ(CatalogPaths(), std::vector<std::string>{"x"});
  ASSERT_EQ(std::remove(ws_.Path("added").c_str()), 0);
  // Options other than those it was made with are refused, not dropped.
  RunResult other =
      ws_.Run({"repo", "add", "lib", ws_.root(), "--layout", "products"});
  EXPECT_EQ(other.exit_code, 2) << other.err;
  EXPECT_NE(other.err.find("detached with other options"), std::string::npos)
      << other.err;
  EXPECT_EQ(ws_.Run({"repo", "list", "--json"}).Json()[0]["detached"], true);
  // Adding it again at the same root attaches it, records and all.
  RunResult again = ws_.Run({"repo", "add", "lib", ws_.root()});
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_NE(again.out.find("attached"), std::string::npos) << again.out;
  EXPECT_EQ(ws_.Run({"repo", "list", "--json"}).Json()[0]["detached"], false);
  EXPECT_EQ(CatalogPaths(), std::vector<std::string>{"x"});

  RunResult removed = ws_.Run({"repo", "remove", "lib", "--purge"});
  ASSERT_EQ(removed.exit_code, 0) << removed.err;
  EXPECT_EQ(ws_.Run({"repo", "list", "--json"}).Json().size(), 0u);
  // Storage is untouched.
  EXPECT_EQ(ws_.ListFiles(), std::vector<std::string>{"x"});
}

INSTANTIATE_CATALOG_KIND_TEST_SUITE_P(ScanCliTest);

}  // namespace
}  // namespace tidemark::testing
