// The products service over the fakes (seed 003): a product's check, the
// seed's options as repair policies, and a sync answered by the check
// after it.
#include "app/products_service.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "app/scan_service.h"
#include "app_fixture.h"

namespace tidemark::app {
namespace {

class ProductsServiceTest : public AppFixture {
 protected:
  void SetUp() override {
    AppFixture::SetUp();
    repo_ = AddRepo("shop", R"({"layout": "products", "truth": "catalog"})");
    Put("shop", "products/abc-123/500ml/hero-card/hero.jpg", "hero");
    Put("shop", "products/abc-123/500ml/info-card/info.jpg", "info");
    Put("shop", "products/xyz-9/250ml/hero-card/x.jpg", "x");
  }

  Repository repo_;
};

TEST_F(ProductsServiceTest, SeedOptionsAreRepairPolicies) {
  auto neither = SeedRepairPolicy(false, false);
  ASSERT_FALSE(neither.ok());
  EXPECT_EQ(neither.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(neither.status().message().find("removeOrphaned"),
            std::string::npos);

  auto remove = SeedRepairPolicy(true, false);
  ASSERT_TRUE(remove.ok());
  EXPECT_EQ(remove->orphaned, OrphanPolicy::kRemove);
  EXPECT_EQ(remove->missing, MissingPolicy::kKeep);

  auto recreate = SeedRepairPolicy(false, true);
  ASSERT_TRUE(recreate.ok());
  EXPECT_EQ(recreate->orphaned, OrphanPolicy::kAdopt);
  EXPECT_EQ(recreate->missing, MissingPolicy::kDrop);

  auto both = SeedRepairPolicy(true, true);
  ASSERT_TRUE(both.ok());
  EXPECT_EQ(both->orphaned, OrphanPolicy::kRemove);
  EXPECT_EQ(both->missing, MissingPolicy::kDrop);
}

TEST_F(ProductsServiceTest, AProductsCheckListsItsOrphanedImages) {
  EXPECT_EQ(ProductFolder("abc-123"), "products/abc-123");
  std::vector<Progress> seen;
  auto report = CheckProducts(ctx(), {"shop", "abc-123", Record(&seen)});
  ASSERT_TRUE(report.ok()) << report.status().message();
  EXPECT_EQ(report->totals.orphaned, 2) << "only the product's folder";
  const EntityDrift* product = FindProduct(*report, "abc-123");
  ASSERT_NE(product, nullptr);
  EXPECT_EQ(product->orphaned.size(), 2u);
  EXPECT_EQ(FindProduct(*report, "xyz-9"), nullptr);
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_EQ(seen[1].step, Step::kCheck);

  auto all = CheckProducts(ctx(), {"shop", "", nullptr});
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(all->totals.orphaned, 3);
  EXPECT_NE(FindProduct(*all, "xyz-9"), nullptr);
}

TEST_F(ProductsServiceTest, ASyncRepairsAndAnswersWithTheCheckAfter) {
  auto policy = SeedRepairPolicy(false, true);
  ASSERT_TRUE(policy.ok());
  std::vector<Progress> seen;
  auto synced =
      SyncProducts(ctx(), {"shop", "abc-123", Record(&seen)}, *policy, false);
  ASSERT_TRUE(synced.ok()) << synced.status().message();
  EXPECT_EQ(synced->repair.status, RepairStatus::kConverged);
  ASSERT_TRUE(synced->repair.outcome.has_value());
  EXPECT_EQ(synced->repair.outcome->adopted, 2);
  const EntityDrift* product = FindProduct(synced->after, "abc-123");
  ASSERT_NE(product, nullptr);
  EXPECT_TRUE(product->orphaned.empty());
  EXPECT_EQ(product->synced_paths.size(), 2u) << "synced paths are listed";
  EXPECT_FALSE(seen.empty());
  EXPECT_EQ(seen.back().step, Step::kRecheck);

  // The other product was left alone.
  auto all = CheckProducts(ctx(), {"shop", "", nullptr});
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(all->totals.orphaned, 1);
}

TEST_F(ProductsServiceTest, ARefusedRepairIsAnError) {
  // Removing 3 of 3 files is a mass removal: refused without force.
  auto policy = SeedRepairPolicy(true, false);
  ASSERT_TRUE(policy.ok());
  auto refused = SyncProducts(ctx(), {"shop", "", nullptr}, *policy, false);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_TRUE(
      Storage("shop").Stat("products/xyz-9/250ml/hero-card/x.jpg").ok());

  auto unknown = CheckProducts(ctx(), {"nope", "", nullptr});
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.status().code(), StatusCode::kNotFound);
}

}  // namespace
}  // namespace tidemark::app
