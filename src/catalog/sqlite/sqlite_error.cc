#include "catalog/sqlite/sqlite_error.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <string>

namespace tidemark {
namespace {

constexpr std::string_view kChooseAnother = "pass a different --db";

std::string Describe(int rc, sqlite3* db) {
  // sqlite3_errmsg is only about the last call on `db`; without a handle the
  // generic text for the code is all there is.
  std::string text = db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
  if (db != nullptr) {
    int sys = sqlite3_system_errno(db);
    if (sys != 0) {
      text += " (errno ";
      text += std::to_string(sys);
      text += ")";
    }
  }
  return text;
}

// True when the directory that would hold `path` exists but this process may
// not create files in it.
bool DirectoryUnwritable(std::string_view path) {
  std::string dir(path);
  const size_t slash = dir.rfind('/');
  dir = slash == std::string::npos ? "."
        : slash == 0               ? "/"
                                   : dir.substr(0, slash);
  struct stat st;
  if (stat(dir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) return false;
  return access(dir.c_str(), W_OK | X_OK) != 0;
}

}  // namespace

Status NotADatabaseStatus(std::string_view path, std::string_view why) {
  return Status::DataLoss(std::string(path) + " is not a tidemark catalog (" +
                          std::string(why) + "): move it aside or " +
                          std::string(kChooseAnother));
}

Status SqliteStatus(int rc, sqlite3* db, std::string_view path,
                    std::string_view doing) {
  const std::string p(path);
  const std::string d(doing);
  const std::string detail = Describe(rc, db);
  const int sys = db != nullptr ? sqlite3_system_errno(db) : 0;
  switch (rc & 0xff) {
    case SQLITE_OK:
    case SQLITE_ROW:
    case SQLITE_DONE:
      return Status::Internal(p + ": " + d +
                              ": SqliteStatus called on success");
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return Status::Unavailable(
          p + " is locked by another process or connection (" + d + ": " +
          detail +
          "): wait for it to finish, stop the other tidemark, or raise the "
          "busy timeout");
    case SQLITE_READONLY:
    case SQLITE_PERM:
    case SQLITE_AUTH:
      return Status::PermissionDenied(
          p + " cannot be written (" + d + ": " + detail +
          "): fix the permissions of the file and its directory, or " +
          std::string(kChooseAnother));
    case SQLITE_CANTOPEN:
      if (sys == ENOENT && DirectoryUnwritable(path)) {
        // SQLite retries read-only after EACCES and reports that retry's
        // ENOENT, hiding the real cause: the file could not be created.
        return Status::PermissionDenied(
            p + " cannot be created (" + d + ": " + detail +
            "): fix the permissions of its directory, or " +
            std::string(kChooseAnother));
      }
      if (sys == ENOENT || sys == ENOTDIR) {
        return Status::NotFound(p + " cannot be opened (" + d + ": " + detail +
                                "): create its directory or " +
                                std::string(kChooseAnother));
      }
      if (sys == EACCES || sys == EPERM || sys == EROFS) {
        return Status::PermissionDenied(
            p + " cannot be opened (" + d + ": " + detail +
            "): fix the permissions of the file and its directory, or " +
            std::string(kChooseAnother));
      }
      return Status::Unavailable(p + " cannot be opened (" + d + ": " + detail +
                                 ")");
    case SQLITE_NOTADB:
      return NotADatabaseStatus(path, "file is not a database");
    case SQLITE_CORRUPT:
      return Status::DataLoss(p + " is corrupt (" + d + ": " + detail +
                              "): restore it from a backup, or move it aside "
                              "and sync again to rebuild it");
    case SQLITE_CONSTRAINT:
      if (rc == SQLITE_CONSTRAINT_UNIQUE ||
          rc == SQLITE_CONSTRAINT_PRIMARYKEY) {
        return Status::AlreadyExists(d + ": " + detail);
      }
      if (rc == SQLITE_CONSTRAINT_FOREIGNKEY) {
        return Status::NotFound(d + ": no such repository (" + detail + ")");
      }
      if (rc == SQLITE_CONSTRAINT_TRIGGER) {
        // A trigger someone added to the catalog refused the write: not
        // the caller's input, a failure (as a raised PostgreSQL error is).
        return Status::FailedPrecondition(d +
                                          ": refused by a trigger on the "
                                          "catalog: " +
                                          detail);
      }
      return Status::InvalidArgument(d + ": " + detail);
    case SQLITE_FULL:
      return Status::ResourceExhausted(p + ": disk full (" + d + ": " + detail +
                                       "): free some space");
    case SQLITE_NOMEM:
      return Status::ResourceExhausted(p + ": out of memory (" + d + ")");
    case SQLITE_IOERR:
      if (rc == SQLITE_IOERR_NOMEM) {
        return Status::ResourceExhausted(p + ": out of memory (" + d + ")");
      }
      return Status::Unavailable(p + ": I/O error (" + d + ": " + detail + ")");
    case SQLITE_INTERRUPT:
      return Status::Cancelled(p + ": interrupted (" + d + ")");
    case SQLITE_TOOBIG:
      return Status::InvalidArgument(p + ": value too large (" + d + ": " +
                                     detail + ")");
    default:
      return Status::Internal(p + ": " + d + ": " + detail);
  }
}

}  // namespace tidemark
