// The JSON of an error, {"error": message, "code": name}, as the command
// line prints it with --json and as a scan, a repair or a job carries it.
// The code is ErrorCodeName's (common/status.h): the same spelling the HTTP
// API answers with (invalid_argument, not_found, conflict, ...). Pure;
// thread-safe.
#ifndef TIDEMARK_WIRE_ERROR_JSON_H_
#define TIDEMARK_WIRE_ERROR_JSON_H_

#include <nlohmann/json.hpp>

#include "common/status.h"

namespace tidemark::wire {

// {"error": status.message(), "code": ErrorCodeName(status.code())}.
nlohmann::json ErrorJson(const Status& status);

}  // namespace tidemark::wire

#endif  // TIDEMARK_WIRE_ERROR_JSON_H_
