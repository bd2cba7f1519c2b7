// Status: the error value every tidemark module returns instead of throwing.
//
// A Status is either ok or carries a StatusCode and a human message that names
// the input and, where there is one, the fix. Codes are chosen so the sync
// engine can branch on them: NotFound, PermissionDenied and Unavailable lead to
// different actions (a vanished file, an unreadable subtree, an offline root).
// Each adapter maps its native errors (errno, SQLite codes) to these codes in
// exactly one place. The CLI maps codes to exit codes in cli/exit_codes.h.
//
// Status is a small value type; copies are independent. Thread-compatible.
#ifndef TIDEMARK_COMMON_STATUS_H_
#define TIDEMARK_COMMON_STATUS_H_

#include <string>
#include <string_view>
#include <utility>

namespace tidemark {

enum class StatusCode {
  kOk = 0,
  kInvalidArgument,     // bad input from the user: malformed URL, bad flag
  kNotFound,            // the thing does not exist (file, repository, root)
  kAlreadyExists,       // a unique name or path is taken
  kPermissionDenied,    // the OS or the database refused access
  kUnavailable,         // transient or unreachable: locked DB, offline root
  kFailedPrecondition,  // state forbids it: schema too new, mass removal
  kAborted,             // concurrent change; retry may succeed
  kDataLoss,            // corrupt or unreadable data (not a database)
  kResourceExhausted,   // out of space, watches, memory
  kCancelled,           // stopped on request
  kInternal,            // a bug
};

std::string_view StatusCodeName(StatusCode code);

// The public name of a code: the "code" of an error's {"error", "code"} as
// both front ends print it (the HTTP API's answers, docs/API.md, and the
// command line's --json): invalid_argument, not_found, conflict
// (AlreadyExists, FailedPrecondition, Aborted), forbidden
// (PermissionDenied), unavailable (Unavailable, ResourceExhausted),
// cancelled, data_loss or internal (Internal; Ok, which is no error).
// Clients branch on it; the message says which conflict or refusal it was.
std::string_view ErrorCodeName(StatusCode code);

class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(StatusCode code, std::string message)
      : code_(code), message_(std::move(message)) {}

  static Status Ok() { return Status(); }
  static Status InvalidArgument(std::string m) {
    return {StatusCode::kInvalidArgument, std::move(m)};
  }
  static Status NotFound(std::string m) {
    return {StatusCode::kNotFound, std::move(m)};
  }
  static Status AlreadyExists(std::string m) {
    return {StatusCode::kAlreadyExists, std::move(m)};
  }
  static Status PermissionDenied(std::string m) {
    return {StatusCode::kPermissionDenied, std::move(m)};
  }
  static Status Unavailable(std::string m) {
    return {StatusCode::kUnavailable, std::move(m)};
  }
  static Status FailedPrecondition(std::string m) {
    return {StatusCode::kFailedPrecondition, std::move(m)};
  }
  static Status Aborted(std::string m) {
    return {StatusCode::kAborted, std::move(m)};
  }
  static Status DataLoss(std::string m) {
    return {StatusCode::kDataLoss, std::move(m)};
  }
  static Status ResourceExhausted(std::string m) {
    return {StatusCode::kResourceExhausted, std::move(m)};
  }
  static Status Cancelled(std::string m) {
    return {StatusCode::kCancelled, std::move(m)};
  }
  static Status Internal(std::string m) {
    return {StatusCode::kInternal, std::move(m)};
  }

  bool ok() const { return code_ == StatusCode::kOk; }
  StatusCode code() const { return code_; }
  const std::string& message() const { return message_; }

  bool IsNotFound() const { return code_ == StatusCode::kNotFound; }
  bool IsPermissionDenied() const {
    return code_ == StatusCode::kPermissionDenied;
  }
  bool IsUnavailable() const { return code_ == StatusCode::kUnavailable; }

  // Returns a copy whose message is "context: message".
  Status WithContext(std::string_view context) const;

  // "NOT_FOUND: message", or "OK".
  std::string ToString() const;

 private:
  StatusCode code_ = StatusCode::kOk;
  std::string message_;
};

}  // namespace tidemark

#define TM_STATUS_CONCAT_INNER_(a, b) a##b
#define TM_STATUS_CONCAT_(a, b) TM_STATUS_CONCAT_INNER_(a, b)

// Returns from the calling function if `expr` (a Status) is not ok.
#define RETURN_IF_ERROR(expr)                \
  do {                                       \
    ::tidemark::Status tm_status_ = (expr);  \
    if (!tm_status_.ok()) return tm_status_; \
  } while (false)

#endif  // TIDEMARK_COMMON_STATUS_H_
