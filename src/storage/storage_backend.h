// StorageBackend: the seam between tidemark and a storage root.
//
// A backend is bound to one root (a local folder now; S3 and WebDAV later) and
// speaks in repository-relative paths (see common/paths.h). It lists a scope
// as a stream in path byte order, stats, reads, writes, removes and moves
// objects, and reports what it can do. It never decides what a listing means
// for the catalog: that is the planner's job.
//
// Error codes, which the sync engine branches on:
//   NotFound          the object or scope does not exist (a vanished file);
//   PermissionDenied  the object or scope exists but cannot be read;
//   Unavailable       the root itself cannot be reached (offline storage);
//   InvalidArgument   a malformed path.
//
// Thread-safety: a backend is thread-safe; each ListingStream, ReadStream and
// ByteSource is used by one thread at a time.
#ifndef TIDEMARK_STORAGE_STORAGE_BACKEND_H_
#define TIDEMARK_STORAGE_STORAGE_BACKEND_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "common/result.h"
#include "common/status.h"

namespace tidemark {

enum class EntryKind { kFile, kSymlink };

// What storage says about one object now.
struct StorageEntry {
  std::string path;  // repository-relative, raw bytes
  EntryKind kind = EntryKind::kFile;
  int64_t size = 0;      // bytes; for a symlink, the length of its target
  int64_t mtime_ns = 0;  // modification time, ns since the epoch
  uint64_t device = 0;   // 0 when the backend has no inodes
  uint64_t inode = 0;    // 0 when the backend has no inodes
};

// One item of a listing stream.
struct ListItem {
  enum class Type {
    kEntry,         // `entry` is a file or symlink in the scope
    kSubtreeError,  // the directory `path` (and all below it) could not be
                    // listed completely; `error` says why
  };
  Type type = Type::kEntry;
  StorageEntry entry;  // for kEntry
  std::string path;    // for kSubtreeError: the directory that failed
  Status error;        // for kSubtreeError
  // For kSubtreeError: the device of every object below `path`, when the
  // backend can tell (a local directory with no other filesystem mounted
  // below it); 0 when objects of any device may lie there. A move keeps an
  // object's device, so a record of another device cannot have moved there.
  uint64_t subtree_device = 0;
};

// Decides whether a path takes part in a listing. `is_directory` is true for
// directories, which are pruned with everything below them when rejected.
// Must be thread-safe; the walker calls it from several threads.
using PathFilter =
    std::function<bool(std::string_view path, bool is_directory)>;

struct ListOptions {
  // The scope: "" for the whole root, otherwise a directory below the root.
  std::string scope;
  // Optional; when empty every path is listed.
  PathFilter filter;
  // Parallelism hint for backends that walk; 0 picks a default.
  int threads = 0;
};

// A listing, in ascending byte order of `path` (the order of the catalog's
// range reads). A subtree error is emitted where that directory's entries
// would have appeared, so a merge can skip exactly the catalog range below it.
class ListingStream {
 public:
  virtual ~ListingStream() = default;
  // Fills `item` and returns true, or returns false at the end of the
  // listing. An error return means the listing as a whole failed and must be
  // treated as incomplete.
  virtual Result<bool> Next(ListItem* item) = 0;
};

// A sequence of bytes read in order: the content of a streaming write
// (StorageBackend::WriteFrom), or an object being read (ReadStream).
class ByteSource {
 public:
  virtual ~ByteSource() = default;
  // Reads up to `n` bytes into `buf`; returns 0 at the end. An error means
  // the content did not arrive whole: a write from it must not happen.
  virtual Result<size_t> Read(char* buf, size_t n) = 0;
  // How many bytes the source will give, when it knows; -1 otherwise.
  virtual int64_t SizeHint() const { return -1; }
};

// A ByteSource over bytes in memory, which must outlive it.
class StringSource final : public ByteSource {
 public:
  explicit StringSource(std::string_view data) : data_(data) {}
  Result<size_t> Read(char* buf, size_t n) override {
    const size_t got = data_.copy(buf, n);
    data_.remove_prefix(got);
    return got;
  }
  int64_t SizeHint() const override {
    return static_cast<int64_t>(data_.size());
  }

 private:
  std::string_view data_;
};

// Sequential reads of one object, for hashing.
class ReadStream : public ByteSource {
 public:
  // Metadata of the opened object now (fstat for a local file), so a caller
  // can tell whether the object changed while it was being read.
  virtual Result<StorageEntry> Stat() = 0;
};

struct BackendCapabilities {
  bool has_inodes = false;        // device+inode fingerprints, move detection
  bool server_side_move = false;  // Move() is atomic and does not copy data
  bool atomic_write = false;      // Write() never exposes a partial object
  bool symlinks = false;          // reports symlinks as EntryKind::kSymlink
};

class StorageBackend {
 public:
  virtual ~StorageBackend() = default;

  virtual BackendCapabilities Capabilities() const = 0;

  // A human-readable name of the root, for messages ("file:///srv/photos").
  virtual std::string RootUrl() const = 0;

  // Ok when the root can be reached and read; Unavailable (root missing or
  // unmounted) or PermissionDenied otherwise.
  virtual Status CheckRoot() = 0;

  // Starts a listing of `options.scope`. Fails up front (NotFound,
  // PermissionDenied, Unavailable) when the scope itself cannot be opened.
  virtual Result<std::unique_ptr<ListingStream>> List(
      const ListOptions& options) = 0;

  // Metadata of one object without following symlinks. NotFound if absent.
  virtual Result<StorageEntry> Stat(std::string_view path) = 0;

  // Opens an object for reading. NotFound if absent. Symlinks are not
  // followed: opening one fails with InvalidArgument.
  virtual Result<std::unique_ptr<ReadStream>> Open(std::string_view path) = 0;

  // Writes a whole object from `source`, read to its end in chunks (memory
  // does not grow with the object), creating parent directories. Returns
  // the object's metadata as written, before anyone else could change it.
  // When `source` fails, nothing is written and its error is returned.
  // Where the backend has atomic_write, readers see the old or the new
  // content, never a mix, and a writer killed part-way leaves at worst a
  // temporary writer file (common/writer_files.h) beside the path.
  virtual Result<StorageEntry> WriteFrom(std::string_view path,
                                         ByteSource& source) = 0;

  // WriteFrom with bytes in memory.
  Status Write(std::string_view path, std::string_view data) {
    StringSource source(data);
    return WriteFrom(path, source).status();
  }

  // Removes one object. NotFound if absent.
  virtual Status Remove(std::string_view path) = 0;

  // Moves an object or a directory. NotFound if `from` is absent,
  // AlreadyExists if `to` exists.
  virtual Status Move(std::string_view from, std::string_view to) = 0;

  // Copies one object (a file or a symlink) to `to`, cheaply where the
  // backend can: a hard link on a local disk, a server-side copy on S3 or
  // WebDAV. The copy keeps the content `from` has now, whatever Write, Move
  // or Remove later do to either path (they replace objects, they never
  // edit one in place). NotFound if `from` is absent, AlreadyExists if `to`
  // exists.
  virtual Status Copy(std::string_view from, std::string_view to) = 0;
};

}  // namespace tidemark

#endif  // TIDEMARK_STORAGE_STORAGE_BACKEND_H_
