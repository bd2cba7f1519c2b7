// Whose fault an error is: the caller's (what it asked for is malformed,
// does not exist or is taken) or not (storage, the catalog, a lease held
// elsewhere). The services report the first kind as a refusal
// (ScanStatus::kRefused); the command line exits 2 (usage) for it and 4
// (failed) for the rest (cli/exit_codes.h). Pure; thread-safe.
#ifndef TIDEMARK_APP_ERRORS_H_
#define TIDEMARK_APP_ERRORS_H_

#include "common/status.h"

namespace tidemark::app {

// InvalidArgument, NotFound and AlreadyExists.
inline bool IsCallerError(const Status& status) {
  switch (status.code()) {
    case StatusCode::kInvalidArgument:
    case StatusCode::kNotFound:
    case StatusCode::kAlreadyExists:
      return true;
    default:
      return false;
  }
}

}  // namespace tidemark::app

#endif  // TIDEMARK_APP_ERRORS_H_
