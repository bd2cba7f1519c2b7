// ParseQueryString: the pairs of a request target's query, split at '&'
// and at the first '=' of each pair only.
#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

#include "server/query_params.h"

namespace tidemark::server {
namespace {

using Pairs = std::vector<std::pair<std::string, std::string>>;

TEST(ParseQueryStringTest, SplitsPairsAtAmpersandsAndTheFirstEquals) {
  EXPECT_EQ(ParseQueryString("/a?x=1&y=two"),
            (Pairs{{"x", "1"}, {"y", "two"}}));
  // httplib took the text after the last '=' as the value: "true".
  EXPECT_EQ(ParseQueryString("/a?recursive=true;dry_run=true"),
            (Pairs{{"recursive", "true;dry_run=true"}}));
  EXPECT_EQ(ParseQueryString("/a?k=a=b"), (Pairs{{"k", "a=b"}}));
}

TEST(ParseQueryStringTest, KeepsRepeatsAndEmptyValuesInOrder) {
  EXPECT_EQ(ParseQueryString("/a?d=true&d=true"),
            (Pairs{{"d", "true"}, {"d", "true"}}));
  EXPECT_EQ(ParseQueryString("/a?flag&x="), (Pairs{{"flag", ""}, {"x", ""}}));
  EXPECT_EQ(ParseQueryString("/a?&&x=1&"), (Pairs{{"x", "1"}}));
}

TEST(ParseQueryStringTest, DecodesPercentEscapesAndPlus) {
  EXPECT_EQ(ParseQueryString("/a?p=a%20b+c&%64ry=%74rue"),
            (Pairs{{"p", "a b c"}, {"dry", "true"}}));
  // Not an escape: kept as written.
  EXPECT_EQ(ParseQueryString("/a?p=%zz%2"), (Pairs{{"p", "%zz%2"}}));
  EXPECT_EQ(ParseQueryString("/a?p=%00"), (Pairs{{"p", std::string(1, '\0')}}));
}

TEST(ParseQueryStringTest, NoQueryIsNoPairs) {
  EXPECT_TRUE(ParseQueryString("/a/b").empty());
  EXPECT_TRUE(ParseQueryString("/a?").empty());
  EXPECT_EQ(ParseQueryString("/a?x=1#frag=2"), (Pairs{{"x", "1"}}));
}

}  // namespace
}  // namespace tidemark::server
