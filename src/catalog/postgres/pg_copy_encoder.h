// PgCopyEncoder: builds the stream that `COPY ... FROM STDIN (FORMAT binary)`
// reads: the signature header, one tuple per row, and the trailer.
//
// Pure and allocation-light: rows are appended to an internal buffer that the
// caller hands to libpq in chunks (data(), then Clear(), which keeps the
// capacity). Each row declares its field count, then gets exactly that many
// fields in the table's column order; the encoder does not know the table.
// Field bytes are sent as they are: integers as network-order int64 (the
// binary form of bigint), bytea and text as raw bytes (text must be valid in
// the connection's client encoding and free of NUL bytes).
// Not thread-safe; one encoder per COPY.
#ifndef TIDEMARK_CATALOG_POSTGRES_PG_COPY_ENCODER_H_
#define TIDEMARK_CATALOG_POSTGRES_PG_COPY_ENCODER_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace tidemark {

class PgCopyEncoder {
 public:
  // Starts the stream with the 19-byte binary COPY header.
  PgCopyEncoder();

  void BeginRow(int16_t field_count);
  void AddInt64(int64_t value);
  // bytea or text: the bytes themselves (a zero-length value is not NULL).
  void AddBytes(std::string_view value);
  void AddNull();
  // Appends the end-of-data marker; nothing may follow.
  void Finish();

  // The bytes encoded since construction or the last Clear.
  std::string_view data() const { return buffer_; }
  size_t size() const { return buffer_.size(); }
  void Clear() { buffer_.clear(); }

 private:
  std::string buffer_;
};

}  // namespace tidemark

#endif  // TIDEMARK_CATALOG_POSTGRES_PG_COPY_ENCODER_H_
