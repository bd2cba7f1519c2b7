// The `products` layout (seed 003) through the real binary: every file under
// products/<productId>/<variant>/<imageType>/ becomes an image entity with
// its productId, variant, imageType, fileName and URL; a variant rename and
// a variant delete keep the entities in step; a repository whose truth is
// the catalog is never changed by a scan.
#include <gtest/gtest.h>
#include <signal.h>

#include <filesystem>
#include <map>
#include <string>

#include "catalog_kinds.h"
#include "cli_runner.h"
#include "watch_driver.h"

namespace tidemark::testing {
namespace {

class ProductsCliTest : public CatalogKindTest {
 protected:
  void MakeTree() {
    ws_.Write("products/abc-123/500ml/hero-card/hero.jpg", "hero");
    ws_.Write("products/abc-123/500ml/info-card/info.jpg", "info!");
    ws_.Write("products/abc-123/500ml/other-images/g1.jpg", "g1");
    ws_.Write("products/abc-123/1kg/hero-card/hero.jpg", "hero 1kg");
    ws_.Write("products/xyz-9/250ml/hero-card/x.jpg", "x");
  }
  void AddRepo(const std::vector<std::string>& extra = {}) {
    std::vector<std::string> args = {
        "repo",     "add",      "shop",         ws_.root(),
        "--layout", "products", "--public-url", "http://minio:9000/media"};
    args.insert(args.end(), extra.begin(), extra.end());
    RunResult r = ws_.Run(args);
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }
  nlohmann::json Entities(const std::string& kind) {
    RunResult r = ws_.Run({"entities", "shop", "--kind", kind, "--json"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return r.exit_code == 0 ? r.Json() : nlohmann::json::array();
  }
  std::map<std::string, nlohmann::json> ByKey(const std::string& kind) {
    std::map<std::string, nlohmann::json> out;
    for (const auto& e : Entities(kind)) out[e["key"]] = e;
    return out;
  }
  std::map<std::string, int64_t> RecordIds() {
    RunResult r = ws_.Run({"files", "shop", "--json"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    std::map<std::string, int64_t> ids;
    for (const auto& f : r.Json()) ids[f["path"]] = f["id"];
    return ids;
  }
};

TEST_P(ProductsCliTest, EveryImageBecomesAnEntityWithItsFields) {
  MakeTree();
  ws_.Write("products/abc-123/stray.jpg", "too shallow");
  AddRepo();
  RunResult scan = ws_.Run({"scan", "shop"});
  ASSERT_EQ(scan.exit_code, 0) << scan.err;

  auto products = ByKey("product");
  ASSERT_EQ(products.size(), 2u);
  EXPECT_EQ(products["abc-123"]["file_count"], 5);  // stray.jpg included
  EXPECT_EQ(products["abc-123"]["attrs"]["productId"], "abc-123");
  auto variants = ByKey("variant");
  EXPECT_EQ(variants.size(), 3u);
  EXPECT_EQ(variants["abc-123/500ml"]["file_count"], 3);
  auto images = ByKey("image");
  ASSERT_EQ(images.size(), 5u);
  const nlohmann::json& hero = images["abc-123/500ml/hero-card/hero.jpg"];
  EXPECT_EQ(hero["attrs"]["productId"], "abc-123");
  EXPECT_EQ(hero["attrs"]["variant"], "500ml");
  EXPECT_EQ(hero["attrs"]["imageType"], "hero-card");
  EXPECT_EQ(hero["attrs"]["fileName"], "hero.jpg");
  EXPECT_EQ(hero["attrs"]["url"],
            "http://minio:9000/media/products/abc-123/500ml/hero-card/"
            "hero.jpg");
  EXPECT_EQ(hero["parent_id"], variants["abc-123/500ml"]["id"]);
  EXPECT_EQ(hero["total_bytes"], 4);

  // A removed image goes with its file; a product with no files goes too.
  std::filesystem::remove_all(ws_.Path("products/xyz-9"));
  std::filesystem::remove(
      ws_.Path("products/abc-123/500ml/other-images/g1.jpg"));
  ASSERT_EQ(ws_.Run({"scan", "shop"}).exit_code, 0);
  EXPECT_EQ(ByKey("product").count("xyz-9"), 0u);
  EXPECT_EQ(ByKey("image").size(), 3u);
  EXPECT_EQ(ByKey("variant")["abc-123/500ml"]["file_count"], 2);
}

TEST_P(ProductsCliTest, AVariantRenameAndDeleteKeepEntitiesInStep) {
  MakeTree();
  AddRepo();
  ASSERT_EQ(ws_.Run({"scan", "shop"}).exit_code, 0);
  const auto ids_before = RecordIds();

  RunResult mv = ws_.Run(
      {"mv", "shop", "products/abc-123/500ml", "products/abc-123/1000ml"});
  ASSERT_EQ(mv.exit_code, 0) << mv.err;
  auto variants = ByKey("variant");
  EXPECT_EQ(variants.count("abc-123/500ml"), 0u);
  ASSERT_EQ(variants.count("abc-123/1000ml"), 1u);
  EXPECT_EQ(variants["abc-123/1000ml"]["file_count"], 3);
  auto images = ByKey("image");
  ASSERT_EQ(images.count("abc-123/1000ml/info-card/info.jpg"), 1u);
  EXPECT_EQ(images["abc-123/1000ml/info-card/info.jpg"]["attrs"]["url"],
            "http://minio:9000/media/products/abc-123/1000ml/info-card/"
            "info.jpg");
  // The records moved with their ids.
  const auto ids_after = RecordIds();
  EXPECT_EQ(ids_after.at("products/abc-123/1000ml/info-card/info.jpg"),
            ids_before.at("products/abc-123/500ml/info-card/info.jpg"));

  RunResult rm = ws_.Run({"rm", "shop", "products/abc-123/1kg", "-r"});
  ASSERT_EQ(rm.exit_code, 0) << rm.err;
  // No object is left under the variant (empty folders may stay).
  for (const auto& entry : std::filesystem::recursive_directory_iterator(
           ws_.Path("products/abc-123"))) {
    EXPECT_FALSE(entry.is_regular_file() &&
                 entry.path().string().find("/1kg/") != std::string::npos)
        << entry.path();
  }
  EXPECT_EQ(ByKey("variant").count("abc-123/1kg"), 0u);
  EXPECT_EQ(ByKey("image").count("abc-123/1kg/hero-card/hero.jpg"), 0u);
  EXPECT_EQ(ByKey("product")["abc-123"]["file_count"], 3);
}

TEST_P(ProductsCliTest, ACatalogTruthRepositoryIsNeverChangedByAScan) {
  MakeTree();
  AddRepo({"--truth", "catalog"});
  RunResult scan = ws_.Run({"scan", "shop", "--json"});
  ASSERT_EQ(scan.exit_code, 0) << scan.err;
  EXPECT_EQ(scan.Json()["results"][0]["status"], "skipped");
  EXPECT_NE(scan.Json()["results"][0]["reason"].get<std::string>().find(
                "tidemark check shop"),
            std::string::npos);
  EXPECT_TRUE(RecordIds().empty());
  EXPECT_TRUE(Entities("image").empty());

  // Only an explicit write changes it, and the entity follows.
  const std::string file = ws_.dir() + "/new.jpg";
  WriteAt(file, "uploaded");
  RunResult put = ws_.Run(
      {"put", "shop", "products/abc-123/500ml/hero-card/new.jpg", file});
  ASSERT_EQ(put.exit_code, 0) << put.err;
  EXPECT_EQ(RecordIds().size(), 1u);
  EXPECT_EQ(ByKey("image").count("abc-123/500ml/hero-card/new.jpg"), 1u);
}

// The daemon does not follow a catalog-truth repository: it says so once,
// and while it catalogs a storage-truth repository's new file, the other
// one's storage changes stay out of the catalog.
TEST_P(ProductsCliTest, TheDaemonLeavesACatalogTruthRepositoryAlone) {
  MakeTree();
  AddRepo({"--truth", "catalog"});
  ASSERT_EQ(ws_.Run({"repair", "shop", "--adopt-orphaned"}).exit_code, 0);
  const std::map<std::string, int64_t> before = RecordIds();
  ASSERT_EQ(before.size(), 5u);
  const std::string lib = ws_.dir() + "/lib";
  WriteAt(lib + "/a.txt", "a");
  ASSERT_EQ(ws_.Run({"repo", "add", "lib", lib}).exit_code, 0);

  auto daemon = ws_.Start({"watch", "--worker-id", "w1", "--debounce", "100ms",
                           "--heartbeat", "500ms", "--lease-timeout", "2s"},
                          "w1");
  ASSERT_TRUE(WatchDriver::WaitForLog(*daemon, "lib: startup "))
      << daemon->out() << daemon->err();
  ASSERT_TRUE(WatchDriver::WaitForLog(
      *daemon, "shop: not watched: its truth is 'catalog'"))
      << daemon->out();
  ws_.Write("products/abc-123/500ml/hero-card/late.jpg", "late");
  ASSERT_EQ(std::filesystem::remove(
                ws_.Path("products/abc-123/500ml/info-card/info.jpg")),
            true);
  WriteAt(lib + "/b.txt", "b");
  ASSERT_TRUE(WaitUntil([&] {
    RunResult files = ws_.Run({"files", "lib", "--json"});
    return files.exit_code == 0 && files.Json().size() == 2;
  })) << daemon->out();
  daemon->Signal(SIGTERM);
  EXPECT_EQ(daemon->Wait(), 0) << daemon->err();

  EXPECT_EQ(RecordIds(), before);
  RunResult history = ws_.Run({"history", "shop", "--json"});
  ASSERT_EQ(history.exit_code, 0) << history.err;
  for (const auto& op : history.Json()) {
    EXPECT_NE(op["worker"], "w1") << op.dump();
  }
  RunResult check = ws_.Run({"check", "shop", "--json"});
  EXPECT_EQ(check.exit_code, 1);
  EXPECT_EQ(check.Json()["totals"]["orphaned"], 1);
  EXPECT_EQ(check.Json()["totals"]["missing"], 1);
}

// Layout, truth and public URL from [repositories.NAME] in tidemark.toml,
// for a repository added without flags.
TEST_P(ProductsCliTest, TheConfigFileSetsARepositorysLayoutAndTruth) {
  MakeTree();
  // Not ./tidemark.toml, which every command would read.
  const std::string config = ws_.dir() + "/conf/tidemark.toml";
  WriteAt(config, R"toml(
[repositories.shop]
layout = "products"
truth = "catalog"
public_url = "https://cdn.example.com/media/"
)toml");
  RunResult add =
      ws_.Run({"--config", config, "repo", "add", "shop", ws_.root()});
  ASSERT_EQ(add.exit_code, 0) << add.err;
  RunResult scan = ws_.Run({"--config", config, "scan", "shop", "--json"});
  ASSERT_EQ(scan.exit_code, 0) << scan.err;
  EXPECT_EQ(scan.Json()["results"][0]["status"], "skipped");
  EXPECT_TRUE(RecordIds().empty());

  RunResult repair =
      ws_.Run({"--config", config, "repair", "shop", "--adopt-orphaned"});
  ASSERT_EQ(repair.exit_code, 0) << repair.err;
  RunResult images = ws_.Run(
      {"--config", config, "entities", "shop", "--kind", "image", "--json"});
  ASSERT_EQ(images.exit_code, 0) << images.err;
  ASSERT_EQ(images.Json().size(), 5u);
  bool seen = false;
  for (const auto& e : images.Json()) {
    if (e["key"] != "xyz-9/250ml/hero-card/x.jpg") continue;
    seen = true;
    EXPECT_EQ(e["attrs"]["url"],
              "https://cdn.example.com/media/products/xyz-9/250ml/hero-card/"
              "x.jpg");
  }
  EXPECT_TRUE(seen);
  nlohmann::json check =
      ws_.Run({"--config", config, "check", "shop", "--json"}).Json();
  EXPECT_EQ(check["layout"], "products");
  EXPECT_EQ(check["truth"], "catalog");

  // Without the file the repository has neither.
  nlohmann::json bare = ws_.Run({"check", "shop", "--json"}).Json();
  EXPECT_EQ(bare["layout"], nullptr);
  EXPECT_EQ(bare["truth"], "storage");
}

INSTANTIATE_CATALOG_KIND_TEST_SUITE_P(ProductsCliTest);

}  // namespace
}  // namespace tidemark::testing
