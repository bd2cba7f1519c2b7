// AppFixture: an app::Context over the in-memory fakes (tests/fakes): a
// MemoryCatalog on a FakeClock, and one MemoryStorage per repository,
// opened by its URL "mem://NAME". The services under test run against it
// as the front ends run them against the real catalog and disk.
//
// Tests run on one thread; the services may start their own (walker,
// hashing, lease heartbeat), which the fakes allow.
#ifndef TIDEMARK_TESTS_APP_APP_FIXTURE_H_
#define TIDEMARK_TESTS_APP_APP_FIXTURE_H_

#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "app/config.h"
#include "app/context.h"
#include "app/progress.h"
#include "fakes/fake_clock.h"
#include "fakes/memory_catalog.h"
#include "fakes/memory_storage.h"

namespace tidemark::app {

// A StorageBackend that forwards to one the fixture keeps, so every open
// of a repository's URL sees the same MemoryStorage.
class BorrowedBackend final : public StorageBackend {
 public:
  explicit BorrowedBackend(StorageBackend& target) : target_(target) {}

  BackendCapabilities Capabilities() const override {
    return target_.Capabilities();
  }
  std::string RootUrl() const override { return target_.RootUrl(); }
  Status CheckRoot() override { return target_.CheckRoot(); }
  Result<std::unique_ptr<ListingStream>> List(
      const ListOptions& options) override {
    return target_.List(options);
  }
  Result<StorageEntry> Stat(std::string_view path) override {
    return target_.Stat(path);
  }
  Result<std::unique_ptr<ReadStream>> Open(std::string_view path) override {
    return target_.Open(path);
  }
  Result<StorageEntry> WriteFrom(std::string_view path,
                                 ByteSource& source) override {
    return target_.WriteFrom(path, source);
  }
  Status Remove(std::string_view path) override { return target_.Remove(path); }
  Status Move(std::string_view from, std::string_view to) override {
    return target_.Move(from, to);
  }
  Status Copy(std::string_view from, std::string_view to) override {
    return target_.Copy(from, to);
  }

 private:
  StorageBackend& target_;
};

class AppFixture : public ::testing::Test {
 protected:
  void SetUp() override {
    wiring_.open_catalog =
        [this](const std::string&, int,
               CatalogAccess) -> Result<std::unique_ptr<CatalogStore>> {
      return std::unique_ptr<CatalogStore>(
          std::make_unique<MemoryCatalog>(&clock_));
    };
    wiring_.open_backend =
        [this](
            const std::string& url) -> Result<std::unique_ptr<StorageBackend>> {
      if (!backend_error_.ok()) return backend_error_;
      auto it = storages_.find(url);
      if (it == storages_.end()) {
        return Status::NotFound("no storage at " + url);
      }
      return std::unique_ptr<StorageBackend>(
          std::make_unique<BorrowedBackend>(*it->second));
    };
    OpenContext("");
  }

  // Opens the context with the config `toml` (a fresh, empty catalog).
  void OpenContext(const std::string& toml) {
    ContextSettings settings;
    auto config = ParseConfig(toml, "test.toml");
    ASSERT_TRUE(config.ok()) << config.status().message();
    settings.config = std::move(config).value();
    settings.worker_id = "test-worker";
    auto ctx = Context::Open(wiring_, clock_, std::move(settings),
                             CatalogAccess::kWrite);
    ASSERT_TRUE(ctx.ok()) << ctx.status().message();
    ctx_ = std::move(ctx).value();
  }

  // Adds repository `name` at "mem://NAME" with its own MemoryStorage.
  Repository AddRepo(const std::string& name,
                     const std::string& options_json = "{}") {
    const std::string url = "mem://" + name;
    storages_[url] = std::make_unique<MemoryStorage>();
    auto repo = ctx_->gateway().AddRepository(name, url, options_json);
    EXPECT_TRUE(repo.ok()) << repo.status().message();
    return repo.ok() ? *repo : Repository{};
  }

  MemoryStorage& Storage(const std::string& name) {
    return *storages_.at("mem://" + name);
  }

  void Put(const std::string& repo, const std::string& path,
           const std::string& content = "x") {
    Storage(repo).PutFile(path, content, clock_.NowNanos());
  }

  const Context& ctx() const { return *ctx_; }

  // A progress callback that keeps every report.
  ProgressFn Record(std::vector<Progress>* into) {
    return [into](const Progress& p) { into->push_back(p); };
  }

  FakeClock clock_;
  Wiring wiring_;
  std::map<std::string, std::unique_ptr<MemoryStorage>> storages_;
  Status backend_error_;  // when set, every backend open fails with it
  std::unique_ptr<Context> ctx_;
};

}  // namespace tidemark::app

#endif  // TIDEMARK_TESTS_APP_APP_FIXTURE_H_
