#include "testing/postgres_test_database.h"

#include <arpa/inet.h>
#include <libpq-fe.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <random>
#include <utility>

#include "fakes/catalog_store_wrapper.h"

namespace tidemark {
namespace {

// A CatalogStore that forwards to a PostgresCatalog and owns the schema it
// lives in: destroying it closes the store, then drops the schema.
class SchemaOwningStore final : public CatalogStoreWrapper {
 public:
  SchemaOwningStore(std::unique_ptr<PostgresTestSchema> schema,
                    std::unique_ptr<CatalogStore> store)
      : CatalogStoreWrapper(*store),
        schema_(std::move(schema)),
        store_(std::move(store)) {}

 private:
  // Declared first, destroyed last.
  std::unique_ptr<PostgresTestSchema> schema_;
  std::unique_ptr<CatalogStore> store_;
};

std::string RandomSchemaName() {
  std::random_device random;
  std::uniform_int_distribution<uint64_t> bits;
  char name[24];
  std::snprintf(name, sizeof(name), "t_%016llx",
                static_cast<unsigned long long>(bits(random)));
  return name;
}

}  // namespace

std::optional<std::string> PostgresTestUrl() {
  const char* url = std::getenv("TIDEMARK_TEST_PG_URL");
  if (url == nullptr || *url == '\0') return std::nullopt;
  return std::string(url);
}

std::string UrlWithSearchPath(const std::string& url,
                              const std::string& schema) {
  return url + (url.find('?') == std::string::npos ? "?" : "&") +
         "options=-csearch_path%3D" + schema;
}

Result<std::vector<std::vector<std::string>>> RunSql(const std::string& url,
                                                     const std::string& sql) {
  PGconn* conn = PQconnectdb(url.c_str());
  if (PQstatus(conn) != CONNECTION_OK) {
    Status status = Status::Unavailable(
        std::string("test SQL: cannot connect: ") + PQerrorMessage(conn));
    PQfinish(conn);
    return status;
  }
  PQsetNoticeProcessor(
      conn, [](void*, const char*) {}, nullptr);
  PGresult* result = PQexec(conn, sql.c_str());
  const ExecStatusType status = PQresultStatus(result);
  Result<std::vector<std::vector<std::string>>> out = Status::Internal(
      "test SQL '" + sql + "' failed: " + PQresultErrorMessage(result));
  if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK) {
    std::vector<std::vector<std::string>> rows(PQntuples(result));
    for (int r = 0; r < PQntuples(result); ++r) {
      for (int c = 0; c < PQnfields(result); ++c) {
        rows[r].emplace_back(PQgetvalue(result, r, c));
      }
    }
    out = std::move(rows);
  }
  PQclear(result);
  PQfinish(conn);
  return out;
}

PostgresTestSchema::PostgresTestSchema(std::string base_url, std::string name)
    : base_url_(std::move(base_url)),
      name_(std::move(name)),
      url_(UrlWithSearchPath(base_url_, name_)) {}

Result<std::unique_ptr<PostgresTestSchema>> PostgresTestSchema::Create() {
  const std::optional<std::string> base = PostgresTestUrl();
  if (!base) return Status::FailedPrecondition(kPostgresSkipReason);
  const std::string name = RandomSchemaName();
  ASSIGN_OR_RETURN(auto ignored, RunSql(*base, "CREATE SCHEMA " + name));
  (void)ignored;
  return std::unique_ptr<PostgresTestSchema>(
      new PostgresTestSchema(*base, name));
}

PostgresTestSchema::~PostgresTestSchema() {
  auto dropped =
      RunSql(base_url_, "DROP SCHEMA IF EXISTS " + name_ + " CASCADE");
  if (!dropped.ok()) {
    std::fprintf(stderr, "warning: could not drop test schema %s: %s\n",
                 name_.c_str(), dropped.status().ToString().c_str());
  }
}

Result<std::unique_ptr<CatalogStore>> OpenPostgresTestCatalog(
    const PostgresCatalogOptions& options) {
  ASSIGN_OR_RETURN(auto schema, PostgresTestSchema::Create());
  ASSIGN_OR_RETURN(auto store, OpenPostgresCatalog(schema->url(), options));
  return std::unique_ptr<CatalogStore>(
      new SchemaOwningStore(std::move(schema), std::move(store)));
}

int FreeLoopbackPort() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return 0;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  socklen_t len = sizeof(addr);
  if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0 ||
      getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    close(fd);
    return 0;
  }
  close(fd);
  return ntohs(addr.sin_port);
}

}  // namespace tidemark
