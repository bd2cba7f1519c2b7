#include "cli/progress.h"

#include <unistd.h>

#include <cstdio>

#include "common/human_format.h"

namespace tidemark::cli {

ProgressLine::ProgressLine(Clock& clock, bool enabled)
    : clock_(clock),
      enabled_(enabled && isatty(STDERR_FILENO) == 1),
      start_ns_(clock.MonotonicNanos()) {}

ProgressLine::~ProgressLine() { Clear(); }

void ProgressLine::Update(const std::string& label, int64_t done,
                          int64_t total) {
  if (!enabled_) return;
  const int64_t now = clock_.MonotonicNanos();
  if (drawn_ && now - last_draw_ns_ < 100'000'000) return;
  last_draw_ns_ = now;
  const double seconds = static_cast<double>(now - start_ns_) / 1e9;
  const auto rate =
      seconds > 0 ? static_cast<int64_t>(static_cast<double>(done) / seconds)
                  : 0;
  std::string line = label + ": " + FormatCount(done);
  if (total > 0) {
    const int percent = static_cast<int>(100.0 * static_cast<double>(done) /
                                         static_cast<double>(total));
    line += " of ~" + FormatCount(total) + " (" +
            std::to_string(percent > 100 ? 100 : percent) + "%)";
  }
  line += " files scanned, " + FormatCount(rate) + "/s";
  std::fprintf(stderr, "\r\033[K%s", line.c_str());
  std::fflush(stderr);
  drawn_ = true;
}

void ProgressLine::Clear() {
  if (!enabled_ || !drawn_) return;
  std::fprintf(stderr, "\r\033[K");
  std::fflush(stderr);
  drawn_ = false;
}

}  // namespace tidemark::cli
