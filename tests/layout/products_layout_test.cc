// Tests of Layout with the built-in `products` profile (seed 003) and with
// custom profiles declared in TOML.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "layout/layout.h"

namespace tidemark::layout {
namespace {

using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Pair;

Layout ProductsLayout(std::string base_url) {
  Result<Profile> profile = BuiltinProfile("products");
  EXPECT_TRUE(profile.ok()) << profile.status().ToString();
  return Layout(std::move(profile).value(), LayoutContext{std::move(base_url)});
}

Layout CustomLayout(std::string_view toml, std::string_view name) {
  Result<std::vector<Profile>> profiles = ParseProfiles(toml, "custom.toml");
  EXPECT_TRUE(profiles.ok()) << profiles.status().ToString();
  for (Profile& profile : profiles.value()) {
    if (profile.name == name) return Layout(std::move(profile));
  }
  ADD_FAILURE() << "no layout " << name;
  return Layout(Profile{});
}

TEST(ProductsLayoutTest, ImageBelongsToProductVariantAndImage) {
  Layout layout = ProductsLayout("https://cdn.example.com");
  PathMatch match = layout.Match("products/abc123/red/main/front.jpg");
  ASSERT_TRUE(match.ok()) << match.error;
  ASSERT_EQ(match.entities.size(), 3u);

  const EntityRef& product = match.entities[0];
  EXPECT_EQ(product.kind, "product");
  EXPECT_EQ(product.key, "abc123");
  EXPECT_EQ(product.path, "products/abc123");
  EXPECT_THAT(product.attrs, ElementsAre(Pair("productId", "abc123")));

  const EntityRef& variant = match.entities[1];
  EXPECT_EQ(variant.kind, "variant");
  EXPECT_EQ(variant.key, "abc123/red");
  EXPECT_EQ(variant.path, "products/abc123/red");
  EXPECT_EQ(variant.parent_kind, "product");
  EXPECT_EQ(variant.parent_key, "abc123");
  EXPECT_THAT(variant.attrs,
              ElementsAre(Pair("productId", "abc123"), Pair("variant", "red")));

  const EntityRef& image = match.entities[2];
  EXPECT_EQ(image.kind, "image");
  EXPECT_EQ(image.key, "abc123/red/main/front.jpg");
  EXPECT_EQ(image.path, "products/abc123/red/main/front.jpg");
  EXPECT_EQ(image.parent_kind, "variant");
  EXPECT_EQ(image.parent_key, "abc123/red");
  EXPECT_THAT(
      image.attrs,
      ElementsAre(
          Pair("productId", "abc123"), Pair("variant", "red"),
          Pair("imageType", "main"), Pair("fileName", "front.jpg"),
          Pair("url",
               "https://cdn.example.com/products/abc123/red/main/front.jpg")));
  EXPECT_EQ(image.captures.size(), 4u);
}

TEST(ProductsLayoutTest, EmptyBaseUrlKeepsTheTemplate) {
  Layout layout = ProductsLayout("");
  PathMatch match = layout.Match("products/p/v/t/f.png");
  ASSERT_TRUE(match.ok()) << match.error;
  EXPECT_THAT(match.entities.at(2).attrs.back(),
              Pair("url", "/products/p/v/t/f.png"));
}

TEST(ProductsLayoutTest, TheUrlIsPercentEncodedAndTheOtherFieldsAreNot) {
  Layout layout = ProductsLayout("https://cdn.example.com/media");
  PathMatch match = layout.Match("products/p 1/500ml/hero-card/фото #1+2.jpg");
  ASSERT_TRUE(match.ok()) << match.error;
  const EntityRef& image = match.entities.at(2);
  EXPECT_THAT(image.attrs, Contains(Pair("fileName", "фото #1+2.jpg")));
  EXPECT_THAT(image.attrs,
              Contains(Pair(
                  "url",
                  "https://cdn.example.com/media/products/p%201/"
                  "500ml/hero-card/%D1%84%D0%BE%D1%82%D0%BE%20%231%2B2.jpg")));
}

TEST(ProductsLayoutTest, ShallowAndDeepPaths) {
  Layout layout = ProductsLayout("");
  PathMatch product_only = layout.Match("products/abc/x.jpg");
  ASSERT_TRUE(product_only.ok()) << product_only.error;
  ASSERT_EQ(product_only.entities.size(), 1u);
  EXPECT_EQ(product_only.entities[0].kind, "product");

  PathMatch variant = layout.Match("products/abc/red/x.jpg");
  ASSERT_TRUE(variant.ok()) << variant.error;
  ASSERT_EQ(variant.entities.size(), 2u);
  EXPECT_EQ(variant.entities[1].kind, "variant");

  // An image is exactly products/<id>/<variant>/<type>/<file>.
  PathMatch deep = layout.Match("products/abc/red/main/sub/x.jpg");
  ASSERT_TRUE(deep.ok()) << deep.error;
  EXPECT_EQ(deep.entities.size(), 2u);
}

TEST(ProductsLayoutTest, PathsOutsideProductsMatchNoRule) {
  Layout layout = ProductsLayout("");
  for (const char* path : {"products/x.jpg", "other/abc/x.jpg", "readme.md",
                           "Products/abc/x.jpg"}) {
    PathMatch match = layout.Match(path);
    EXPECT_FALSE(match.ok()) << path;
    EXPECT_TRUE(match.entities.empty()) << path;
    EXPECT_EQ(match.error,
              "matches no rule of layout 'products' (expected "
              "products/{productId}/...)");
  }
}

TEST(ProductsLayoutTest, EveryRuleIsDeletedWhenGoneAndNothingIsExpected) {
  Layout layout = ProductsLayout("");
  for (const EntityRule& rule : layout.profile().rules) {
    EXPECT_EQ(rule.on_gone, OnGone::kDelete) << rule.kind;
    EXPECT_FALSE(rule.expected) << rule.kind;
  }
  PathMatch match = layout.Match("products/p/v/t/f.png");
  ASSERT_TRUE(match.ok()) << match.error;
  for (const EntityRef& ref : match.entities) {
    EXPECT_TRUE(layout.ExpectedChildren(ref).empty()) << ref.kind;
  }
}

TEST(ProductsLayoutTest, MatchesManyPaths) {
  Layout layout = ProductsLayout("https://cdn");
  size_t entities = 0;
  for (int i = 0; i < 100000; ++i) {
    const std::string path = "products/p" + std::to_string(i % 1000) + "/v" +
                             std::to_string(i % 7) + "/main/img" +
                             std::to_string(i) + ".jpg";
    PathMatch match = layout.Match(path);
    ASSERT_TRUE(match.ok()) << match.error;
    entities += match.entities.size();
  }
  EXPECT_EQ(entities, 300000u);
}

constexpr std::string_view kDocuments = R"toml(
[catalog]
url = "sqlite:///tmp/catalog.db"

[scan]
threads = 4

[layouts.documents]
[[layouts.documents.entity]]
kind = "department"
match = "{department}"

[[layouts.documents.entity]]
kind = "year"
parent = "department"
match = "{department}/{year}"
range = { year = [2000, 2100] }
key = "{department}/{year}"
attrs = { year = "{year}", department = "{department}" }
expected = true
marker = "CLOSED"
status_present = "closed"
status_absent = "open"

[[layouts.documents.entity]]
kind = "document"
parent = "year"
file = true
match = "{department}/{year}/{name}"
attrs = { name = "{name}", url = "{base_url}/{path}" }
on_gone = "delete"
)toml";

TEST(CustomLayoutTest, DocumentsProfile) {
  Layout layout = CustomLayout(kDocuments, "documents");
  PathMatch match = layout.Match("sales/2024/report.pdf");
  ASSERT_TRUE(match.ok()) << match.error;
  ASSERT_EQ(match.entities.size(), 3u);
  EXPECT_EQ(match.entities[0].key, "sales");  // the default key: the path
  EXPECT_EQ(match.entities[0].path, "sales");
  EXPECT_EQ(match.entities[1].key, "sales/2024");
  EXPECT_THAT(match.entities[1].attrs,
              ElementsAre(Pair("year", "2024"), Pair("department", "sales")));
  EXPECT_EQ(match.entities[2].key, "sales/2024/report.pdf");
  EXPECT_EQ(match.entities[2].parent_key, "sales/2024");
  EXPECT_THAT(match.entities[2].attrs,
              ElementsAre(Pair("name", "report.pdf"),
                          Pair("url", "/sales/2024/report.pdf")));
  EXPECT_TRUE(layout.IsMarker(1, "CLOSED"));
  EXPECT_EQ(layout.profile().rules[1].status_present, "closed");
  EXPECT_EQ(layout.profile().rules[2].on_gone, OnGone::kDelete);

  // A file directly in a department folder: the department only.
  PathMatch loose = layout.Match("sales/readme.txt");
  ASSERT_TRUE(loose.ok()) << loose.error;
  EXPECT_EQ(loose.entities.size(), 1u);

  PathMatch bad_year = layout.Match("sales/1999/report.pdf");
  EXPECT_FALSE(bad_year.ok());
  EXPECT_THAT(bad_year.error,
              HasSubstr("year folder '1999': year 1999 is out of range "
                        "[2000, 2100]"));
}

TEST(CustomLayoutTest, ExpectedYears) {
  Layout layout = CustomLayout(kDocuments, "documents");
  const EntityRef department = layout.Match("hr/x").entities.at(0);
  std::vector<EntityRef> years = layout.ExpectedChildren(department);
  ASSERT_EQ(years.size(), 101u);
  EXPECT_EQ(years.front().path, "hr/2000");
  EXPECT_EQ(years.front().key, "hr/2000");
  EXPECT_EQ(years.back().path, "hr/2100");
  EXPECT_EQ(years.back().parent_key, "hr");
}

TEST(CustomLayoutTest, SeveralRangesExpandInPatternOrder) {
  Layout layout = CustomLayout(R"toml(
[[layouts.grid.entity]]
kind = "sheet"
match = "{sheet}"
[[layouts.grid.entity]]
kind = "cell"
parent = "sheet"
match = "{sheet}/{row}-{col}"
range = { col = [1, 3], row = [1, 2] }
expected = true
)toml",
                               "grid");
  const EntityRef sheet = layout.Match("s/x").entities.at(0);
  std::vector<std::string> paths;
  for (const EntityRef& cell : layout.ExpectedChildren(sheet)) {
    paths.push_back(cell.path);
  }
  EXPECT_THAT(
      paths, ElementsAre("s/1-1", "s/1-2", "s/1-3", "s/2-1", "s/2-2", "s/2-3"));
}

TEST(CustomLayoutTest, BackReferencesAndBacktracking) {
  Layout layout = CustomLayout(R"toml(
[[layouts.pairs.entity]]
kind = "pair"
match = "{a}-{b}/{b}.{a}"
)toml",
                               "pairs");
  // "x-y-z" splits as a="x", b="y-z" or a="x-y", b="z"; only the second
  // agrees with the next segment.
  PathMatch match = layout.Match("x-y-z/z.x-y/file");
  ASSERT_TRUE(match.ok()) << match.error;
  ASSERT_EQ(match.entities.size(), 1u);
  EXPECT_EQ(match.entities[0].captures.at("a"), "x-y");
  EXPECT_EQ(match.entities[0].captures.at("b"), "z");
  EXPECT_FALSE(layout.Match("x-y-z/q.x-y/file").ok());
}

TEST(CustomLayoutTest, SeveralTopLevelRules) {
  Layout layout = CustomLayout(R"toml(
[[layouts.mixed.entity]]
kind = "album"
match = "albums/{album}"
[[layouts.mixed.entity]]
kind = "note"
file = true
match = "notes/{note}"
)toml",
                               "mixed");
  EXPECT_TRUE(layout.Match("albums/a/b.jpg").ok());
  EXPECT_TRUE(layout.Match("notes/n.txt").ok());
  PathMatch none = layout.Match("notes/a/b.txt");
  EXPECT_EQ(none.error,
            "matches no rule of layout 'mixed' (expected albums/{album}/... "
            "or notes/{note})");
}

TEST(CustomLayoutTest, EmptyProfileMatchesNothing) {
  Layout layout{Profile{}};
  EXPECT_FALSE(layout.Match("a/b").ok());
  EXPECT_TRUE(layout.ExpectedChildren(EntityRef{}).empty());
}

}  // namespace
}  // namespace tidemark::layout
