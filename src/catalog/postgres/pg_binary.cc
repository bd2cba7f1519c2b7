#include "catalog/postgres/pg_binary.h"

namespace tidemark {
namespace {

template <typename U>
void PutBigEndian(std::string* out, U v) {
  char bytes[sizeof(U)];
  for (size_t i = 0; i < sizeof(U); ++i) {
    bytes[sizeof(U) - 1 - i] = static_cast<char>(v & 0xff);
    v = static_cast<U>(v >> 8);
  }
  out->append(bytes, sizeof(U));
}

template <typename U>
U GetBigEndian(const char* p) {
  U v = 0;
  for (size_t i = 0; i < sizeof(U); ++i) {
    v = static_cast<U>((v << 8) | static_cast<unsigned char>(p[i]));
  }
  return v;
}

// ndim, has-nulls flag, element type, then one (length, lower bound) pair.
void PutArrayHeader(std::string* out, uint32_t element_oid, size_t count) {
  PgPutInt32(out, 1);
  PgPutInt32(out, 0);
  PgPutInt32(out, static_cast<int32_t>(element_oid));
  PgPutInt32(out, static_cast<int32_t>(count));
  PgPutInt32(out, 1);
}

}  // namespace

void PgPutInt16(std::string* out, int16_t v) {
  PutBigEndian(out, static_cast<uint16_t>(v));
}
void PgPutInt32(std::string* out, int32_t v) {
  PutBigEndian(out, static_cast<uint32_t>(v));
}
void PgPutInt64(std::string* out, int64_t v) {
  PutBigEndian(out, static_cast<uint64_t>(v));
}

int32_t PgGetInt32(const char* p) {
  return static_cast<int32_t>(GetBigEndian<uint32_t>(p));
}
int64_t PgGetInt64(const char* p) {
  return static_cast<int64_t>(GetBigEndian<uint64_t>(p));
}

std::string PgInt64Array(std::span<const int64_t> values) {
  std::string out;
  out.reserve(20 + values.size() * 12);
  PutArrayHeader(&out, kPgInt8Oid, values.size());
  for (int64_t v : values) {
    PgPutInt32(&out, 8);
    PgPutInt64(&out, v);
  }
  return out;
}

namespace {

// Arrays of variable-length elements share one layout.
std::string VarlenArray(uint32_t element_type,
                        std::span<const std::string_view> values) {
  size_t bytes = 20;
  for (std::string_view v : values) bytes += 4 + v.size();
  std::string out;
  out.reserve(bytes);
  PutArrayHeader(&out, element_type, values.size());
  for (std::string_view v : values) {
    PgPutInt32(&out, static_cast<int32_t>(v.size()));
    out.append(v);
  }
  return out;
}

}  // namespace

std::string PgByteaArray(std::span<const std::string_view> values) {
  return VarlenArray(kPgByteaOid, values);
}

std::string PgTextArray(std::span<const std::string_view> values) {
  return VarlenArray(kPgTextOid, values);
}

}  // namespace tidemark
