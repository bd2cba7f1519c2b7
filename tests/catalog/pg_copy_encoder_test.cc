// The binary COPY stream and array parameters the PostgreSQL catalog sends,
// byte for byte (pure: no server needed).
#include "catalog/postgres/pg_copy_encoder.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "catalog/postgres/pg_binary.h"

namespace tidemark {
namespace {

using namespace std::literals;

const std::string kHeader = "PGCOPY\n\xff\r\n\0"s + "\0\0\0\0"s + "\0\0\0\0"s;

TEST(PgCopyEncoderTest, EmptyStreamIsHeaderAndTrailer) {
  PgCopyEncoder e;
  EXPECT_EQ(std::string(e.data()), kHeader);
  e.Finish();
  EXPECT_EQ(std::string(e.data()), kHeader + "\xff\xff"s);
}

TEST(PgCopyEncoderTest, RowsAreBigEndianWithLengthPrefixes) {
  PgCopyEncoder e;
  e.Clear();  // the header was sent already
  e.BeginRow(4);
  e.AddInt64(0x0102030405060708);
  e.AddBytes("\x80\xff/x"s);  // raw bytes, not UTF-8
  e.AddBytes("");             // zero length, not NULL
  e.AddNull();
  EXPECT_EQ(std::string(e.data()),
            "\0\x04"s                                      // 4 fields
            "\0\0\0\x08\x01\x02\x03\x04\x05\x06\x07\x08"s  // int8
            "\0\0\0\x04\x80\xff/x"s                        // bytea
            "\0\0\0\0"s                                    // empty
            "\xff\xff\xff\xff"s);                          // NULL
}

TEST(PgCopyEncoderTest, Uint64WithTopBitKeepsItsBits) {
  PgCopyEncoder e;
  e.Clear();
  const uint64_t inode = (uint64_t{1} << 63) + 5;
  e.AddInt64(static_cast<int64_t>(inode));
  e.AddInt64(-1);
  EXPECT_EQ(std::string(e.data()),
            "\0\0\0\x08\x80\0\0\0\0\0\0\x05"s
            "\0\0\0\x08\xff\xff\xff\xff\xff\xff\xff\xff"s);
  EXPECT_EQ(static_cast<uint64_t>(PgGetInt64(e.data().data() + 4)), inode);
  EXPECT_EQ(PgGetInt64(e.data().data() + 16), -1);
}

TEST(PgCopyEncoderTest, ClearKeepsEncodingWhereItLeftOff) {
  PgCopyEncoder e;
  e.BeginRow(1);
  e.AddInt64(1);
  const size_t first = e.size();
  e.Clear();
  EXPECT_EQ(e.size(), 0u);
  e.BeginRow(1);
  e.AddInt64(1);
  EXPECT_EQ(e.size(), first - kHeader.size());
}

TEST(PgBinaryTest, IntegersRoundTrip) {
  for (int64_t v : {int64_t{0}, int64_t{1}, int64_t{-1},
                    std::numeric_limits<int64_t>::min(),
                    std::numeric_limits<int64_t>::max()}) {
    std::string out;
    PgPutInt64(&out, v);
    ASSERT_EQ(out.size(), 8u);
    EXPECT_EQ(PgGetInt64(out.data()), v);
  }
  std::string out;
  PgPutInt32(&out, -2);
  PgPutInt16(&out, 0x0102);
  EXPECT_EQ(out, "\xff\xff\xff\xfe\x01\x02"s);
  EXPECT_EQ(PgGetInt32(out.data()), -2);
}

TEST(PgBinaryTest, Int64ArrayIsOneDimensionalWithoutNulls) {
  const std::vector<int64_t> values = {7, -1};
  EXPECT_EQ(PgInt64Array(values),
            "\0\0\0\x01"s            // one dimension
            "\0\0\0\0"s              // no NULLs
            "\0\0\0\x14"s            // element type int8 (20)
            "\0\0\0\x02\0\0\0\x01"s  // 2 elements from index 1
            "\0\0\0\x08\0\0\0\0\0\0\0\x07"s
            "\0\0\0\x08\xff\xff\xff\xff\xff\xff\xff\xff"s);
  EXPECT_EQ(PgInt64Array({}),
            "\0\0\0\x01\0\0\0\0\0\0\0\x14\0\0\0\0\0\0\0\x01"s);
}

TEST(PgBinaryTest, ByteaArrayKeepsRawBytes) {
  const std::vector<std::string_view> values = {"a\xff"sv, ""sv};
  EXPECT_EQ(PgByteaArray(values),
            "\0\0\0\x01\0\0\0\0\0\0\0\x11\0\0\0\x02\0\0\0\x01"s
            "\0\0\0\x02"
            "a\xff"s
            "\0\0\0\0"s);
}

}  // namespace
}  // namespace tidemark
