// WriterTurns: one process's writers of a repository take turns. A lease
// says which process may write a repository; inside `tidemark serve` many
// threads (API writes, repair jobs, cars operations) may write the same one
// at once. They would share one fence, and the first to finish would
// release the lease under the others, so each of them takes the
// repository's turn first (app::TakeLease does) and gives it back only
// after its lease is released.
//
// A turn is a recursive timed mutex per repository id, made on first use and
// kept for the life of the process (there are few repositories). A thread
// that holds a turn may take it again (a write that runs a scan inside).
// Thread-safe.
#ifndef TIDEMARK_APP_WRITER_TURNS_H_
#define TIDEMARK_APP_WRITER_TURNS_H_

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "common/result.h"

namespace tidemark::app {

class WriterTurns {
 public:
  using Turn = std::unique_lock<std::recursive_timed_mutex>;

  // Repository `id`'s turn, once no other thread of this process holds it.
  // Aborted, naming `name`, when another writer keeps it past `wait`: the
  // caller may retry once that write is done.
  Result<Turn> Take(int64_t id, const std::string& name,
                    std::chrono::milliseconds wait);

 private:
  std::mutex mu_;
  std::map<int64_t, std::unique_ptr<std::recursive_timed_mutex>> turns_;
};

}  // namespace tidemark::app

#endif  // TIDEMARK_APP_WRITER_TURNS_H_
