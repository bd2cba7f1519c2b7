// Tests of ParseProfiles (documents, rule keys and every rejected input) and
// of the built-in profiles' registry.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "layout/layout.h"

namespace tidemark::layout {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Pair;

// A layout `t` whose first rule is a valid top-level folder rule and whose
// second rule has the body `rule`.
std::string WithRule(std::string_view rule) {
  return "[[layouts.t.entity]]\nkind = \"top\"\nmatch = \"{a}\"\n"
         "[[layouts.t.entity]]\n" +
         std::string(rule) + "\n";
}

// Parses WithRule(rule), expects InvalidArgument naming the origin, layout
// `t`, rule 2 and `key`, and returns the message.
std::string RuleError(std::string_view rule, std::string_view key) {
  Result<std::vector<Profile>> result =
      ParseProfiles(WithRule(rule), "custom.toml");
  EXPECT_FALSE(result.ok()) << rule;
  if (result.ok()) return "";
  const Status& status = result.status();
  EXPECT_EQ(status.code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(status.message(), HasSubstr("custom.toml:"));
  EXPECT_THAT(status.message(), HasSubstr("layout 't', entity rule 2"));
  EXPECT_THAT(status.message(), HasSubstr("key '" + std::string(key) + "'"));
  return status.message();
}

TEST(ParseProfilesTest, ReadsEveryKey) {
  Result<std::vector<Profile>> result = ParseProfiles(WithRule(R"toml(
kind = "child"
match = "{a}/{b} {c}"
file = true
parent = "top"
key = "{a}/{make}"
split = { c = "make_model_vin" }
range = { b = [-2, 9] }
attrs = { z = "{b}", a = "{path}", m = "{base_url}x" }
status_present = "on"
status_absent = "off"
expected = false
on_gone = "delete"
)toml"),
                                                      "custom.toml");
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  ASSERT_EQ(result->size(), 1u);
  const Profile& profile = (*result)[0];
  EXPECT_EQ(profile.name, "t");
  ASSERT_EQ(profile.rules.size(), 2u);
  const EntityRule& top = profile.rules[0];
  EXPECT_FALSE(top.file);
  EXPECT_EQ(top.key, "");
  EXPECT_EQ(top.on_gone, OnGone::kSoftDelete);
  const EntityRule& rule = profile.rules[1];
  EXPECT_EQ(rule.kind, "child");
  EXPECT_EQ(rule.match, "{a}/{b} {c}");
  EXPECT_TRUE(rule.file);
  EXPECT_EQ(rule.parent, "top");
  EXPECT_EQ(rule.key, "{a}/{make}");
  EXPECT_EQ(rule.split.at("c"), "make_model_vin");
  EXPECT_EQ(rule.range.at("b"), std::make_pair(int64_t{-2}, int64_t{9}));
  // attrs keep the order of the file, not alphabetical order.
  EXPECT_THAT(rule.attrs, ElementsAre(Pair("z", "{b}"), Pair("a", "{path}"),
                                      Pair("m", "{base_url}x")));
  EXPECT_EQ(rule.status_present, "on");
  EXPECT_EQ(rule.status_absent, "off");
  EXPECT_FALSE(rule.expected);
  EXPECT_EQ(rule.on_gone, OnGone::kDelete);
}

TEST(ParseProfilesTest, IgnoresOtherTablesAndKeepsFileOrder) {
  Result<std::vector<Profile>> result = ParseProfiles(R"toml(
[catalog]
url = "sqlite:///x.db"
[[layouts.zeta.entity]]
kind = "z"
match = "{z}"
[scan]
threads = 2
[layouts.alpha]
[[layouts.alpha.entity]]
kind = "a"
match = "{a}"
[[layouts.alpha.entity]]
kind = "b"
match = "x/{a}"
attrs.name = "{a}"
attrs.other = "lit"
)toml",
                                                      "tidemark.toml");
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  ASSERT_EQ(result->size(), 2u);
  EXPECT_EQ((*result)[0].name, "zeta");
  EXPECT_EQ((*result)[1].name, "alpha");
  EXPECT_THAT((*result)[1].rules[1].attrs,
              ElementsAre(Pair("name", "{a}"), Pair("other", "lit")));
}

TEST(ParseProfilesTest, NoLayoutsIsEmpty) {
  Result<std::vector<Profile>> result =
      ParseProfiles("[catalog]\nurl = \"x\"\n", "tidemark.toml");
  ASSERT_TRUE(result.ok());
  EXPECT_THAT(result.value(), IsEmpty());
  EXPECT_TRUE(ParseProfiles("", "tidemark.toml").ok());
}

TEST(ParseProfilesTest, RejectsBadToml) {
  Result<std::vector<Profile>> result =
      ParseProfiles("[layouts.t\nkind = 1\n", "broken.toml");
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(result.status().message(), HasSubstr("broken.toml:1"));
}

TEST(ParseProfilesTest, RejectsBadLayoutTables) {
  for (const char* toml :
       {"layouts = 5", "[layouts]\nt = 5", "[layouts.t]\n",
        "[layouts.t]\nentity = 3", "[layouts.t]\nentity = []",
        "[layouts.t]\nentity = [1, 2]",
        "[[layouts.t.entities]]\nkind = \"a\"\nmatch = \"{a}\""}) {
    Result<std::vector<Profile>> result = ParseProfiles(toml, "x.toml");
    ASSERT_FALSE(result.ok()) << toml;
    EXPECT_EQ(result.status().code(), StatusCode::kInvalidArgument);
    EXPECT_THAT(result.status().message(), HasSubstr("x.toml:")) << toml;
    EXPECT_THAT(result.status().message(), HasSubstr("[[layouts."))
        << result.status().message();
  }
}

TEST(ParseProfilesTest, RejectsUnknownKey) {
  const std::string message =
      RuleError("kind = \"c\"\nmatch = \"{a}/x\"\nmatches = \"y\"", "matches");
  EXPECT_THAT(message, HasSubstr("known keys: attrs"));
}

TEST(ParseProfilesTest, ErrorNamesTheLine) {
  EXPECT_THAT(RuleError("kind = \"c\"\n\nmatch = 7", "match"),
              HasSubstr("custom.toml:7:"));
}

TEST(ParseProfilesTest, RejectsMissingKindOrMatch) {
  RuleError("match = \"{a}/x\"", "kind");
  RuleError("kind = \"c\"", "match");
  RuleError("kind = \"\"\nmatch = \"{a}/x\"", "kind");
}

TEST(ParseProfilesTest, RejectsBadTypes) {
  const std::string base = "kind = \"c\"\nmatch = \"{a}/{n}\"\n";
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"kind = 1", "kind"},
      {"file = \"yes\"", "file"},
      {"expected = 1", "expected"},
      {"parent = true", "parent"},
      {"key = [\"{a}\"]", "key"},
      {"marker = 2", "marker"},
      {"status_present = false", "status_present"},
      {"status_absent = 0", "status_absent"},
      {"split = \"make_model_vin\"", "split"},
      {"split = { n = 1 }", "split"},
      {"range = [1, 8]", "range"},
      {"range = { n = [1] }", "range"},
      {"range = { n = [1, 2, 3] }", "range"},
      {"range = { n = [\"1\", \"8\"] }", "range"},
      {"range = { n = [1.0, 8.0] }", "range"},
      {"attrs = \"{a}\"", "attrs"},
      {"attrs = { x = 1 }", "attrs"},
      {"on_gone = true", "on_gone"},
      {"on_gone = \"remove\"", "on_gone"},
  };
  for (const auto& [line, key] : cases) {
    const std::string rule =
        key == "kind" ? "match = \"{a}/x\"\n" + line : base + line;
    RuleError(rule, key);
  }
}

TEST(ParseProfilesTest, RejectsUnknownSplitter) {
  EXPECT_THAT(RuleError("kind = \"c\"\nmatch = \"{a}/{car}\"\n"
                        "split = { car = \"vin_only\" }",
                        "split"),
              HasSubstr("use one of \"make_model_vin\""));
}

TEST(ParseProfilesTest, RejectsSplitOfUnknownCaptureOrClash) {
  RuleError(
      "kind = \"c\"\nmatch = \"{a}/{car}\"\nsplit = { cat = "
      "\"make_model_vin\" }",
      "split");
  EXPECT_THAT(RuleError("kind = \"c\"\nmatch = \"{a}/{car}/{vin}\"\n"
                        "split = { car = \"make_model_vin\" }",
                        "split"),
              HasSubstr("{vin}, which is already a capture"));
}

TEST(ParseProfilesTest, RejectsUndeclaredParent) {
  EXPECT_THAT(
      RuleError("kind = \"c\"\nmatch = \"{a}/x\"\nparent = \"car\"", "parent"),
      HasSubstr("parent kind 'car' is not declared before"));
  // A rule cannot be its own parent.
  RuleError("kind = \"c\"\nmatch = \"{a}/x\"\nparent = \"c\"", "parent");
}

TEST(ParseProfilesTest, RejectsParentDeclaredLater) {
  Result<std::vector<Profile>> result = ParseProfiles(R"toml(
[[layouts.t.entity]]
kind = "slot"
parent = "car"
match = "{a}/{b}"
[[layouts.t.entity]]
kind = "car"
match = "{a}"
)toml",
                                                      "custom.toml");
  ASSERT_FALSE(result.ok());
  EXPECT_THAT(result.status().message(),
              HasSubstr("entity rule 1, key 'parent'"));
}

TEST(ParseProfilesTest, RejectsUnknownCaptureInKeyOrAttrs) {
  EXPECT_THAT(
      RuleError("kind = \"c\"\nmatch = \"{a}/{b}\"\nkey = \"{a}/{vin}\"",
                "key"),
      HasSubstr("unknown capture {vin}; use one of {a}, {b}"));
  // {path} and {base_url} are for attrs only.
  RuleError("kind = \"c\"\nmatch = \"{a}/{b}\"\nkey = \"{path}\"", "key");
  EXPECT_THAT(RuleError("kind = \"c\"\nmatch = \"{a}/{b}\"\n"
                        "attrs = { ok = \"{path}\", bad = \"{c}\" }",
                        "attrs.bad"),
              HasSubstr("unknown capture {c}"));
  // Captures come from the parent chain and from splits.
  Result<std::vector<Profile>> ok = ParseProfiles(
      WithRule("kind = \"c\"\nparent = \"top\"\nmatch = \"{a}/{car}\"\n"
               "split = { car = \"make_model_vin\" }\n"
               "key = \"{a}/{vin}\"\nattrs = { m = \"{make} {model}\" }"),
      "custom.toml");
  EXPECT_TRUE(ok.ok()) << ok.status().ToString();
}

TEST(ParseProfilesTest, RejectsExpectedWithoutParent) {
  EXPECT_THAT(
      RuleError("kind = \"c\"\nmatch = \"{a}/x\"\nexpected = true", "expected"),
      HasSubstr("needs a parent"));
}

TEST(ParseProfilesTest, RejectsExpectedCaptureNotFromParentOrRange) {
  EXPECT_THAT(RuleError("kind = \"c\"\nparent = \"top\"\n"
                        "match = \"{a}/{i}-{x}\"\nrange = { i = [1, 3] }\n"
                        "expected = true",
                        "expected"),
              HasSubstr("capture {x}"));
  Result<std::vector<Profile>> ok = ParseProfiles(
      WithRule("kind = \"c\"\nparent = \"top\"\nmatch = \"{a}/{i}\"\n"
               "range = { i = [1, 3] }\nexpected = true"),
      "custom.toml");
  EXPECT_TRUE(ok.ok()) << ok.status().ToString();
}

TEST(ParseProfilesTest, RejectsHugeExpectedRange) {
  RuleError(
      "kind = \"c\"\nparent = \"top\"\nmatch = \"{a}/{i}\"\n"
      "range = { i = [1, 1000000] }\nexpected = true",
      "range");
}

TEST(ParseProfilesTest, RejectsBadRanges) {
  RuleError("kind = \"c\"\nmatch = \"{a}/{i}\"\nrange = { i = [8, 1] }",
            "range");
  EXPECT_THAT(
      RuleError("kind = \"c\"\nmatch = \"{a}/{i}\"\nrange = { j = [1, 8] }",
                "range"),
      HasSubstr("{j}"));
}

TEST(ParseProfilesTest, RejectsUnbalancedBraces) {
  for (const char* pattern : {"{a/{b}", "{a}}/x", "{a}/x{", "{a}/}x", "{a}/{}",
                              "{a}/{b{c}}", "{a}/{1b}", "{a}/{b c}"}) {
    RuleError("kind = \"c\"\nmatch = \"" + std::string(pattern) + "\"",
              "match");
  }
  EXPECT_THAT(RuleError("kind = \"c\"\nmatch = \"{a}/x\"\nkey = \"{a\"", "key"),
              HasSubstr("unbalanced '{'"));
  RuleError("kind = \"c\"\nmatch = \"{a}/x\"\nattrs = { n = \"a}\" }",
            "attrs.n");
}

TEST(ParseProfilesTest, RejectsEmptySegments) {
  for (const char* pattern : {"{a}//x", "/{a}", "{a}/", "", "{a}/../x"}) {
    EXPECT_THAT(
        RuleError("kind = \"c\"\nmatch = \"" + std::string(pattern) + "\"",
                  "match"),
        HasSubstr(std::string(pattern).empty() ? "empty" : "segment"));
  }
}

TEST(ParseProfilesTest, RejectsReservedCaptureNames) {
  RuleError("kind = \"c\"\nmatch = \"{a}/{path}\"", "match");
  RuleError("kind = \"c\"\nmatch = \"{a}/{base_url}\"", "match");
}

TEST(ParseProfilesTest, RejectsBadMarkers) {
  RuleError("kind = \"c\"\nmatch = \"{a}/x\"\nmarker = \"a/_LOCK.json\"",
            "marker");
  RuleError("kind = \"c\"\nmatch = \"{a}/x\"\nfile = true\nmarker = \"L\"",
            "marker");
}

TEST(BuiltinProfilesTest, NamesAndLookup) {
  EXPECT_THAT(BuiltinProfileNames(), ElementsAre("cars", "products"));
  for (const std::string& name : BuiltinProfileNames()) {
    Result<Profile> profile = BuiltinProfile(name);
    ASSERT_TRUE(profile.ok()) << profile.status().ToString();
    EXPECT_EQ(profile->name, name);
  }
  Result<Profile> missing = BuiltinProfile("trucks");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), StatusCode::kNotFound);
  EXPECT_THAT(missing.status().message(), HasSubstr("'cars', 'products'"));
}

}  // namespace
}  // namespace tidemark::layout
