#include "api/declared_inputs.h"

#include <gtest/gtest.h>

#include "api/serve_state.h"

namespace tidemark::api {
namespace {

using Names = std::set<std::string>;

TEST(DeclaredInputsTest, QueryNamesWithRefsAndPathLevelParameters) {
  constexpr const char* kDoc = R"({
    "openapi": "3.1.0",
    "components": {"parameters": {
      "name": {"name": "name", "in": "path", "required": true},
      "limit": {"name": "limit", "in": "query"}}},
    "paths": {
      "/r/{name}": {
        "parameters": [{"$ref": "#/components/parameters/name"}],
        "get": {"parameters": [{"$ref": "#/components/parameters/limit"},
                               {"name": "after", "in": "query"},
                               {"name": "X-Id", "in": "header"}]},
        "delete": {"parameters": [{"name": "dry_run", "in": "query"}]}},
      "/healthz": {"get": {}}}})";
  auto table = DeclaredInputsOf(kDoc);
  ASSERT_TRUE(table.ok()) << table.status().ToString();
  EXPECT_EQ(table->at({"GET", "/r/{name}"}).query, (Names{"after", "limit"}));
  EXPECT_EQ(table->at({"DELETE", "/r/{name}"}).query, (Names{"dry_run"}));
  EXPECT_TRUE(table->at({"GET", "/healthz"}).query.empty());
  EXPECT_FALSE(table->contains({"POST", "/r/{name}"}));
}

TEST(DeclaredInputsTest, JsonFieldsOnlyWhereTheSchemaIsClosed) {
  constexpr const char* kDoc = R"({
    "components": {"schemas": {
      "Move": {"type": "object", "additionalProperties": false,
               "properties": {"from": {}, "to": {}, "dry_run": {}}}}},
    "paths": {
      "/move": {"post": {"requestBody": {"content": {"application/json":
          {"schema": {"$ref": "#/components/schemas/Move"}}}}}},
      "/open": {"post": {"requestBody": {"content": {"application/json":
          {"schema": {"type": "object", "properties": {"a": {}}}}}}}},
      "/bytes": {"put": {"requestBody": {"content":
          {"application/octet-stream": {"schema": {}}}}}}}})";
  auto table = DeclaredInputsOf(kDoc);
  ASSERT_TRUE(table.ok()) << table.status().ToString();
  EXPECT_EQ(table->at({"POST", "/move"}).json_fields,
            (Names{"dry_run", "from", "to"}));
  EXPECT_FALSE(table->at({"POST", "/open"}).json_fields.has_value());
  EXPECT_FALSE(table->at({"PUT", "/bytes"}).json_fields.has_value());
}

TEST(DeclaredInputsTest, RefusesWhatIsNotADocument) {
  EXPECT_FALSE(DeclaredInputsOf("not json").ok());
  EXPECT_FALSE(DeclaredInputsOf("{}").ok());
  EXPECT_FALSE(DeclaredInputsOf(R"({"paths": {"/a": {"get": {"parameters":
      [{"$ref": "#/components/parameters/missing"}]}}}})")
                   .ok());
  EXPECT_FALSE(DeclaredInputsOf(R"({"paths": {"/a": {"post": {"requestBody":
      {"content": {"application/json": {"schema":
      {"$ref": "#/components/schemas/missing"}}}}}}}})")
                   .ok());
}

// The embedded document: the write routes' inputs are there, so the
// server's check cannot refuse what a client is told to send.
TEST(DeclaredInputsTest, EmbeddedDocumentDeclaresTheWriteInputs) {
  auto table = DeclaredInputsOf(kOpenApiDocument);
  ASSERT_TRUE(table.ok()) << table.status().ToString();
  const auto& del =
      table->at({"DELETE", "/api/v1/repositories/{name}/objects/{path}"});
  EXPECT_TRUE(del.query.contains("recursive"));
  EXPECT_TRUE(del.query.contains("dry_run"));
  const auto& repair =
      table->at({"POST", "/api/v1/repositories/{name}/repairs"});
  ASSERT_TRUE(repair.json_fields.has_value());
  EXPECT_TRUE(repair.json_fields->contains("dry_run"));
  EXPECT_FALSE(repair.json_fields->contains("dryrun"));
}

}  // namespace
}  // namespace tidemark::api
