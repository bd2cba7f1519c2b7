// tidemark's entry point and the only place that names concrete backends:
// it wires the SQLite and PostgreSQL catalogs and the local-folder storage
// into the application (src/app) beneath the CLI and `serve`.
#include <unistd.h>

#include <climits>
#include <string>

#include "catalog/postgres/postgres_catalog.h"
#include "catalog/sqlite/sqlite_catalog.h"
#include "cli/app.h"
#include "storage/local/local_backend.h"
#include "storage/local/real_path.h"
#include "storage/storage_url.h"
#include "watch/inotify_change_source.h"

namespace {

std::string CurrentDirectory() {
  char buf[PATH_MAX];
  return getcwd(buf, sizeof(buf)) != nullptr ? std::string(buf) : "/";
}

tidemark::Result<tidemark::StorageUrl> Parse(const std::string& url) {
  return tidemark::ParseStorageUrl(url, CurrentDirectory());
}

}  // namespace

int main(int argc, char** argv) {
  tidemark::app::Wiring wiring;
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
  wiring.open_backend = [](const std::string& url)
      -> tidemark::Result<std::unique_ptr<tidemark::StorageBackend>> {
    ASSIGN_OR_RETURN(tidemark::StorageUrl parsed, Parse(url));
    if (parsed.scheme != "file") {
      return tidemark::Status::InvalidArgument(
          "storage scheme '" + parsed.scheme +
          "' is not supported by this build; use file:///absolute/path");
    }
    return tidemark::OpenLocalBackend(parsed.path);
  };
  wiring.open_change_source = [](const std::string& root) {
    return tidemark::OpenInotifyChangeSource(root);
  };
  return tidemark::cli::RunCli(argc, argv, wiring);
}
