// SqliteReaderPool: the catalog's read connections, so that reads from
// several threads (the HTTP server's) run at once instead of queueing on one
// connection. Connections are opened on demand, up to a maximum; a reader
// that finds them all busy waits for one.
//
// Owns its connections. Thread-safe: Take may be called from any thread; a
// Reader (the connection it hands out) is used by one thread at a time and
// goes back to the pool when it is destroyed. Every Reader must be gone
// before the pool is.
#ifndef TIDEMARK_CATALOG_SQLITE_SQLITE_READER_POOL_H_
#define TIDEMARK_CATALOG_SQLITE_SQLITE_READER_POOL_H_

#include <condition_variable>
#include <cstddef>
#include <functional>
#include <memory>
#include <mutex>
#include <vector>

#include "catalog/sqlite/sqlite_connection.h"
#include "common/result.h"

namespace tidemark {

class SqliteReaderPool {
 public:
  using Opener = std::function<Result<std::unique_ptr<SqliteConnection>>()>;

  // `first` is an already opened reader (so that opening the catalog fails
  // early); `open` opens the others, at most `max_readers` in all.
  SqliteReaderPool(std::unique_ptr<SqliteConnection> first, Opener open,
                   size_t max_readers);
  SqliteReaderPool(const SqliteReaderPool&) = delete;
  SqliteReaderPool& operator=(const SqliteReaderPool&) = delete;

  // A connection lent to one thread until this is destroyed.
  class Reader {
   public:
    Reader(Reader&& other) noexcept
        : pool_(other.pool_), connection_(std::move(other.connection_)) {}
    Reader(const Reader&) = delete;
    Reader& operator=(const Reader&) = delete;
    Reader& operator=(Reader&&) = delete;
    ~Reader();

    SqliteConnection& operator*() const { return *connection_; }
    SqliteConnection* operator->() const { return connection_.get(); }

   private:
    friend class SqliteReaderPool;
    Reader(SqliteReaderPool& pool, std::unique_ptr<SqliteConnection> c)
        : pool_(pool), connection_(std::move(c)) {}
    SqliteReaderPool& pool_;
    std::unique_ptr<SqliteConnection> connection_;
  };

  // An idle connection, a new one while fewer than the maximum are open, or
  // else the next one returned. Fails only when opening a new one fails.
  Result<Reader> Take();

  size_t open_count() const;

 private:
  void Return(std::unique_ptr<SqliteConnection> connection);

  const Opener open_;
  const size_t max_readers_;
  mutable std::mutex mu_;
  std::condition_variable returned_;
  std::vector<std::unique_ptr<SqliteConnection>> idle_;  // guarded by mu_
  size_t open_count_ = 0;                                // guarded by mu_
};

}  // namespace tidemark

#endif  // TIDEMARK_CATALOG_SQLITE_SQLITE_READER_POOL_H_
