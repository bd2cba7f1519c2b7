#include "server/http_error.h"

#include <nlohmann/json.hpp>

namespace tidemark::server {

HttpError HttpErrorFromStatus(const Status& status) {
  HttpError e;
  e.message = status.message();
  // docs/API.md gives each status one code (ErrorCodeName), which clients
  // branch on; the message says which conflict or refusal it was.
  e.code = std::string(ErrorCodeName(status.code()));
  switch (status.code()) {
    case StatusCode::kInvalidArgument:
      e.status = 400;
      break;
    case StatusCode::kNotFound:
      e.status = 404;
      break;
    case StatusCode::kAlreadyExists:
    case StatusCode::kFailedPrecondition:
    case StatusCode::kAborted:
      e.status = 409;
      break;
    case StatusCode::kPermissionDenied:
      e.status = 403;
      break;
    case StatusCode::kUnavailable:
    case StatusCode::kResourceExhausted:
    case StatusCode::kCancelled:
      e.status = 503;
      break;
    case StatusCode::kDataLoss:
    case StatusCode::kInternal:
    case StatusCode::kOk:
      e.status = 500;
      break;
  }
  return e;
}

namespace {
HttpError Make(int status, const char* code, std::string message) {
  return HttpError{status, code, std::move(message)};
}
}  // namespace

HttpError BadRequest(std::string m) {
  return Make(400, "invalid_argument", std::move(m));
}
HttpError BadPath(std::string m) { return Make(400, "bad_path", std::move(m)); }
HttpError Unauthenticated(std::string m) {
  return Make(401, "unauthenticated", std::move(m));
}
HttpError Forbidden(std::string m) {
  return Make(403, "forbidden", std::move(m));
}
HttpError NotFoundError(std::string m) {
  return Make(404, "not_found", std::move(m));
}
HttpError PayloadTooLarge(std::string m) {
  return Make(413, "payload_too_large", std::move(m));
}

std::string ErrorBody(const HttpError& error) {
  return nlohmann::json{{"error", error.message}, {"code", error.code}}.dump();
}

}  // namespace tidemark::server
