// HttpError: how a failure is answered over HTTP. Every error body is JSON
// {"error": message, "code": name} with the status that fits: a Status code
// maps to one HTTP status (InvalidArgument 400, NotFound 404, AlreadyExists
// and Aborted and FailedPrecondition 409, Unavailable 503, ...). Pure
// functions; thread-safe.
#ifndef TIDEMARK_SERVER_HTTP_ERROR_H_
#define TIDEMARK_SERVER_HTTP_ERROR_H_

#include <string>

#include "common/status.h"

namespace tidemark::server {

struct HttpError {
  int status = 500;
  std::string code;  // "invalid_argument", "not_found", ...
  std::string message;
};

// The HTTP form of a failed Status (which must not be ok).
HttpError HttpErrorFromStatus(const Status& status);

// The common refusals.
HttpError BadRequest(std::string message);
HttpError BadPath(std::string message);  // 400, code "bad_path"
HttpError Unauthenticated(std::string message);
HttpError Forbidden(std::string message);
HttpError NotFoundError(std::string message);
HttpError PayloadTooLarge(std::string message);

// {"error": ..., "code": ...}
std::string ErrorBody(const HttpError& error);

}  // namespace tidemark::server

#endif  // TIDEMARK_SERVER_HTTP_ERROR_H_
