// Splitters: "make_model_vin" turns "<Make> <Model...> <VIN>" into captures.
#include "layout/splitter.h"

#include <array>
#include <cstddef>

namespace tidemark::layout::internal {
namespace {

constexpr std::string_view kMakeModelVin = "make_model_vin";
constexpr std::array<std::string_view, 1> kNames = {kMakeModelVin};
constexpr std::array<std::string_view, 3> kMakeModelVinOutputs = {
    "make", "model", "vin"};
constexpr size_t kVinLength = 17;

bool IsSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' ||
         c == '\f';
}

bool IsAsciiAlnum(char c) {
  return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') ||
         (c >= 'a' && c <= 'z');
}

// The number of UTF-8 code points in `s` (for messages).
size_t CodePoints(std::string_view s) {
  size_t n = 0;
  for (char c : s) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return n;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && IsSpace(s.front())) s.remove_prefix(1);
  while (!s.empty() && IsSpace(s.back())) s.remove_suffix(1);
  return s;
}

bool IsVinSeparator(char c) { return IsSpace(c) || c == '-' || c == '_'; }

// "<Make> <Model> <VIN>": the VIN is the last 17 characters, all ASCII
// letters or digits and not part of a longer such run ("Rio-XW..." is fine,
// "Rio" glued to 17 more is not); the make is the first word before it and
// the model everything in between (it may hold spaces).
bool SplitMakeModelVin(std::string_view value, std::string_view* outputs,
                       std::string* why) {
  const std::string_view name = Trim(value);
  size_t run = 0;
  while (run < name.size() && IsAsciiAlnum(name[name.size() - 1 - run])) ++run;
  if (run != kVinLength) {
    size_t word = name.size();
    while (word > 0 && !IsSpace(name[word - 1])) --word;
    const std::string_view last = name.substr(word);
    if (last.size() == kVinLength) {
      *why = "the VIN '" + std::string(last) +
             "' must hold only letters A-Z and digits";
    } else {
      *why = "the name must end in a 17-character VIN (the last word '" +
             std::string(last) + "' has " + std::to_string(CodePoints(last)) +
             " characters)";
    }
    return false;
  }
  std::string_view rest = name.substr(0, name.size() - kVinLength);
  while (!rest.empty() && IsVinSeparator(rest.back())) rest.remove_suffix(1);
  if (rest.empty()) {
    *why = "the name must be '<Make> <Model> <VIN>' (found one word)";
    return false;
  }
  size_t make_end = 0;
  while (make_end < rest.size() && !IsSpace(rest[make_end])) ++make_end;
  const std::string_view model = Trim(rest.substr(make_end));
  if (model.empty()) {
    *why = "the name must be '<Make> <Model> <VIN>' (the model is missing)";
    return false;
  }
  outputs[0] = rest.substr(0, make_end);
  outputs[1] = model;
  outputs[2] = name.substr(name.size() - kVinLength);
  return true;
}

}  // namespace

std::span<const std::string_view> SplitterNames() { return kNames; }

std::span<const std::string_view> SplitterOutputs(std::string_view name) {
  if (name == kMakeModelVin) return kMakeModelVinOutputs;
  return {};
}

bool ApplySplitter(std::string_view name, std::string_view value,
                   std::string_view* outputs, std::string* why) {
  if (name == kMakeModelVin) return SplitMakeModelVin(value, outputs, why);
  *why = "unknown splitter '" + std::string(name) + "'";
  return false;
}

}  // namespace tidemark::layout::internal
