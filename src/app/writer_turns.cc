#include "app/writer_turns.h"

namespace tidemark::app {

Result<WriterTurns::Turn> WriterTurns::Take(int64_t id, const std::string& name,
                                            std::chrono::milliseconds wait) {
  std::recursive_timed_mutex* turn;
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto& slot = turns_[id];
    if (!slot) slot = std::make_unique<std::recursive_timed_mutex>();
    turn = slot.get();
  }
  Turn held(*turn, std::defer_lock);
  if (!held.try_lock_for(wait)) {
    return Status::Aborted(
        "repository '" + name + "' is busy with another write in this " +
        "process (a repair, an upload or a cars operation) for more than " +
        std::to_string(wait.count()) +
        " ms; retry when it is done, or raise [catalog] busy_timeout_ms");
  }
  return held;
}

}  // namespace tidemark::app
