// CheckDrift with the `products` layout (seed 003): drift grouped by product,
// paths that fail to parse in a group of their own, over every backend x
// store pair.
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "check/drift.h"
#include "check_fixture.h"
#include "layout/layout.h"

namespace tidemark {
namespace {

using Paths = std::vector<std::string>;

class DriftLayoutTest : public CheckFixture {
 protected:
  void SetUp() override {
    CheckFixture::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    auto profile = layout::BuiltinProfile("products");
    ASSERT_TRUE(profile.ok()) << profile.status().ToString();
    layout_ = std::make_unique<layout::Layout>(*profile);
    options_.layout = layout_.get();
  }

  const EntityDrift* Find(const DriftReport& report, const std::string& key) {
    for (const EntityDrift& e : report.entities) {
      if (e.key == key) return &e;
    }
    return nullptr;
  }

  std::unique_ptr<layout::Layout> layout_;
  DriftOptions options_;
};

TEST_P(DriftLayoutTest, GroupsDriftByProduct) {
  Put("products/abc-123/500ml/hero-card/current.jpg", "hero");
  Put("products/abc-123/500ml/info-card/info.jpg", "info");
  Put("products/abc-123/1kg/info-card/missing.jpg", "soon gone");
  Put("products/abc-123/1kg/hero-card/edit.jpg", "edit");
  Put("products/xyz/500ml/hero-card/a.jpg", "a");
  Put("products/xyz/500ml/hero-card/b.jpg", "b");
  Scan();
  Put("products/abc-123/500ml/hero-card/old-image.jpg", "orphan");
  Remove("products/abc-123/1kg/info-card/missing.jpg");
  Put("products/abc-123/1kg/hero-card/edit.jpg", "edited");

  DriftReport report = MustCheck(options_);
  EXPECT_EQ(report.totals.entities, 2);
  EXPECT_EQ(report.totals.files, 7);
  EXPECT_EQ(report.totals.unparsed, 0);
  ASSERT_EQ(report.entities.size(), 2u);
  const EntityDrift& abc = report.entities[0];  // ordered by path
  EXPECT_EQ(abc.kind, "product");
  EXPECT_EQ(abc.key, "abc-123");
  EXPECT_EQ(abc.path, "products/abc-123");
  EXPECT_EQ(abc.orphaned,
            Paths{"products/abc-123/500ml/hero-card/old-image.jpg"});
  EXPECT_EQ(abc.missing, Paths{"products/abc-123/1kg/info-card/missing.jpg"});
  EXPECT_EQ(abc.modified, Paths{"products/abc-123/1kg/hero-card/edit.jpg"});
  EXPECT_EQ(abc.synced, 2);
  EXPECT_TRUE(abc.synced_paths.empty());
  const EntityDrift& xyz = report.entities[1];
  EXPECT_EQ(xyz.key, "xyz");
  EXPECT_TRUE(xyz.clean());
  EXPECT_EQ(xyz.synced, 2);
  // Every item points at its entity.
  for (const DriftItem& item : report.items) {
    ASSERT_GE(item.entity, 0);
    EXPECT_EQ(report.entities[item.entity].key, "abc-123") << item.path;
  }

  options_.list_synced = true;
  report = MustCheck(options_);
  const EntityDrift* listed = Find(report, "xyz");
  ASSERT_NE(listed, nullptr);
  EXPECT_EQ(listed->synced_paths,
            (Paths{"products/xyz/500ml/hero-card/a.jpg",
                   "products/xyz/500ml/hero-card/b.jpg"}));
}

TEST_P(DriftLayoutTest, PathsThatFailToParseAreGroupedAndCounted) {
  Put("products/p1/v/t/f.jpg", "1");
  Put("readme.txt", "r");
  Scan();
  Put("stray/file.jpg", "s");
  DriftReport report = MustCheck(options_);
  EXPECT_EQ(report.totals.unparsed, 2);
  EXPECT_EQ(report.totals.entities, 1);
  ASSERT_EQ(report.unparsed.size(), 2u);
  EXPECT_EQ(report.unparsed[0].path, "readme.txt");
  EXPECT_FALSE(report.unparsed[0].message.empty());
  const EntityDrift* group = Find(report, "");
  ASSERT_NE(group, nullptr);
  EXPECT_EQ(group->kind, "");
  EXPECT_EQ(group->orphaned, Paths{"stray/file.jpg"});
  EXPECT_EQ(group->synced, 1);
  // Parse failures are not drift by themselves.
  EXPECT_EQ(report.totals.orphaned, 1);
}

TEST_P(DriftLayoutTest, AProductScopeChecksOnlyThatProduct) {
  Put("products/a/v/t/1.jpg", "1");
  Put("products/ab/v/t/2.jpg", "2");
  Scan();
  Put("products/a/v/t/new.jpg", "n");
  Put("products/ab/v/t/new.jpg", "n");
  options_.scope = "products/a";
  DriftReport report = MustCheck(options_);
  ASSERT_EQ(report.entities.size(), 1u);
  EXPECT_EQ(report.entities[0].key, "a");
  EXPECT_EQ(report.entities[0].orphaned, Paths{"products/a/v/t/new.jpg"});
}

INSTANTIATE_BACKEND_CATALOG_TEST_SUITE_P(DriftLayoutTest);

}  // namespace
}  // namespace tidemark
