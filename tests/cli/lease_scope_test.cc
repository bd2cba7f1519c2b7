// TakeLease: a command's own lease, or the one this process already holds
// (the daemon of `tidemark serve`), over the in-memory catalog.
#include "cli/lease_scope.h"

#include <gtest/gtest.h>

#include <memory>

#include "cli/context.h"
#include "fakes/fake_clock.h"
#include "fakes/memory_catalog.h"

namespace tidemark::cli {
namespace {

class TakeLeaseTest : public ::testing::Test {
 protected:
  void SetUp() override {
    wiring_.open_catalog = [this](const std::string&, int)
        -> Result<std::unique_ptr<CatalogStore>> {
      return std::unique_ptr<CatalogStore>(
          std::make_unique<MemoryCatalog>(&clock_));
    };
    wiring_.open_backend = [](const std::string& url)
        -> Result<std::unique_ptr<StorageBackend>> {
      return Status::NotFound("no backend for " + url);
    };
    ctx_ = std::make_unique<CliContext>(wiring_, clock_);
    auto gateway = ctx_->GetGateway();
    ASSERT_TRUE(gateway.ok()) << gateway.status().message();
    gateway_ = *gateway;
    auto repo = gateway_->AddRepository("photos", "file:///photos", "{}");
    ASSERT_TRUE(repo.ok()) << repo.status().message();
    repo_ = *repo;
  }

  FakeClock clock_;
  Wiring wiring_;
  std::unique_ptr<CliContext> ctx_;
  Gateway* gateway_ = nullptr;
  Repository repo_;
};

TEST_F(TakeLeaseTest, TakesTheLeaseAndReleasesItWhenDone) {
  auto keeper = TakeLease(*ctx_, repo_);
  ASSERT_TRUE(keeper.ok()) << keeper.status().message();
  ASSERT_NE(*keeper, nullptr);
  EXPECT_TRUE(gateway_->FenceFor(repo_.id).has_value());
  keeper->reset();
  EXPECT_FALSE(gateway_->FenceFor(repo_.id).has_value());
}

TEST_F(TakeLeaseTest, UsesTheLeaseThisProcessHoldsAndLeavesIt) {
  // As the daemon of `tidemark serve` does for a repository it watches.
  auto held = gateway_->AcquireLease(repo_, 60'000);
  ASSERT_TRUE(held.ok() && held->acquired);
  const int64_t token = gateway_->FenceFor(repo_.id)->token;

  Repository stale = repo_;
  stale.url = "file:///stale";
  auto keeper = TakeLease(*ctx_, stale);
  ASSERT_TRUE(keeper.ok()) << keeper.status().message();
  EXPECT_EQ(*keeper, nullptr);
  EXPECT_EQ(stale.url, "file:///photos");  // read again
  keeper->reset();
  ASSERT_TRUE(gateway_->FenceFor(repo_.id).has_value());
  EXPECT_EQ(gateway_->FenceFor(repo_.id)->token, token);
}

TEST_F(TakeLeaseTest, RemovedRepositoryUnderOurLeaseIsNotFound) {
  ASSERT_TRUE(gateway_->AcquireLease(repo_, 60'000).ok());
  Repository stale = repo_;
  ASSERT_TRUE(gateway_->RemoveRepository(repo_).ok());
  auto keeper = TakeLease(*ctx_, stale);
  ASSERT_FALSE(keeper.ok());
  EXPECT_EQ(keeper.status().code(), StatusCode::kNotFound);
}

TEST_F(TakeLeaseTest, AnotherHolderMakesItUnavailable) {
  auto store = ctx_->Store();
  ASSERT_TRUE(store.ok());
  auto other = (*store)->AcquireLease(repo_.id, "other-worker", 60'000);
  ASSERT_TRUE(other.ok() && other->acquired);
  auto keeper = TakeLease(*ctx_, repo_);
  ASSERT_FALSE(keeper.ok());
  EXPECT_EQ(keeper.status().code(), StatusCode::kUnavailable);
  EXPECT_NE(keeper.status().message().find("other-worker"), std::string::npos);
}

}  // namespace
}  // namespace tidemark::cli
