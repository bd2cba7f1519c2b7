#include "testing/backend_catalog_fixture.h"

#include <utility>

namespace tidemark {

void BackendCatalogTest::SetUp() {
  if (const auto& skip = std::get<1>(GetParam()).skip_reason) {
    GTEST_SKIP() << *skip;
  }
  storage_dir_ = MakeTempDir();
  auto backend = backend_factory().open_with_hooks(storage_dir_);
  ASSERT_TRUE(backend.ok()) << backend.status().ToString();
  backend_ = std::move(backend->backend);
  hooks_ = std::move(backend->hooks);
  auto store = std::get<1>(GetParam()).open(catalog_dir_.path());
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  store_ = std::move(store).value();
  gateway_ = std::make_unique<Gateway>(GatewayStore(*store_), clock_);
  auto repo = gateway_->AddRepository("repo", backend_->RootUrl(), "{}");
  ASSERT_TRUE(repo.ok()) << repo.status().ToString();
  repo_ = *repo;
}

void BackendCatalogTest::TearDown() {
  gateway_.reset();
  store_.reset();
  hooks_.reset();
  backend_.reset();
  if (!storage_dir_.empty()) RemoveTree(storage_dir_);
}

void BackendCatalogTest::Put(const std::string& path,
                             const std::string& content) {
  ASSERT_TRUE(backend_->Write(path, content).ok()) << path;
}

void BackendCatalogTest::Remove(const std::string& path) {
  ASSERT_TRUE(backend_->Remove(path).ok()) << path;
}

std::string BackendCatalogTest::Content(const std::string& path) {
  auto stream = backend_->Open(path);
  if (!stream.ok()) return "<none>";
  std::string out;
  char buf[4096];
  for (;;) {
    auto n = (*stream)->Read(buf, sizeof(buf));
    if (!n.ok() || *n == 0) break;
    out.append(buf, *n);
  }
  return out;
}

bool BackendCatalogTest::Exists(const std::string& path) {
  return backend_->Stat(path).ok();
}

std::vector<std::string> BackendCatalogTest::Objects() {
  std::vector<std::string> out;
  auto listing = backend_->List(ListOptions{});
  EXPECT_TRUE(listing.ok()) << listing.status().ToString();
  if (!listing.ok()) return out;
  ListItem item;
  for (;;) {
    auto more = (*listing)->Next(&item);
    EXPECT_TRUE(more.ok()) << more.status().ToString();
    if (!more.ok() || !*more) break;
    out.push_back(item.entry.path);
  }
  return out;
}

std::map<std::string, FileRecord> BackendCatalogTest::Records() {
  return RecordsByPath(*store_, repo_.id);
}

std::vector<std::string> BackendCatalogTest::RecordPaths() {
  std::vector<std::string> out;
  for (const auto& [path, record] : Records()) out.push_back(path);
  return out;
}

std::vector<SyncOperation> BackendCatalogTest::Operations() {
  auto ops = store_->ListOperations(repo_.id, 1000);
  EXPECT_TRUE(ops.ok()) << ops.status().ToString();
  return ops.ok() ? *ops : std::vector<SyncOperation>{};
}

SyncOperation BackendCatalogTest::LastOperation() {
  auto ops = Operations();
  EXPECT_FALSE(ops.empty());
  return ops.empty() ? SyncOperation{} : ops.front();
}

std::string BackendAndStoreName(
    const ::testing::TestParamInfo<BackendAndStore>& info) {
  return std::get<0>(info.param).name + "_" + std::get<1>(info.param).name;
}

}  // namespace tidemark
