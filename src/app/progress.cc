#include "app/progress.h"

namespace tidemark::app {

std::string_view StepName(Step step) {
  switch (step) {
    case Step::kScan:
      return "scan";
    case Step::kCheck:
      return "check";
    case Step::kRepair:
      return "repair";
    case Step::kRecheck:
      return "recheck";
  }
  return "scan";
}

}  // namespace tidemark::app
