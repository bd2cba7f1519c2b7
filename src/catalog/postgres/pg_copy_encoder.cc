#include "catalog/postgres/pg_copy_encoder.h"

#include "catalog/postgres/pg_binary.h"

namespace tidemark {
namespace {

// "PGCOPY\n\377\r\n\0": the signature, built to survive newline mangling.
constexpr char kSignature[11] = {'P',  'G',    'C',  'O',  'P', 'Y',
                                 '\n', '\377', '\r', '\n', '\0'};

}  // namespace

PgCopyEncoder::PgCopyEncoder() {
  buffer_.append(kSignature, sizeof(kSignature));
  PgPutInt32(&buffer_, 0);  // flags: no OIDs
  PgPutInt32(&buffer_, 0);  // header extension length
}

void PgCopyEncoder::BeginRow(int16_t field_count) {
  PgPutInt16(&buffer_, field_count);
}

void PgCopyEncoder::AddInt64(int64_t value) {
  PgPutInt32(&buffer_, 8);
  PgPutInt64(&buffer_, value);
}

void PgCopyEncoder::AddBytes(std::string_view value) {
  PgPutInt32(&buffer_, static_cast<int32_t>(value.size()));
  buffer_.append(value);
}

void PgCopyEncoder::AddNull() { PgPutInt32(&buffer_, -1); }

void PgCopyEncoder::Finish() { PgPutInt16(&buffer_, -1); }

}  // namespace tidemark
