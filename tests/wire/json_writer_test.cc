#include "wire/json_writer.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "wire/catalog_json.h"

namespace tidemark::wire {
namespace {

// What JsonWriter promises: the text DumpJson gives for the same value.
std::string WrittenString(std::string_view value) {
  std::string text;
  JsonWriter out(&text);
  out.String(value);
  return text;
}

TEST(JsonWriterTest, StringsAreEscapedExactlyAsDumpJsonEscapesThem) {
  const std::vector<std::string> strings = {
      "",
      "plain/path.jpg",
      "quote \" and backslash \\",
      "tab\there, newline\n, cr\r, bell\a, escape\x1b, nul" +
          std::string(1, '\0'),
      "delete \x7f",
      "Москва/Toyota Camry",
      "emoji \xF0\x9F\x93\xB7",
      "invalid \xff utf-8 \xc3",
      "overlong \xc0\xaf and surrogate \xed\xa0\x80",
      "\\x2f display escape",
  };
  for (const std::string& s : strings) {
    EXPECT_EQ(WrittenString(s), DumpJson(nlohmann::json(s))) << s;
  }
}

TEST(JsonWriterTest, NestedValuesMatchDumpJson) {
  std::string text;
  JsonWriter out(&text);
  out.BeginObject();
  out.Key("a");
  out.BeginArray();
  out.Int(-1);
  out.Int(std::numeric_limits<int64_t>::min());
  out.Uint(std::numeric_limits<uint64_t>::max());
  out.Bool(true);
  out.Bool(false);
  out.Null();
  out.BeginObject();
  out.EndObject();
  out.BeginArray();
  out.EndArray();
  out.Raw(DumpJson({{"x", 1}}));
  out.EndArray();
  out.Key("b");
  out.String("two");
  out.Key("c");
  out.BeginObject();
  out.Key("d");
  out.Int(0);
  out.EndObject();
  out.EndObject();

  const nlohmann::json expected = {{"a",
                                    {-1,
                                     std::numeric_limits<int64_t>::min(),
                                     std::numeric_limits<uint64_t>::max(),
                                     true,
                                     false,
                                     nullptr,
                                     nlohmann::json::object(),
                                     nlohmann::json::array(),
                                     {{"x", 1}}}},
                                   {"b", "two"},
                                   {"c", {{"d", 0}}}};
  EXPECT_EQ(text, DumpJson(expected));
}

TEST(JsonWriterTest, AppendsToWhatTheStringHeld) {
  std::string text = "prefix:";
  JsonWriter out(&text);
  out.BeginArray();
  out.Int(1);
  out.Int(2);
  out.EndArray();
  EXPECT_EQ(text, "prefix:[1,2]");
}

}  // namespace
}  // namespace tidemark::wire
