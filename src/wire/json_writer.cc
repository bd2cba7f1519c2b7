#include "wire/json_writer.h"

#include <charconv>
#include <nlohmann/json.hpp>

namespace tidemark::wire {
namespace {

// Whether nlohmann's dump writes `text` unchanged between quotes: printable
// ASCII without '"' or '\'. Everything else goes through nlohmann itself, so
// escapes and invalid UTF-8 come out exactly as DumpJson writes them.
// No early exit: the loop has no branch, and the compiler vectorizes it.
bool IsPlain(std::string_view text) {
  bool special = false;
  for (const char c : text) {
    const auto b = static_cast<unsigned char>(c);
    special |= (b < 0x20) | (b >= 0x7F) | (b == '"') | (b == '\\');
  }
  return !special;
}

}  // namespace

void JsonWriter::Separate() {
  if (after_key_) {
    after_key_ = false;
    return;
  }
  if (empty_.empty()) return;
  if (!empty_.back()) out_ += ',';
  empty_.back() = false;
}

void JsonWriter::Open(char bracket) {
  Separate();
  out_ += bracket;
  empty_.push_back(true);
}

void JsonWriter::Close(char bracket) {
  out_ += bracket;
  empty_.pop_back();
}

void JsonWriter::Key(std::string_view name) {
  String(name);
  out_ += ':';
  after_key_ = true;
}

void JsonWriter::String(std::string_view value) {
  Separate();
  if (IsPlain(value)) {
    out_ += '"';
    out_ += value;
    out_ += '"';
    return;
  }
  out_ += nlohmann::json(std::string(value))
              .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

void JsonWriter::Int(int64_t value) {
  Separate();
  char buf[24];
  const auto end = std::to_chars(buf, buf + sizeof(buf), value).ptr;
  out_.append(buf, end);
}

void JsonWriter::Uint(uint64_t value) {
  Separate();
  char buf[24];
  const auto end = std::to_chars(buf, buf + sizeof(buf), value).ptr;
  out_.append(buf, end);
}

void JsonWriter::Bool(bool value) {
  Separate();
  out_ += value ? "true" : "false";
}

void JsonWriter::Null() {
  Separate();
  out_ += "null";
}

void JsonWriter::Raw(std::string_view json) {
  Separate();
  out_ += json;
}

}  // namespace tidemark::wire
