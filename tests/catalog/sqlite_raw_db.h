// RawDb: a plain sqlite3 connection for poking at a catalog file behind the
// store's back (writing an old schema, breaking it on purpose). Test-only;
// not thread-safe.
#ifndef TIDEMARK_TESTS_CATALOG_SQLITE_RAW_DB_H_
#define TIDEMARK_TESTS_CATALOG_SQLITE_RAW_DB_H_

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <cstdint>
#include <string>

namespace tidemark {

class RawDb {
 public:
  explicit RawDb(const std::string& path) {
    EXPECT_EQ(sqlite3_open(path.c_str(), &db_), SQLITE_OK);
  }
  ~RawDb() { sqlite3_close(db_); }
  RawDb(const RawDb&) = delete;
  RawDb& operator=(const RawDb&) = delete;

  // The SQLite result code; Error() says why when it is not SQLITE_OK.
  int Exec(const std::string& sql) {
    return sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, nullptr);
  }
  std::string Error() const { return sqlite3_errmsg(db_); }
  int64_t QueryInt(const std::string& sql) {
    sqlite3_stmt* stmt = nullptr;
    EXPECT_EQ(sqlite3_prepare_v2(db_, sql.c_str(), -1, &stmt, nullptr),
              SQLITE_OK);
    EXPECT_EQ(sqlite3_step(stmt), SQLITE_ROW);
    int64_t v = sqlite3_column_int64(stmt, 0);
    sqlite3_finalize(stmt);
    return v;
  }
  sqlite3* db() const { return db_; }

 private:
  sqlite3* db_ = nullptr;
};

}  // namespace tidemark

#endif  // TIDEMARK_TESTS_CATALOG_SQLITE_RAW_DB_H_
