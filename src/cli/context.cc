#include "cli/context.h"

#include <iostream>

#include "wire/error_json.h"

namespace tidemark::cli {

Status CliContext::Prepare() {
  ASSIGN_OR_RETURN(settings_, app::LoadContextSettings(app::ContextFlags{
                                  .db = options_.db,
                                  .config_path = options_.config_path,
                                  .worker_id = options_.worker_id}));
  return Status::Ok();
}

Result<app::Context*> CliContext::App() {
  if (app_ == nullptr) {
    ASSIGN_OR_RETURN(app_,
                     app::Context::Open(wiring_, clock_, settings_, access_));
  }
  return app_.get();
}

Result<CatalogStore*> CliContext::Store() {
  ASSIGN_OR_RETURN(app::Context * app, App());
  return &app->store();
}

Result<Gateway*> CliContext::GetGateway() {
  ASSIGN_OR_RETURN(app::Context * app, App());
  return &app->gateway();
}

Result<Repository> CliContext::FindRepository(const std::string& name) {
  ASSIGN_OR_RETURN(app::Context * app, App());
  return app->FindRepository(name);
}

ExitCode CliContext::ReportError(const Status& status, bool json) {
  std::cerr << "tidemark: error: " << status.message() << "\n";
  if (json) std::cout << wire::ErrorJson(status).dump() << "\n";
  return ExitCodeFor(status);
}

}  // namespace tidemark::cli
