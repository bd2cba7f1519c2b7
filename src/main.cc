// tidemark's entry point and the only place that names concrete backends:
// it wires the SQLite and PostgreSQL catalogs into the application (src/app)
// beneath the CLI and `serve`, and registers the storage schemes (file: the
// local folder, watched by inotify) in the BackendRegistry that everything
// else opens storage through.
#include <unistd.h>

#include <climits>
#include <cstdio>
#include <string>

#include "catalog/postgres/postgres_catalog.h"
#include "catalog/sqlite/sqlite_catalog.h"
#include "cli/app.h"
#include "cli/exit_codes.h"
#include "storage/backend_registry.h"
#include "storage/local/local_backend.h"
#include "storage/local/real_path.h"
#include "storage/storage_url.h"
#include "watch/inotify_change_source.h"

namespace {

std::string CurrentDirectory() {
  char buf[PATH_MAX];
  return getcwd(buf, sizeof(buf)) != nullptr ? std::string(buf) : "/";
}

tidemark::Result<tidemark::StorageUrl> Parse(std::string_view url) {
  return tidemark::ParseStorageUrl(url, CurrentDirectory());
}

// file:///path: a local folder, with inotify for its changes. It takes no
// options.
tidemark::StorageScheme FileScheme() {
  tidemark::StorageScheme file;
  file.name = "file";
  file.open_backend = [](std::string_view url, const tidemark::BackendOptions&)
      -> tidemark::Result<std::unique_ptr<tidemark::StorageBackend>> {
    ASSIGN_OR_RETURN(tidemark::StorageUrl parsed, Parse(url));
    return tidemark::OpenLocalBackend(parsed.path);
  };
  file.open_change_source = [](std::string_view url,
                               const tidemark::BackendOptions&)
      -> tidemark::Result<std::unique_ptr<tidemark::ChangeSource>> {
    ASSIGN_OR_RETURN(tidemark::StorageUrl parsed, Parse(url));
    return tidemark::OpenInotifyChangeSource(parsed.path);
  };
  return file;
}

}  // namespace

int main(int argc, char** argv) {
  tidemark::BackendRegistry backends;
  if (tidemark::Status s = backends.Register(FileScheme()); !s.ok()) {
    std::fprintf(stderr, "tidemark: %s\n", s.ToString().c_str());
    return static_cast<int>(tidemark::cli::ExitCode::kFailed);
  }
  tidemark::app::Wiring wiring;
  wiring.backends = &backends;
  wiring.open_catalog = [](const std::string& db, int busy_timeout_ms,
                           tidemark::app::CatalogAccess access)
      -> tidemark::Result<std::unique_ptr<tidemark::CatalogStore>> {
    if (tidemark::IsPostgresUrl(db)) {
      tidemark::PostgresCatalogOptions options;
      options.lock_timeout_ms = busy_timeout_ms;
      return tidemark::OpenPostgresCatalog(db, options);
    }
    tidemark::SqliteCatalogOptions options;
    options.busy_timeout_ms = busy_timeout_ms;
    options.read_only = access == tidemark::app::CatalogAccess::kRead;
    return tidemark::OpenSqliteCatalog(db, options);
  };
  wiring.describe_db = [](const std::string& db) {
    return tidemark::IsPostgresUrl(db) ? tidemark::RedactPostgresUrl(db) : db;
  };
  wiring.canonical_url =
      [](const std::string& url) -> tidemark::Result<std::string> {
    ASSIGN_OR_RETURN(tidemark::StorageUrl parsed, Parse(url));
    return parsed.canonical;
  };
  wiring.resolve_url =
      [](const std::string& url) -> tidemark::Result<std::string> {
    ASSIGN_OR_RETURN(tidemark::StorageUrl parsed, Parse(url));
    if (parsed.scheme != "file") return parsed.canonical;
    ASSIGN_OR_RETURN(std::string real, tidemark::RealPath(parsed.path));
    return tidemark::FileUrlFromPath(real);
  };
  // Per-repository options (credentials, endpoints) come from the config
  // once a scheme takes any; the local folder takes none.
  wiring.open_backend = [&backends](const std::string& url) {
    return backends.OpenBackend(url);
  };
  return tidemark::cli::RunCli(argc, argv, wiring);
}
