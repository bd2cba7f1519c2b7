#include "catalog/sqlite/sqlite_reader_pool.h"

#include <utility>

namespace tidemark {

SqliteReaderPool::SqliteReaderPool(std::unique_ptr<SqliteConnection> first,
                                   Opener open, size_t max_readers)
    : open_(std::move(open)), max_readers_(max_readers < 1 ? 1 : max_readers) {
  idle_.push_back(std::move(first));
  open_count_ = 1;
}

SqliteReaderPool::Reader::~Reader() {
  if (connection_ != nullptr) pool_.Return(std::move(connection_));
}

Result<SqliteReaderPool::Reader> SqliteReaderPool::Take() {
  std::unique_lock<std::mutex> lock(mu_);
  while (idle_.empty() && open_count_ >= max_readers_) returned_.wait(lock);
  if (!idle_.empty()) {
    std::unique_ptr<SqliteConnection> c = std::move(idle_.back());
    idle_.pop_back();
    return Reader(*this, std::move(c));
  }
  // Counted before opening, outside the lock, so that two threads cannot
  // open past the maximum and other readers need not wait for the open.
  ++open_count_;
  lock.unlock();
  auto opened = open_();
  if (!opened.ok()) {
    lock.lock();
    --open_count_;
    returned_.notify_one();
    return opened.status();
  }
  return Reader(*this, std::move(*opened));
}

void SqliteReaderPool::Return(std::unique_ptr<SqliteConnection> connection) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    idle_.push_back(std::move(connection));
  }
  returned_.notify_one();
}

size_t SqliteReaderPool::open_count() const {
  std::lock_guard<std::mutex> lock(mu_);
  return open_count_;
}

}  // namespace tidemark
