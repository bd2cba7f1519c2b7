// JsonWriter: writes JSON text straight into a string, value by value, for
// answers too large to build as an nlohmann::json first (a page of file
// records). Its text is byte for byte what DumpJson gives for the same
// values: compact, strings escaped the same way, invalid UTF-8 replaced.
// The caller writes an object's keys in the order it wants them; DumpJson
// sorts them, so a caller that wants the same text writes them sorted.
//
// Owns nothing: it appends to the caller's string, which must outlive it.
// Not thread-safe; one writer per answer.
#ifndef TIDEMARK_WIRE_JSON_WRITER_H_
#define TIDEMARK_WIRE_JSON_WRITER_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace tidemark::wire {

class JsonWriter {
 public:
  explicit JsonWriter(std::string* out) : out_(*out) {}

  void BeginObject() { Open('{'); }
  void EndObject() { Close('}'); }
  void BeginArray() { Open('['); }
  void EndArray() { Close(']'); }

  // An object member's name; the member's value comes next.
  void Key(std::string_view name);

  void String(std::string_view value);
  void Int(int64_t value);
  void Uint(uint64_t value);
  void Bool(bool value);
  void Null();

  // A member, key and value in one call.
  void StringMember(std::string_view key, std::string_view value) {
    Key(key);
    String(value);
  }
  void IntMember(std::string_view key, int64_t value) {
    Key(key);
    Int(value);
  }
  void UintMember(std::string_view key, uint64_t value) {
    Key(key);
    Uint(value);
  }

  // A value that is already JSON text (from DumpJson), written as it is.
  void Raw(std::string_view json);

 private:
  void Open(char bracket);
  void Close(char bracket);
  // Writes the comma that goes before a value or key, where one does.
  void Separate();

  std::string& out_;
  // One entry per open object or array: whether it has no member yet.
  std::vector<bool> empty_;
  bool after_key_ = false;
};

}  // namespace tidemark::wire

#endif  // TIDEMARK_WIRE_JSON_WRITER_H_
