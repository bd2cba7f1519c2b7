#include "common/status.h"

#include <gtest/gtest.h>

#include "common/result.h"

namespace tidemark {
namespace {

Result<int> Half(int x) {
  if (x % 2 != 0) return Status::InvalidArgument("odd: " + std::to_string(x));
  return x / 2;
}

Result<int> Quarter(int x) {
  ASSIGN_OR_RETURN(int h, Half(x));
  ASSIGN_OR_RETURN(int q, Half(h));
  return q;
}

Status Check(int x) {
  RETURN_IF_ERROR(Half(x).status());
  return Status::Ok();
}

TEST(StatusTest, CodesAndMessages) {
  Status s = Status::NotFound("no such file 'x'");
  EXPECT_FALSE(s.ok());
  EXPECT_TRUE(s.IsNotFound());
  EXPECT_EQ(s.ToString(), "NOT_FOUND: no such file 'x'");
  EXPECT_EQ(s.WithContext("scan").message(), "scan: no such file 'x'");
  EXPECT_EQ(Status::Ok().ToString(), "OK");
}

// The codes both front ends print in {"error", "code"} (docs/API.md).
TEST(StatusTest, ErrorCodeNamesAreTheApis) {
  EXPECT_EQ(ErrorCodeName(StatusCode::kInvalidArgument), "invalid_argument");
  EXPECT_EQ(ErrorCodeName(StatusCode::kNotFound), "not_found");
  EXPECT_EQ(ErrorCodeName(StatusCode::kAlreadyExists), "conflict");
  EXPECT_EQ(ErrorCodeName(StatusCode::kFailedPrecondition), "conflict");
  EXPECT_EQ(ErrorCodeName(StatusCode::kAborted), "conflict");
  EXPECT_EQ(ErrorCodeName(StatusCode::kPermissionDenied), "forbidden");
  EXPECT_EQ(ErrorCodeName(StatusCode::kUnavailable), "unavailable");
  EXPECT_EQ(ErrorCodeName(StatusCode::kResourceExhausted), "unavailable");
  EXPECT_EQ(ErrorCodeName(StatusCode::kCancelled), "cancelled");
  EXPECT_EQ(ErrorCodeName(StatusCode::kDataLoss), "data_loss");
  EXPECT_EQ(ErrorCodeName(StatusCode::kInternal), "internal");
}

TEST(StatusTest, ResultPropagation) {
  EXPECT_EQ(*Quarter(8), 2);
  Result<int> bad = Quarter(6);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().message(), "odd: 3");
  EXPECT_TRUE(Check(2).ok());
  EXPECT_EQ(Check(3).code(), StatusCode::kInvalidArgument);
}

TEST(StatusTest, ResultFromOkStatusIsAnInternalError) {
  Result<int> r = Status::Ok();
  EXPECT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kInternal);
}

}  // namespace
}  // namespace tidemark
