// `tidemark check` and `tidemark repair` through the real binary, over both
// catalogs, on a seed-003 tree (products/<id>/<variant>/<imageType>/<file>)
// with the `products` layout: drift made on disk, reported in rclone's
// combined style and as JSON per product, and repaired under each policy.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <map>
#include <string>
#include <vector>

#include "catalog_kinds.h"
#include "cli_runner.h"

namespace tidemark::testing {
namespace {

using Paths = std::vector<std::string>;

constexpr char kOrphan[] = "products/abc-123/500ml/hero-card/old-image.jpg";
constexpr char kMissing[] = "products/abc-123/1kg/info-card/missing.jpg";
constexpr char kModified[] = "products/abc-123/500ml/info-card/info.jpg";

class CheckCliTest : public CatalogKindTest {
 protected:
  void SetUp() override {
    CatalogKindTest::SetUp();
    if (IsSkipped()) return;
    for (const std::string id : {"abc-123", "def-456", "ghi-789"}) {
      for (const std::string variant : {"500ml", "1kg"}) {
        const std::string base = "products/" + id + "/" + variant + "/";
        ws_.Write(base + "hero-card/current.jpg", id + variant + "hero");
        ws_.Write(base + "info-card/info.jpg", id + variant + "info");
        ws_.Write(base + "info-card/missing.jpg", id + variant + "more");
      }
    }
    RunResult add =
        ws_.Run({"repo", "add", "P", ws_.root(), "--layout", "products"});
    ASSERT_EQ(add.exit_code, 0) << add.err;
    RunResult scan = ws_.Run({"scan", "P"});
    ASSERT_EQ(scan.exit_code, 0) << scan.err;
  }

  // One orphaned, one missing and one modified file in product abc-123.
  void MakeDrift() {
    ws_.Write(kOrphan, "orphan");
    ASSERT_EQ(unlink(ws_.Path(kMissing).c_str()), 0);
    ws_.Write(kModified, "rewritten with more bytes");
  }

  RunResult Check(const std::vector<std::string>& extra = {}) {
    std::vector<std::string> args = {"check", "P"};
    args.insert(args.end(), extra.begin(), extra.end());
    return ws_.Run(args);
  }
  nlohmann::json CheckJson(int want_exit,
                           const std::vector<std::string>& extra = {}) {
    std::vector<std::string> args = {"--json"};
    args.insert(args.end(), extra.begin(), extra.end());
    RunResult r = Check(args);
    EXPECT_EQ(r.exit_code, want_exit) << r.out << r.err;
    return r.Json();
  }
  RunResult Repair(const std::vector<std::string>& extra) {
    std::vector<std::string> args = {"repair", "P"};
    args.insert(args.end(), extra.begin(), extra.end());
    return ws_.Run(args);
  }
  Paths CatalogPaths() {
    RunResult r = ws_.Run({"files", "P", "--json"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return PathsOf(r.Json());
  }
  nlohmann::json Record(const std::string& path) {
    RunResult r = ws_.Run({"files", "P", "--json"});
    for (const auto& f : r.Json()) {
      if (f["path"] == path) return f;
    }
    return nullptr;
  }
  size_t HistoryLength() {
    RunResult r = ws_.Run({"history", "P", "--json"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return r.Json().size();
  }
  // Every file under the root with its contents.
  std::map<std::string, std::string> Tree() {
    std::map<std::string, std::string> out;
    for (const std::string& p : ws_.ListFiles()) {
      out[p] = ReadFileBytes(ws_.Path(p));
    }
    return out;
  }
  static const nlohmann::json* Result(const nlohmann::json& doc,
                                      const std::string& key) {
    for (const auto& r : doc["results"]) {
      if (r["key"] == key) return &r;
    }
    return nullptr;
  }
};

TEST_P(CheckCliTest, ACleanRepositoryExitsZero) {
  RunResult text = Check();
  EXPECT_EQ(text.exit_code, 0) << text.err;
  EXPECT_EQ(text.out, "");
  EXPECT_TRUE(Contains(text.err, "0 differences found")) << text.err;

  nlohmann::json j = CheckJson(0);
  EXPECT_EQ(j["repository"], "P");
  EXPECT_EQ(j["layout"], "products");
  EXPECT_EQ(j["truth"], "storage");
  EXPECT_EQ(j["clean"], true);
  EXPECT_EQ(j["totals"]["files"], 18);
  EXPECT_EQ(j["totals"]["synced"], 18);
  EXPECT_EQ(j["totals"]["entities"], 3);
  ASSERT_EQ(j["results"].size(), 3u);
  EXPECT_EQ(j["results"][0]["kind"], "product");
  EXPECT_EQ(j["results"][0]["key"], "abc-123");
  EXPECT_EQ(j["results"][0]["synced"], 6);
}

TEST_P(CheckCliTest, DriftIsReportedLineByLineAndPerProduct) {
  MakeDrift();
  const size_t history = HistoryLength();
  RunResult text = Check();
  EXPECT_EQ(text.exit_code, 1) << text.err;
  // In path order, like rclone check --combined.
  EXPECT_EQ(text.out, std::string("- ") + kMissing + "\n+ " + kOrphan + "\n* " +
                          kModified + "\n");
  EXPECT_TRUE(Contains(text.err,
                       "product abc-123: 1 orphaned, 1 missing, "
                       "1 modified, 4 synced"))
      << text.err;
  EXPECT_FALSE(Contains(text.err, "def-456")) << text.err;
  EXPECT_TRUE(Contains(text.err, "3 differences found")) << text.err;

  RunResult combined = Check({"--combined"});
  EXPECT_EQ(combined.exit_code, 1);
  EXPECT_TRUE(
      Contains(combined.out, "= products/def-456/1kg/hero-card/current.jpg\n"))
      << combined.out;
  EXPECT_TRUE(Contains(combined.err, "product def-456: 0 orphaned"));

  nlohmann::json j = CheckJson(1);
  EXPECT_EQ(j["clean"], false);
  EXPECT_EQ(j["orphaned"], nlohmann::json::array({kOrphan}));
  EXPECT_EQ(j["missing"], nlohmann::json::array({kMissing}));
  EXPECT_EQ(j["modified"], nlohmann::json::array({kModified}));
  EXPECT_EQ(j["totals"]["files"], 19);
  const nlohmann::json* abc = Result(j, "abc-123");
  ASSERT_NE(abc, nullptr);
  EXPECT_EQ((*abc)["path"], "products/abc-123");
  EXPECT_EQ((*abc)["orphaned"], nlohmann::json::array({kOrphan}));
  EXPECT_EQ((*abc)["missing"], nlohmann::json::array({kMissing}));
  EXPECT_EQ((*abc)["synced"], 4);
  EXPECT_EQ((*Result(j, "def-456"))["synced"], 6);
  // Read-only: no operation, no record touched.
  EXPECT_EQ(HistoryLength(), history);
  EXPECT_TRUE(Contains(Record(kMissing).dump(), "missing.jpg"));
}

TEST_P(CheckCliTest, EntityAndScopeNarrowTheCheck) {
  MakeDrift();
  ws_.Write("products/def-456/1kg/hero-card/new.jpg", "n");
  nlohmann::json one = CheckJson(1, {"--entity", "def-456"});
  ASSERT_EQ(one["results"].size(), 1u);
  EXPECT_EQ(one["results"][0]["key"], "def-456");
  EXPECT_EQ(one["scope"], "products/def-456");
  EXPECT_EQ(one["totals"]["orphaned"], 1);
  EXPECT_EQ(one["totals"]["missing"], 0);

  nlohmann::json clean = CheckJson(0, {"--scope", "products/ghi-789"});
  EXPECT_EQ(clean["totals"]["files"], 6);

  RunResult unknown = Check({"--entity", "nope"});
  EXPECT_EQ(unknown.exit_code, 2);
  EXPECT_TRUE(Contains(unknown.err, "no entity 'nope' in repository P"))
      << unknown.err;
  EXPECT_TRUE(Contains(unknown.err, "tidemark entities P")) << unknown.err;
}

TEST_P(CheckCliTest, AdoptOrphanedCatalogsThem) {
  ws_.Write(kOrphan, "orphan");
  RunResult r = Repair({"--adopt-orphaned", "--json"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  nlohmann::json j = r.Json();
  EXPECT_EQ(j["status"], "converged");
  EXPECT_EQ(j["plan"]["adopt"], nlohmann::json::array({kOrphan}));
  EXPECT_EQ(j["adopted"], 1);
  EXPECT_EQ(j["before"]["orphaned"], 1);
  EXPECT_EQ(j["after"]["orphaned"], 0);
  EXPECT_EQ(j["clean_after"], true);
  EXPECT_FALSE(Record(kOrphan).is_null());
  EXPECT_EQ(Check().exit_code, 0);
  RunResult history = ws_.Run({"history", "P", "--json"});
  EXPECT_EQ(history.Json()[0]["type"], "repair");
}

TEST_P(CheckCliTest, RemoveOrphanedDeletesThemFromDisk) {
  ws_.Write(kOrphan, "orphan");
  RunResult r = Repair({"--remove-orphaned"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(Contains(r.out, std::string("remove object ") + kOrphan))
      << r.out;
  EXPECT_NE(access(ws_.Path(kOrphan).c_str(), F_OK), 0);
  EXPECT_EQ(Check().exit_code, 0);
}

TEST_P(CheckCliTest, DropMissingRemovesTheRecordAndKeepMissingKeepsIt) {
  ASSERT_EQ(unlink(ws_.Path(kMissing).c_str()), 0);
  RunResult keep = Repair({"--keep-missing"});
  EXPECT_EQ(keep.exit_code, 0) << keep.err;
  EXPECT_FALSE(Record(kMissing).is_null());
  EXPECT_EQ(Check().exit_code, 1);

  RunResult drop = Repair({"--drop-missing"});
  EXPECT_EQ(drop.exit_code, 0) << drop.err;
  EXPECT_TRUE(Contains(drop.out, std::string("drop record ") + kMissing));
  EXPECT_TRUE(Record(kMissing).is_null());
  EXPECT_EQ(Check().exit_code, 0);
}

TEST_P(CheckCliTest, UpdateModifiedRewritesTheRecord) {
  ws_.Write(kModified, "rewritten with more bytes");
  RunResult r = Repair({"--update-modified"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(Contains(r.out, std::string("refresh ") + kModified));
  EXPECT_EQ(Record(kModified)["size"], 25);
  EXPECT_EQ(Check().exit_code, 0);
}

TEST_P(CheckCliTest, DryRunChangesNothing) {
  MakeDrift();
  const Paths catalog = CatalogPaths();
  const std::string files = ws_.Run({"files", "P", "--json"}).out;
  const auto tree = Tree();
  const size_t history = HistoryLength();
  RunResult r = Repair({"--remove-orphaned", "--drop-missing",
                        "--update-modified", "--dry-run", "--json"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  nlohmann::json j = r.Json();
  EXPECT_EQ(j["status"], "dry-run");
  EXPECT_EQ(j["plan"]["remove_objects"], nlohmann::json::array({kOrphan}));
  EXPECT_EQ(j["plan"]["drop_records"], nlohmann::json::array({kMissing}));
  EXPECT_EQ(j["plan"]["refresh"], nlohmann::json::array({kModified}));
  EXPECT_EQ(ws_.Run({"files", "P", "--json"}).out, files);
  EXPECT_EQ(Tree(), tree);
  EXPECT_EQ(HistoryLength(), history);
  EXPECT_EQ(CatalogPaths(), catalog);
}

TEST_P(CheckCliTest, MassRemovalIsRefusedWithoutForce) {
  for (const std::string v : {"500ml", "1kg"}) {
    for (const std::string f : {"hero-card/current.jpg", "info-card/info.jpg",
                                "info-card/missing.jpg"}) {
      const std::string p = "products/ghi-789/" + v + "/" + f;
      if (v == "500ml" && f == "hero-card/current.jpg") continue;
      ASSERT_EQ(unlink(ws_.Path(p).c_str()), 0) << p;
    }
  }
  const std::string files = ws_.Run({"files", "P", "--json"}).out;
  RunResult refused = Repair({"--drop-missing", "--scope", "products/ghi-789"});
  EXPECT_EQ(refused.exit_code, 4) << refused.err;
  EXPECT_TRUE(Contains(refused.err, "drop 5 records")) << refused.err;
  EXPECT_TRUE(Contains(refused.err, "5 of the 6 files")) << refused.err;
  EXPECT_TRUE(Contains(refused.err, "--force")) << refused.err;
  EXPECT_EQ(ws_.Run({"files", "P", "--json"}).out, files);

  RunResult forced = Repair(
      {"--drop-missing", "--scope", "products/ghi-789", "--force", "--json"});
  EXPECT_EQ(forced.exit_code, 0) << forced.err;
  EXPECT_EQ(forced.Json()["records_dropped"], 5);
  EXPECT_EQ(Check().exit_code, 0);
}

// Deleting from storage is held to the same threshold: 20 orphans against
// 18 cataloged files is more than half of the 38 files in the repository.
TEST_P(CheckCliTest, MassRemovalFromStorageIsRefusedWithoutForce) {
  for (int i = 0; i < 20; ++i) {
    ws_.Write("products/new-" + std::to_string(i) + "/500ml/hero-card/a.jpg",
              "stray " + std::to_string(i));
  }
  const auto tree = Tree();
  RunResult refused = Repair({"--remove-orphaned"});
  EXPECT_EQ(refused.exit_code, 4) << refused.out << refused.err;
  EXPECT_TRUE(Contains(refused.err, "refusing to remove 20 objects"))
      << refused.err;
  EXPECT_TRUE(Contains(refused.err, "--force")) << refused.err;
  EXPECT_EQ(Tree(), tree) << "nothing may be deleted before --force";

  RunResult forced = Repair({"--remove-orphaned", "--force", "--json"});
  EXPECT_EQ(forced.exit_code, 0) << forced.err;
  EXPECT_EQ(forced.Json()["objects_removed"], 20);
  EXPECT_EQ(ws_.ListFiles().size(), 18u);
  EXPECT_EQ(Check().exit_code, 0);
}

TEST_P(CheckCliTest, BadInputsGetClearErrors) {
  RunResult unknown = ws_.Run({"check", "nosuch"});
  EXPECT_EQ(unknown.exit_code, 2);
  EXPECT_TRUE(Contains(unknown.err, "nosuch")) << unknown.err;
  EXPECT_EQ(ws_.Run({"repair", "nosuch", "--adopt-orphaned"}).exit_code, 2);

  ws_.Write("../plain/a.jpg", "a");
  ASSERT_EQ(ws_.Run({"repo", "add", "plain", ws_.dir() + "/plain"}).exit_code,
            0);
  RunResult no_layout = ws_.Run({"check", "plain", "--entity", "x"});
  EXPECT_EQ(no_layout.exit_code, 2);
  EXPECT_TRUE(Contains(no_layout.err, "--entity 'x' needs a layout"))
      << no_layout.err;
  nlohmann::json plain = ws_.Run({"check", "plain", "--json"}).Json();
  EXPECT_EQ(plain["results"], nlohmann::json::array());
  EXPECT_EQ(plain["layout"], nullptr);

  RunResult both = Repair({"--adopt-orphaned", "--remove-orphaned"});
  EXPECT_EQ(both.exit_code, 2);
  EXPECT_TRUE(Contains(both.err, "--adopt-orphaned")) << both.err;
  EXPECT_EQ(Repair({"--drop-missing", "--keep-missing"}).exit_code, 2);
  EXPECT_EQ(Check({"--scope", "products", "--entity", "abc-123"}).exit_code, 2);

  RunResult none = Repair({"--dry-run"});
  EXPECT_EQ(none.exit_code, 2);
  EXPECT_TRUE(Contains(none.err, "--adopt-orphaned")) << none.err;
  EXPECT_TRUE(Contains(none.err, "--drop-missing")) << none.err;
  EXPECT_TRUE(Contains(none.err, "--update-modified")) << none.err;
}

TEST_P(CheckCliTest, AnUnreachableRootFailsTheCheckAndTouchesNothing) {
  const std::string files = ws_.Run({"files", "P", "--json"}).out;
  ASSERT_EQ(std::rename(ws_.root().c_str(), (ws_.dir() + "/gone").c_str()), 0);
  RunResult r = Check();
  EXPECT_EQ(r.exit_code, 4);
  EXPECT_TRUE(Contains(r.err, "cannot be reached")) << r.err;
  EXPECT_EQ(r.out, "");  // never "everything missing"
  EXPECT_EQ(Repair({"--drop-missing", "--force"}).exit_code, 4);
  EXPECT_EQ(ws_.Run({"files", "P", "--json"}).out, files);
}

TEST_P(CheckCliTest, ACatalogTruthRepositoryIsCheckedLikeAnyOther) {
  ws_.Write("../cat/products/p1/v/t/a.jpg", "a");
  ASSERT_EQ(ws_.Run({"repo", "add", "C", ws_.dir() + "/cat", "--layout",
                     "products", "--truth", "catalog"})
                .exit_code,
            0);
  ASSERT_EQ(ws_.Run({"repair", "C", "--adopt-orphaned"}).exit_code, 0);
  nlohmann::json j = ws_.Run({"check", "C", "--json"}).Json();
  EXPECT_EQ(j["truth"], "catalog");
  EXPECT_EQ(j["clean"], true);
  EXPECT_EQ(j["totals"]["synced"], 1);
}

INSTANTIATE_CATALOG_KIND_TEST_SUITE_P(CheckCliTest);

}  // namespace
}  // namespace tidemark::testing
