// The CLI's exit codes, documented in README.md ("Exit codes"):
//   0 ok, 1 drift found (`check`, like `rclone check`), 2 usage error (bad
//   flags, unknown repository, malformed URL), 3 partial (finished with
//   errors), 4 failed. The services in src/app return typed results; each
//   command maps its result here. Pure functions; thread-safe.
#ifndef TIDEMARK_CLI_EXIT_CODES_H_
#define TIDEMARK_CLI_EXIT_CODES_H_

#include "app/errors.h"
#include "catalog/records.h"
#include "common/status.h"

namespace tidemark::cli {

enum class ExitCode : int {
  kOk = 0,
  kDrift = 1,
  kUsage = 2,
  kPartial = 3,
  kFailed = 4,
};

// The caller's input (app::IsCallerError: InvalidArgument, NotFound,
// AlreadyExists) is usage. Anything else that stops a command is a failure.
inline ExitCode ExitCodeFor(const Status& status) {
  if (status.ok()) return ExitCode::kOk;
  return app::IsCallerError(status) ? ExitCode::kUsage : ExitCode::kFailed;
}

inline ExitCode ExitCodeFor(OperationStatus status) {
  switch (status) {
    case OperationStatus::kCompleted:
      return ExitCode::kOk;
    case OperationStatus::kPartial:
      return ExitCode::kPartial;
    case OperationStatus::kRunning:
    case OperationStatus::kFailed:
      return ExitCode::kFailed;
  }
  return ExitCode::kFailed;
}

// The more severe of two exit codes (failed > partial > usage > drift >
// ok).
inline ExitCode Worse(ExitCode a, ExitCode b) {
  auto rank = [](ExitCode c) {
    switch (c) {
      case ExitCode::kOk:
        return 0;
      case ExitCode::kDrift:
        return 1;
      case ExitCode::kUsage:
        return 2;
      case ExitCode::kPartial:
        return 3;
      case ExitCode::kFailed:
        return 4;
    }
    return 4;
  };
  return rank(a) >= rank(b) ? a : b;
}

}  // namespace tidemark::cli

#endif  // TIDEMARK_CLI_EXIT_CODES_H_
