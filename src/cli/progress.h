// ProgressLine: a one-line progress display on a terminal.
//
// Writes to stderr only when stderr is a TTY and the caller did not ask for
// quiet or JSON output; otherwise every call is a no-op. Redraws at most ten
// times a second. Single-threaded.
#ifndef TIDEMARK_CLI_PROGRESS_H_
#define TIDEMARK_CLI_PROGRESS_H_

#include <cstdint>
#include <string>

#include "common/clock.h"

namespace tidemark::cli {

class ProgressLine {
 public:
  ProgressLine(Clock& clock, bool enabled);
  ~ProgressLine();

  // Shows "<label>: N files scanned (R/s)", with "of ~M" when total > 0.
  void Update(const std::string& label, int64_t done, int64_t total);
  // Erases the line.
  void Clear();

 private:
  Clock& clock_;
  bool enabled_;
  bool drawn_ = false;
  int64_t start_ns_;
  int64_t last_draw_ns_ = 0;
};

}  // namespace tidemark::cli

#endif  // TIDEMARK_CLI_PROGRESS_H_
