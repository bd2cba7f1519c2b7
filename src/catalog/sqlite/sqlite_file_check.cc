#include "catalog/sqlite/sqlite_file_check.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <vector>

namespace tidemark {
namespace {

// The database file format (sqlite.org/fileformat2.html).
constexpr char kSqliteMagic[16] = "SQLite format 3";
constexpr size_t kHeaderSize = 100;
constexpr size_t kWalHeaderSize = 32;
constexpr size_t kFrameHeaderSize = 24;
constexpr uint32_t kWalMagic = 0x377f0682;  // the low bit: checksum order
// The page holding this offset is never written (file locks live there).
constexpr int64_t kPendingByte = 0x40000000;

uint32_t Be32(const unsigned char* p) {
  return (uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) |
         (uint32_t{p[2]} << 8) | uint32_t{p[3]};
}

class Fd {
 public:
  explicit Fd(const std::string& path)
      : fd_(open(path.c_str(), O_RDONLY | O_CLOEXEC)) {}
  ~Fd() {
    if (fd_ >= 0) close(fd_);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;

  bool ok() const { return fd_ >= 0; }
  // True when all of `size` bytes at `offset` were read.
  bool ReadAt(void* buf, size_t size, int64_t offset) const {
    size_t done = 0;
    while (done < size) {
      const ssize_t n = pread(fd_, static_cast<char*>(buf) + done, size - done,
                              offset + static_cast<int64_t>(done));
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) return false;
      done += static_cast<size_t>(n);
    }
    return true;
  }
  int64_t Size() const {
    struct stat st;
    return fstat(fd_, &st) == 0 ? static_cast<int64_t>(st.st_size) : -1;
  }

 private:
  int fd_;
};

// What the committed part of a write-ahead log holds.
struct WalPages {
  uint32_t database_pages = 0;  // after its last commit; 0: no commit
  std::vector<uint32_t> pages;  // written by committed frames, sorted
};

// Frames count while they carry the log header's salts (a log started
// over keeps stale frames of the old salts after its new ones) and up to
// the last commit frame. Checksums are not verified: a torn last frame can
// only make this believe a page is in the log, never that one is missing.
WalPages ReadWal(const std::string& wal_path) {
  WalPages out;
  Fd wal(wal_path);
  if (!wal.ok()) return out;
  unsigned char header[kWalHeaderSize];
  if (!wal.ReadAt(header, sizeof(header), 0)) return out;
  if ((Be32(header) & ~1u) != kWalMagic) return out;
  const uint32_t page_size = Be32(header + 8);
  const uint32_t salt1 = Be32(header + 16);
  const uint32_t salt2 = Be32(header + 20);
  const int64_t frame_size = kFrameHeaderSize + int64_t{page_size};
  const int64_t frames = (wal.Size() - int64_t{kWalHeaderSize}) / frame_size;
  std::vector<uint32_t> uncommitted;
  for (int64_t i = 0; i < frames; ++i) {
    unsigned char frame[kFrameHeaderSize];
    if (!wal.ReadAt(frame, sizeof(frame), kWalHeaderSize + i * frame_size)) {
      break;
    }
    const uint32_t page = Be32(frame);
    if (page == 0 || Be32(frame + 8) != salt1 || Be32(frame + 12) != salt2) {
      break;
    }
    uncommitted.push_back(page);
    if (const uint32_t commit = Be32(frame + 4); commit != 0) {
      out.database_pages = commit;
      out.pages.insert(out.pages.end(), uncommitted.begin(), uncommitted.end());
      uncommitted.clear();
    }
  }
  std::sort(out.pages.begin(), out.pages.end());
  return out;
}

Status CheckOnce(const std::string& path) {
  Fd db(path);
  if (!db.ok()) return Status::Ok();  // SQLite reports it, with errno
  unsigned char header[kHeaderSize];
  if (!db.ReadAt(header, sizeof(header), 0) ||
      std::memcmp(header, kSqliteMagic, sizeof(kSqliteMagic)) != 0) {
    return Status::Ok();  // empty, or not SQLite: CheckDatabaseHeader's
  }
  const uint32_t raw_page_size = (uint32_t{header[16]} << 8) | header[17];
  const int64_t page_size = raw_page_size == 1 ? 65536 : raw_page_size;
  if (page_size < 512 || (page_size & (page_size - 1)) != 0) {
    return Status::Ok();  // a broken header: SQLite refuses it
  }
  // The header's page count is the database's size as of the last
  // checkpoint, valid when its change counter matches (SQLite >= 3.7.0
  // always keeps it so). Pages added since are in the log, never only in
  // the file: a file that holds that many pages is whole, and then the log
  // need not be read at all.
  const uint32_t header_pages = Be32(header + 28);
  if (header_pages == 0 || Be32(header + 24) != Be32(header + 92)) {
    return Status::Ok();  // no size to trust: SQLite finds what it finds
  }
  if (db.Size() >= header_pages * page_size) return Status::Ok();
  // Shorter: cut, or a checkpoint that was copying the log into the file
  // stopped (a crash) after it rewrote the header. Then the log still
  // holds every page the file lacks. The log first, the size after: a
  // checkpoint meanwhile only makes the file longer.
  const WalPages wal = ReadWal(path + "-wal");
  const int64_t size = db.Size();
  const int64_t in_file = size / page_size;
  // The header was rewritten from the log, so the log reached at least
  // that size: a log that says less lost its end too.
  const int64_t needed =
      std::max<int64_t>(wal.database_pages, int64_t{header_pages});
  const int64_t pending_page = kPendingByte / page_size + 1;
  int64_t missing = 0;
  int64_t first_missing = 0;
  for (int64_t page = in_file + 1; page <= needed; ++page) {
    if (page == pending_page ||
        std::binary_search(wal.pages.begin(), wal.pages.end(),
                           static_cast<uint32_t>(page))) {
      continue;
    }
    if (missing++ == 0) first_missing = page;
  }
  if (missing == 0) return Status::Ok();
  return Status::DataLoss(
      path + " is cut short: the catalog has " + std::to_string(needed) +
      " pages of " + std::to_string(page_size) + " bytes, but " +
      std::to_string(missing) + (missing == 1 ? " page" : " pages") +
      " from page " + std::to_string(first_missing) + " on " +
      (missing == 1 ? "is" : "are") + " in neither the file (" +
      std::to_string(size) +
      " bytes) nor its write-ahead log: it was truncated (an interrupted "
      "copy, a full or failing disk). Nothing was read or written; restore "
      "it from a backup, or move it aside and sync again to rebuild it");
}

}  // namespace

Status CheckDatabaseWhole(const std::string& path) {
  // A checkpoint running in another process while this looks may show a
  // moment that never was; a file that is really cut stays so.
  Status first = CheckOnce(path);
  return first.ok() ? first : CheckOnce(path);
}

}  // namespace tidemark
