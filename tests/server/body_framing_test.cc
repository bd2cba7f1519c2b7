// Body framing from the header alone: one Content-Length or none; every
// other way of saying where a body ends is refused before it is read.
#include "server/body_framing.h"

#include <gtest/gtest.h>

namespace tidemark::server {
namespace {

constexpr uint64_t kMax = 1000;

FramingFields Put(std::vector<std::string> lengths) {
  FramingFields f;
  f.method = "PUT";
  f.content_length = std::move(lengths);
  return f;
}

TEST(BodyFramingTest, OneLengthOrNone) {
  auto none = CheckFraming(Put({}), kMax);
  ASSERT_TRUE(std::holds_alternative<Framing>(none));
  EXPECT_FALSE(std::get<Framing>(none).length_given);
  for (auto [given, length] :
       std::vector<std::pair<std::vector<std::string>, uint64_t>>{
           {{"8"}, 8},
           {{"0"}, 0},
           {{"008"}, 8},
           {{"8", "8"}, 8},  // the same length twice is one length
           {{"8, 8"}, 8},
           {{"8 ,\t8"}, 8},
           {{"1000"}, 1000}}) {
    auto f = CheckFraming(Put(given), kMax);
    ASSERT_TRUE(std::holds_alternative<Framing>(f)) << given.front();
    EXPECT_TRUE(std::get<Framing>(f).length_given);
    EXPECT_EQ(std::get<Framing>(f).length, length);
  }
}

// Each of these was taken somewhere: strtoull read "abc" as 0 (an empty
// upload over a good file), "8abc" as 8 and two lengths as the first.
TEST(BodyFramingTest, RefusesEveryOtherLength) {
  for (const std::vector<std::string>& given :
       std::vector<std::vector<std::string>>{{"abc"},
                                             {""},
                                             {" "},
                                             {"8abc"},
                                             {"-1"},
                                             {"-0"},
                                             {"+8"},
                                             {"0x8"},
                                             {"8.0"},
                                             {"1e3"},
                                             {"8 8"},
                                             {"8,"},
                                             {",8"},
                                             {"3", "8"},
                                             {"8", "3"},
                                             {"3, 8"},
                                             {"8", "8, 9"}}) {
    auto f = CheckFraming(Put(given), kMax);
    ASSERT_TRUE(std::holds_alternative<HttpError>(f)) << given.front();
    EXPECT_EQ(std::get<HttpError>(f).status, 400) << given.front();
    EXPECT_EQ(std::get<HttpError>(f).code, "invalid_argument");
  }
  auto differ = CheckFraming(Put({"3", "8"}), kMax);
  EXPECT_NE(std::get<HttpError>(differ).message.find("two different"),
            std::string::npos);
}

TEST(BodyFramingTest, TooLargeIs413BeforeAnythingIsRead) {
  for (const char* big : {"1001", "99999999999999999999999999"}) {
    auto f = CheckFraming(Put({big}), kMax);
    ASSERT_TRUE(std::holds_alternative<HttpError>(f)) << big;
    EXPECT_EQ(std::get<HttpError>(f).status, 413) << big;
  }
}

TEST(BodyFramingTest, RefusesTransferEncodingsAndCodings) {
  for (const char* te : {"chunked", "CHUNKED", "gzip, chunked", "identity",
                         "chunked, chunked", ""}) {
    FramingFields f = Put({"3"});
    f.transfer_encoding = {te};
    auto r = CheckFraming(f, kMax);
    ASSERT_TRUE(std::holds_alternative<HttpError>(r)) << te;
    EXPECT_EQ(std::get<HttpError>(r).status, 400) << te;
    EXPECT_NE(std::get<HttpError>(r).message.find("Content-Length"),
              std::string::npos);
  }
  for (const char* coding : {"gzip", "br", "deflate", "identity, gzip", "x"}) {
    FramingFields f = Put({"3"});
    f.content_encoding = {coding};
    auto r = CheckFraming(f, kMax);
    ASSERT_TRUE(std::holds_alternative<HttpError>(r)) << coding;
    EXPECT_EQ(std::get<HttpError>(r).status, 415) << coding;
  }
  FramingFields identity = Put({"3"});
  identity.content_encoding = {"identity", "IDENTITY"};
  EXPECT_TRUE(std::holds_alternative<Framing>(CheckFraming(identity, kMax)));
}

// A body the server would not read would be parsed as the next request.
TEST(BodyFramingTest, RefusesABodyOnMethodsThatTakeNone) {
  for (const char* method : {"GET", "HEAD", "OPTIONS", "TRACE", "CONNECT"}) {
    FramingFields f = Put({"5"});
    f.method = method;
    auto r = CheckFraming(f, kMax);
    ASSERT_TRUE(std::holds_alternative<HttpError>(r)) << method;
    EXPECT_EQ(std::get<HttpError>(r).status, 400) << method;
    f.content_length = {"0"};
    EXPECT_TRUE(std::holds_alternative<Framing>(CheckFraming(f, kMax)))
        << method;
  }
  for (const char* method : {"POST", "PUT", "PATCH", "DELETE"}) {
    FramingFields f = Put({"5"});
    f.method = method;
    EXPECT_TRUE(std::holds_alternative<Framing>(CheckFraming(f, kMax)))
        << method;
  }
}

TEST(BodyFramingTest, LengthRequiredSaysHow) {
  const HttpError e = LengthRequired("PUT", "/api/v1/repositories/r/objects/a");
  EXPECT_EQ(e.status, 411);
  EXPECT_EQ(e.code, "length_required");
  EXPECT_NE(e.message.find("Content-Length"), std::string::npos);
}

}  // namespace
}  // namespace tidemark::server
