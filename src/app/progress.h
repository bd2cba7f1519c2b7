// Progress: how a service tells its caller how far it got, so that a front
// end can draw a progress line or log; the services themselves never print.
// Each service says which steps it reports and how often.
//
// A ProgressFn is called on the thread that runs the service, one call at a
// time; it should return quickly. A null one is never called.
#ifndef TIDEMARK_APP_PROGRESS_H_
#define TIDEMARK_APP_PROGRESS_H_

#include <cstdint>
#include <functional>
#include <string_view>

namespace tidemark::app {

enum class Step {
  kScan,     // a scan walks storage: done = files scanned
  kCheck,    // storage is listed and compared with the catalog
  kRepair,   // a repair plan is carried out: total = planned actions
  kRecheck,  // the check after a repair
};

std::string_view StepName(Step step);  // "scan", "check", ...

struct Progress {
  Step step = Step::kScan;
  int64_t done = 0;
  int64_t total = 0;  // 0 = not known (yet)
};

using ProgressFn = std::function<void(const Progress&)>;

// Calls `fn` with {step, done, total} when it is set.
inline void Report(const ProgressFn& fn, Step step, int64_t done,
                   int64_t total) {
  if (fn) fn(Progress{step, done, total});
}

}  // namespace tidemark::app

#endif  // TIDEMARK_APP_PROGRESS_H_
