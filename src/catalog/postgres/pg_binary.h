// PostgreSQL's binary wire formats, as pure functions: big-endian integers,
// one-dimensional arrays (for `unnest($1::bigint[])`), and the type OIDs that
// the PostgreSQL catalog passes with its binary parameters.
//
// No I/O and no libpq: the encoders append to a caller-owned std::string and
// the decoders read from bytes the caller owns. Thread-safe.
#ifndef TIDEMARK_CATALOG_POSTGRES_PG_BINARY_H_
#define TIDEMARK_CATALOG_POSTGRES_PG_BINARY_H_

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace tidemark {

// Type OIDs from PostgreSQL's pg_type catalog; fixed since 7.x.
inline constexpr uint32_t kPgBoolOid = 16;
inline constexpr uint32_t kPgByteaOid = 17;
inline constexpr uint32_t kPgInt8Oid = 20;
inline constexpr uint32_t kPgInt4Oid = 23;
inline constexpr uint32_t kPgTextOid = 25;
inline constexpr uint32_t kPgByteaArrayOid = 1001;
inline constexpr uint32_t kPgTextArrayOid = 1009;
inline constexpr uint32_t kPgInt8ArrayOid = 1016;

// Appends `v` in network byte order.
void PgPutInt16(std::string* out, int16_t v);
void PgPutInt32(std::string* out, int32_t v);
void PgPutInt64(std::string* out, int64_t v);

// Reads a network-order integer from the first bytes of `p`.
int32_t PgGetInt32(const char* p);
int64_t PgGetInt64(const char* p);

// The binary form of a one-dimensional array without NULLs, as accepted by
// array_recv for a parameter of type bigint[] / bytea[] / text[] (text in
// the client encoding).
std::string PgInt64Array(std::span<const int64_t> values);
std::string PgByteaArray(std::span<const std::string_view> values);
std::string PgTextArray(std::span<const std::string_view> values);

}  // namespace tidemark

#endif  // TIDEMARK_CATALOG_POSTGRES_PG_BINARY_H_
