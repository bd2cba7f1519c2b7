// Result<T>: a value or the Status that explains why there is none.
//
// Result is the return type of every fallible function that produces a value.
// Construct it from a T or from a non-ok Status. Accessing value() of an error
// result is a bug and aborts. Thread-compatible, like the T it holds.
#ifndef TIDEMARK_COMMON_RESULT_H_
#define TIDEMARK_COMMON_RESULT_H_

#include <cstdlib>
#include <optional>
#include <utility>

#include "common/status.h"

namespace tidemark {

template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : value_(std::move(value)) {}  // NOLINT: implicit by design
  Result(Status status) : status_(std::move(status)) {  // NOLINT
    if (status_.ok()) {
      status_ = Status::Internal("Result constructed from an ok Status");
    }
  }

  bool ok() const { return value_.has_value(); }
  const Status& status() const { return status_; }

  T& value() & {
    CheckOk();
    return *value_;
  }
  const T& value() const& {
    CheckOk();
    return *value_;
  }
  T&& value() && {
    CheckOk();
    return std::move(*value_);
  }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

 private:
  void CheckOk() const {
    if (!value_.has_value()) std::abort();
  }

  std::optional<T> value_;
  Status status_;
};

}  // namespace tidemark

// Evaluates `rexpr` (a Result<T>); on error returns its Status from the
// calling function, otherwise moves the value into `lhs`.
//   ASSIGN_OR_RETURN(auto repo, store.FindRepository(name));
#define ASSIGN_OR_RETURN(lhs, rexpr) \
  ASSIGN_OR_RETURN_IMPL_(TM_STATUS_CONCAT_(tm_result_, __LINE__), lhs, rexpr)
#define ASSIGN_OR_RETURN_IMPL_(result, lhs, rexpr) \
  auto result = (rexpr);                           \
  if (!result.ok()) return result.status();        \
  lhs = std::move(result).value()

#endif  // TIDEMARK_COMMON_RESULT_H_
