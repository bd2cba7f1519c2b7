// WorkerPool: a fixed set of threads that run submitted tasks in FIFO order.
//
// The pool owns its threads; the destructor finishes the queued tasks and
// joins. Submit is thread-safe. Tasks must not throw.
#ifndef TIDEMARK_COMMON_WORKER_POOL_H_
#define TIDEMARK_COMMON_WORKER_POOL_H_

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace tidemark {

class WorkerPool {
 public:
  explicit WorkerPool(int threads);
  ~WorkerPool();
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  void Submit(std::function<void()> task);

 private:
  void Loop();

  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::function<void()>> tasks_;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace tidemark

#endif  // TIDEMARK_COMMON_WORKER_POOL_H_
