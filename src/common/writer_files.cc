#include "common/writer_files.h"

#include <atomic>
#include <cctype>
#include <charconv>
#include <vector>

namespace tidemark {
namespace {

constexpr std::string_view kTemporaryPrefix = ".tidemark-";
constexpr std::string_view kTemporarySuffix = ".tmp";
constexpr std::string_view kOldCopyInfix = ".tidemark-old-";
constexpr std::string_view kStagedInfix = ".tidemark-";
// NAME_MAX of Linux filesystems.
constexpr size_t kMaxNameBytes = 255;

std::atomic<uint64_t> next_name{0};

bool IsDigits(std::string_view s) {
  if (s.empty() || s.size() > 20) return false;
  for (char c : s) {
    if (!std::isdigit(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

bool IsHex(std::string_view s) {
  if (s.empty() || s.size() > 32) return false;
  for (char c : s) {
    if (!std::isxdigit(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

template <typename T>
T Number(std::string_view digits) {
  T value = 0;
  std::from_chars(digits.data(), digits.data() + digits.size(), value);
  return value;
}

std::vector<std::string_view> Split(std::string_view s, char sep) {
  std::vector<std::string_view> out;
  for (;;) {
    const size_t at = s.find(sep);
    out.push_back(s.substr(0, at));
    if (at == std::string_view::npos) return out;
    s.remove_prefix(at + 1);
  }
}

// The boot id without its dashes (32 hex digits), "0" when it is not a
// UUID; BootIdOf puts the dashes back, so that a parsed writer compares
// equal to ProcessProbe::Self().
std::string BootToken(const std::string& boot_id) {
  std::string hex;
  for (char c : boot_id) {
    if (c != '-') hex.push_back(c);
  }
  return hex.size() == 32 && IsHex(hex) ? hex : "0";
}

std::string BootIdOf(std::string_view token) {
  if (token.size() != 32) return std::string(token);
  std::string out(token);
  for (size_t at : {20, 16, 12, 8}) out.insert(at, 1, '-');
  return out;
}

std::string Token(const ProcessIdentity& w) {
  return BootToken(w.boot_id) + "." + std::to_string(w.pid_namespace) + "." +
         std::to_string(w.pid) + "." + std::to_string(w.start_ticks);
}

std::optional<ProcessIdentity> ParseToken(std::string_view token) {
  const std::vector<std::string_view> f = Split(token, '.');
  if (f.size() != 4 || !IsHex(f[0]) || !IsDigits(f[1]) || !IsDigits(f[2]) ||
      !IsDigits(f[3])) {
    return std::nullopt;
  }
  ProcessIdentity w;
  w.boot_id = BootIdOf(f[0]);
  w.pid_namespace = Number<uint64_t>(f[1]);
  w.pid = Number<int64_t>(f[2]);
  w.start_ticks = Number<uint64_t>(f[3]);
  return w;
}

// "<writer>-<n>" (this version) or "<pid>-<n>[-<t>]" (older ones, whose
// field count is `old_fields`). False when `rest` is neither.
bool ParseOwner(std::string_view rest, size_t old_fields, WriterFile* out) {
  const std::vector<std::string_view> parts = Split(rest, '-');
  if (parts.size() == 2 && IsDigits(parts[1])) {
    if (auto writer = ParseToken(parts[0])) {
      out->writer = std::move(writer);
      return true;
    }
  }
  if (parts.size() != old_fields) return false;
  for (std::string_view p : parts) {
    if (!IsDigits(p)) return false;
  }
  return true;
}

}  // namespace

std::string TemporaryName(const ProcessIdentity& writer, uint64_t n) {
  return std::string(kTemporaryPrefix) + Token(writer) + "-" +
         std::to_string(n) + std::string(kTemporarySuffix);
}

std::string OldCopyName(std::string_view name, const ProcessIdentity& writer,
                        uint64_t n) {
  return "." + std::string(name) + std::string(kOldCopyInfix) + Token(writer) +
         "-" + std::to_string(n);
}

std::string NewTemporaryName() {
  return TemporaryName(SystemProcessProbe().Self(), next_name.fetch_add(1));
}

std::string NewOldCopyName(std::string_view name) {
  const ProcessIdentity self = SystemProcessProbe().Self();
  const uint64_t n = next_name.fetch_add(1);
  std::string full = OldCopyName(name, self, n);
  if (full.size() <= kMaxNameBytes) return full;
  // A long name leaves no room for the whole writer: the pid alone, as
  // older versions wrote it, keeps a replace possible (its leftover is then
  // only reported, as of an unknown writer).
  return "." + std::string(name) + std::string(kOldCopyInfix) +
         std::to_string(self.pid) + "-" + std::to_string(n);
}

std::optional<WriterFile> ParseWriterFile(std::string_view name) {
  if (name.size() < 2 || name[0] != '.') return std::nullopt;
  WriterFile file;
  if (name.ends_with(kTemporarySuffix)) {
    file.kind = WriterFileKind::kTemporary;
    const std::string_view body =
        name.substr(0, name.size() - kTemporarySuffix.size());
    if (body.starts_with(kTemporaryPrefix) &&
        ParseOwner(body.substr(kTemporaryPrefix.size()), 3, &file)) {
      return file;
    }
    // An older tidemark's staged marker: ".<marker>.tidemark-<ns>.tmp".
    const size_t staged = body.rfind(kStagedInfix);
    if (staged != std::string_view::npos && staged > 1 &&
        IsDigits(body.substr(staged + kStagedInfix.size()))) {
      return file;
    }
    return std::nullopt;
  }
  const size_t infix = name.rfind(kOldCopyInfix);
  if (infix == std::string_view::npos || infix < 2) return std::nullopt;
  file.kind = WriterFileKind::kOldCopy;
  file.original = std::string(name.substr(1, infix - 1));
  if (!ParseOwner(name.substr(infix + kOldCopyInfix.size()), 2, &file)) {
    return std::nullopt;
  }
  return file;
}

}  // namespace tidemark
