// `tidemark put NAME PATH FILE`, `tidemark rm NAME PATH [-r]` and
// `tidemark mv NAME OLD NEW`: writes that keep storage and the catalog in
// step (writes/consistent_writer.h), each under the repository's lease.
// Inputs are checked before the lease is taken, so a typo fails fast.
#include <fcntl.h>
#include <poll.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <iostream>
#include <memory>
#include <optional>

#include "app/write_session.h"
#include "check/drift_format.h"
#include "cli/commands.h"
#include "cli/stop_signals.h"
#include "common/human_format.h"
#include "common/paths.h"
#include "wire/catalog_json.h"
#include "wire/drift_json.h"
#include "writes/consistent_writer.h"

namespace tidemark::cli {
namespace {

struct WriteFlags {
  std::string name;
  std::string path;    // put, rm: PATH; mv: OLD
  std::string target;  // mv: NEW
  std::string file;    // put: FILE
  bool recursive = false;
  bool dry_run = false;
  bool json = false;
};

// A repository path as the user gave it (display escapes allowed, as
// `files` prints them), checked as the path of one object.
Result<std::string> ParseObjectPath(const std::string& given,
                                    const std::string& what) {
  auto raw = ParseDisplayPath(given);
  if (!raw.ok()) return raw.status().WithContext(what);
  auto path = NormalizeObjectPath(*raw);
  if (!path.ok()) return path.status().WithContext(what);
  return path;
}

// The content of local file FILE, or of standard input for "-", read as
// it is uploaded. FILE must be a regular file, which must not change while
// it is read (a changed one fails the upload, nothing written); standard
// input is read to its end, whatever it is (a pipe, a file, a terminal).
class InputSource final : public ByteSource {
 public:
  // Standard input.
  InputSource() : fd_(STDIN_FILENO), name_("standard input") {}
  // A regular file, open as `fd` (owned), whose fstat at open is `opened`.
  InputSource(int fd, std::string name, const struct stat& opened)
      : fd_(fd), name_("FILE '" + name + "'"), opened_(opened) {}
  ~InputSource() override {
    if (opened_.has_value()) close(fd_);
  }
  InputSource(const InputSource&) = delete;
  InputSource& operator=(const InputSource&) = delete;

  // Set by the signal thread of `put` (StopSignals) on SIGINT or SIGTERM:
  // the next read fails Cancelled, and the write removes its temporary.
  void StopOn(const std::atomic<bool>* stop) { stop_ = stop; }

  Result<size_t> Read(char* buf, size_t n) override {
    RETURN_IF_ERROR(WaitForInput());
    ssize_t got;
    do {
      got = read(fd_, buf, n);
    } while (got < 0 && errno == EINTR);
    if (got < 0) {
      return Status::Unavailable("cannot read " + name_ + ": " +
                                 std::strerror(errno) +
                                 "; nothing was written");
    }
    total_ += got;
    if (got == 0 && opened_.has_value()) RETURN_IF_ERROR(CheckUnchanged());
    return static_cast<size_t>(got);
  }
  int64_t SizeHint() const override {
    return opened_.has_value() ? static_cast<int64_t>(opened_->st_size) : -1;
  }

 private:
  Status Stopped() const {
    return Status::Cancelled("put was stopped by a signal after " +
                             std::to_string(total_) + " bytes of " + name_ +
                             "; nothing was written");
  }

  // Waits until the input has bytes (or its end), looking at the stop
  // flag every 200 ms: a pipe with no writer yet must not keep Ctrl-C
  // from stopping put. A regular file never waits.
  Status WaitForInput() const {
    if (stop_ == nullptr) return Status::Ok();
    while (!stop_->load()) {
      if (opened_.has_value()) return Status::Ok();
      pollfd p{fd_, POLLIN, 0};
      const int ready = poll(&p, 1, 200);
      if (ready != 0 && !(ready < 0 && errno == EINTR)) return Status::Ok();
    }
    return Stopped();
  }

  // At the end of a regular file: it must be the file opened, whole.
  Status CheckUnchanged() const {
    struct stat now;
    if (fstat(fd_, &now) != 0 || now.st_size != opened_->st_size ||
        now.st_mtim.tv_sec != opened_->st_mtim.tv_sec ||
        now.st_mtim.tv_nsec != opened_->st_mtim.tv_nsec ||
        total_ != opened_->st_size) {
      return Status::Aborted(
          name_ + " gave " + std::to_string(total_) +
          " bytes where its size said " + std::to_string(opened_->st_size) +
          " (it changed while it was read, or its size is not its content); "
          "nothing was written: run put again, or send it through standard "
          "input ('-')");
    }
    return Status::Ok();
  }

  const int fd_;
  const std::string name_;
  const std::optional<struct stat> opened_;
  int64_t total_ = 0;
  const std::atomic<bool>* stop_ = nullptr;
};

// Opens the input of `put`: standard input for "-", else the regular file
// `file`. Opening a FIFO would wait for a writer, so the file is opened
// without waiting and anything but a regular file is refused.
Result<std::unique_ptr<InputSource>> OpenInput(const std::string& file) {
  if (file == "-") return std::make_unique<InputSource>();
  const std::string fix =
      "; give a readable local file to upload, or '-' for standard input";
  const int fd = open(file.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0) {
    const int err = errno;
    const std::string what =
        "cannot read FILE '" + file + "': " + std::strerror(err) + fix;
    if (err == ENOENT || err == ENOTDIR) return Status::NotFound(what);
    if (err == EACCES || err == EPERM) return Status::PermissionDenied(what);
    return Status::InvalidArgument(what);
  }
  struct stat st;
  if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    close(fd);
    return Status::InvalidArgument(
        "FILE '" + file +
        "' is not a regular file (a folder, a FIFO or a device); give a "
        "regular file, or send a stream through standard input: "
        "'... | tidemark put NAME PATH -'");
  }
  // Regular files ignore O_NONBLOCK; cleared all the same.
  fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
  return std::make_unique<InputSource>(fd, file, st);
}

// "1 file", "2 files".
std::string Files(int64_t n) {
  return FormatCount(n) + (n == 1 ? " file" : " files");
}

nlohmann::json PathList(const std::vector<std::string>& paths) {
  nlohmann::json out = nlohmann::json::array();
  for (const std::string& p : paths) out.push_back(DisplayPath(p));
  return out;
}

void PrintWarnings(const std::vector<std::string>& warnings) {
  for (const std::string& w : warnings) {
    std::cerr << "tidemark: warning: " << w << "\n";
  }
}

// What a write did with the leftovers of interrupted writes where it wrote
// (those it kept are among its warnings).
std::string LeftoverLines(const LeftoverOutcome& leftovers, bool dry_run) {
  std::string out;
  for (const std::string& p : leftovers.removed) {
    out += std::string(dry_run ? "\n  would remove" : "\n  removed") +
           " a leftover of an interrupted write: " + DisplayPath(p);
  }
  for (const Leftover& l : leftovers.restored) {
    out += std::string(dry_run ? "\n  would put" : "\n  put") +
           " the old copy " + DisplayPath(l.path) + " back at " +
           DisplayPath(l.original);
  }
  return out;
}

ExitCode Finish(CliContext& ctx, const SyncOperation& op, nlohmann::json out,
                const std::string& line, const LeftoverOutcome& leftovers,
                const std::vector<std::string>& warnings,
                const WriteFlags& flags) {
  if (flags.json) {
    out["status"] = std::string(OperationStatusName(op.status));
    out["dry_run"] = flags.dry_run;
    if (!flags.dry_run) out["operation"] = wire::OperationJson(op);
    out["leftovers"] = wire::LeftoverOutcomeJson(leftovers);
    out["warnings"] = warnings;
    std::cout << wire::DumpJson(out) << "\n";
  } else {
    if (!ctx.options().quiet) {
      std::cout << line << LeftoverLines(leftovers, flags.dry_run) << "\n";
    }
    PrintWarnings(warnings);
  }
  return ExitCodeFor(op.status);
}

ExitCode RunPut(CliContext& ctx, const WriteFlags& flags) {
  auto repo = ctx.FindRepository(flags.name);
  if (!repo.ok()) return ctx.ReportError(repo.status(), flags.json);
  auto path = ParseObjectPath(flags.path, "put " + flags.name);
  if (!path.ok()) return ctx.ReportError(path.status(), flags.json);
  auto input = OpenInput(flags.file);
  if (!input.ok()) return ctx.ReportError(input.status(), flags.json);
  // Ctrl-C or SIGTERM ends the upload cleanly: the temporary is removed,
  // the operation ends failed and the lease is let go (a second signal
  // exits at once). Taken before the lease's heartbeat thread starts.
  std::atomic<bool> stop{false};
  StopSignals signals([&stop] { stop = true; });
  (*input)->StopOn(&stop);
  auto opened = ctx.App();
  if (!opened.ok()) return ctx.ReportError(opened.status(), flags.json);
  auto session = app::OpenWriteSession(**opened, *repo, flags.dry_run);
  if (!session.ok()) return ctx.ReportError(session.status(), flags.json);
  auto result = (*session)->writer->Upload(*path, **input);
  if (!result.ok()) return ctx.ReportError(result.status(), flags.json);
  const FileRecord& r = result->record;
  const char* verb =
      flags.dry_run ? (result->replaced ? "would replace '" : "would upload '")
                    : (result->replaced ? "replaced '" : "uploaded '");
  std::string line = flags.name + ": " + verb + DisplayPath(r.path) + "' (" +
                     FormatBytes(r.size);
  if (!r.content_hash.empty()) {
    line += ", " + std::string(HashAlgorithmName(r.hash_algorithm)) + " " +
            ToHex(r.content_hash).substr(0, 16);
  }
  if (flags.dry_run) {
    line += ")";
  } else {
    line += result->replaced ? "), record " + std::to_string(r.id) + " kept"
                             : ") as record " + std::to_string(r.id);
  }
  nlohmann::json out = {{"repository", flags.name},
                        {"command", "put"},
                        {"replaced", result->replaced},
                        {"record", wire::RecordJson(r)}};
  return Finish(ctx, result->operation, std::move(out), line, result->leftovers,
                result->warnings, flags);
}

ExitCode RunRm(CliContext& ctx, const WriteFlags& flags) {
  auto repo = ctx.FindRepository(flags.name);
  if (!repo.ok()) return ctx.ReportError(repo.status(), flags.json);
  auto path = ParseObjectPath(flags.path, "rm " + flags.name);
  if (!path.ok()) return ctx.ReportError(path.status(), flags.json);
  auto store = ctx.Store();
  if (!store.ok()) return ctx.ReportError(store.status(), flags.json);
  auto record = (*store)->FindRecord(repo->id, *path);
  if (!record.ok()) return ctx.ReportError(record.status(), flags.json);
  const std::string shown = "'" + DisplayPath(*path) + "'";
  bool prefix = false;
  if (!record->has_value()) {
    RecordRange range;
    range.repository_id = repo->id;
    range.scope = *path;
    auto below = (*store)->ReadRecords(range, 1);
    if (!below.ok()) return ctx.ReportError(below.status(), flags.json);
    if (below->empty()) {
      return ctx.ReportError(
          Status::NotFound(
              "no record at or below " + shown + " in repository '" +
              flags.name + "'; 'tidemark files " + flags.name +
              "' lists them (an object without a record is left alone: "
              "'tidemark scan " +
              flags.name + "' catalogs it first)"),
          flags.json);
    }
    if (!flags.recursive) {
      return ctx.ReportError(
          Status::InvalidArgument(shown + " in repository '" + flags.name +
                                  "' is a folder; add -r to remove it with "
                                  "every file below it"),
          flags.json);
    }
    prefix = true;
  }
  auto opened = ctx.App();
  if (!opened.ok()) return ctx.ReportError(opened.status(), flags.json);
  auto session = app::OpenWriteSession(**opened, *repo, flags.dry_run);
  if (!session.ok()) return ctx.ReportError(session.status(), flags.json);
  ConsistentWriter& writer = *(*session)->writer;
  auto result = prefix ? writer.DeletePrefix(*path) : writer.Delete(*path);
  if (!result.ok()) return ctx.ReportError(result.status(), flags.json);
  std::string line =
      flags.name + (flags.dry_run ? ": would remove " : ": removed ") +
      (prefix ? Files(result->records_removed) + " under " + shown : shown);
  if (!result->kept.empty()) {
    line += "; " + FormatCount(static_cast<int64_t>(result->kept.size())) +
            " could not be removed and were kept";
  }
  for (const std::string& p : result->left_alone) {
    line += "\n  left alone (no record): " + DisplayPath(p);
  }
  nlohmann::json out = {{"repository", flags.name},
                        {"command", "rm"},
                        {"path", DisplayPath(*path)},
                        {"recursive", prefix},
                        {"records_removed", result->records_removed},
                        {"objects_removed", result->objects_removed},
                        {"kept", PathList(result->kept)},
                        {"left_alone", PathList(result->left_alone)}};
  return Finish(ctx, result->operation, std::move(out), line, result->leftovers,
                result->warnings, flags);
}

ExitCode RunMv(CliContext& ctx, const WriteFlags& flags) {
  auto repo = ctx.FindRepository(flags.name);
  if (!repo.ok()) return ctx.ReportError(repo.status(), flags.json);
  auto from = ParseObjectPath(flags.path, "mv " + flags.name + " OLD");
  if (!from.ok()) return ctx.ReportError(from.status(), flags.json);
  auto to = ParseObjectPath(flags.target, "mv " + flags.name + " NEW");
  if (!to.ok()) return ctx.ReportError(to.status(), flags.json);
  if (auto checked = ConsistentWriter::CheckMovePaths(*from, *to);
      !checked.ok()) {
    return ctx.ReportError(checked.status(), flags.json);
  }
  auto opened = ctx.App();
  if (!opened.ok()) return ctx.ReportError(opened.status(), flags.json);
  auto session = app::OpenWriteSession(**opened, *repo, flags.dry_run);
  if (!session.ok()) return ctx.ReportError(session.status(), flags.json);
  auto result = (*session)->writer->MovePrefix(*from, *to);
  if (!result.ok()) {
    Status s = result.status();
    if (s.IsNotFound()) {
      s = Status::NotFound(s.message() + "; 'tidemark files " + flags.name +
                           "' lists them");
    }
    return ctx.ReportError(s, flags.json);
  }
  std::string line = flags.name +
                     (flags.dry_run ? ": would move " : ": moved ") +
                     Files(result->moved) + " from '" + DisplayPath(*from) +
                     "' to '" + DisplayPath(*to) + "'";
  if (result->directory_move) line += " (one folder move)";
  if (result->resumed > 0) {
    line += "; " + FormatCount(result->resumed) +
            " were already moved by an earlier run";
  }
  if (result->duplicates_dropped > 0) {
    line += "; " + FormatCount(result->duplicates_dropped) +
            " records already at the new path kept";
  }
  for (const std::string& p : result->left_alone) {
    line += "\n  left alone (no record): " + DisplayPath(p);
  }
  nlohmann::json out = {{"repository", flags.name},
                        {"command", "mv"},
                        {"from", DisplayPath(*from)},
                        {"to", DisplayPath(*to)},
                        {"moved", result->moved},
                        {"resumed", result->resumed},
                        {"duplicates_dropped", result->duplicates_dropped},
                        {"directory_move", result->directory_move},
                        {"missing", PathList(result->missing)},
                        {"left_alone", PathList(result->left_alone)}};
  return Finish(ctx, result->operation, std::move(out), line, result->leftovers,
                result->warnings, flags);
}

}  // namespace

void RegisterWriteCommands(CLI::App& app, CliContext& ctx, Runners& runners) {
  auto put_flags = std::make_shared<WriteFlags>();
  CLI::App* put = app.add_subcommand(
      "put",
      "Upload a local file to PATH: storage first, then its record (undone "
      "if the catalog fails); an existing file is replaced, record kept");
  put->add_option("name", put_flags->name, "Repository name")->required();
  put->add_option("path", put_flags->path, "Path in the repository")
      ->required();
  put->add_option("file", put_flags->file, "Local file, or - for stdin")
      ->required();
  put->add_flag("--dry-run", put_flags->dry_run,
                "Show what would happen; change nothing");
  put->add_flag("--json", put_flags->json, "Print the result as JSON");
  runners.emplace_back(put,
                       [&ctx, put_flags] { return RunPut(ctx, *put_flags); });

  auto rm_flags = std::make_shared<WriteFlags>();
  CLI::App* rm = app.add_subcommand(
      "rm", "Delete a file (or with -r a folder) from storage and the catalog");
  rm->add_option("name", rm_flags->name, "Repository name")->required();
  rm->add_option("path", rm_flags->path, "Path in the repository")->required();
  rm->add_flag("-r,--recursive", rm_flags->recursive,
               "Remove a folder with every file below it");
  rm->add_flag("--dry-run", rm_flags->dry_run,
               "Show what would happen; change nothing");
  rm->add_flag("--json", rm_flags->json, "Print the result as JSON");
  runners.emplace_back(rm, [&ctx, rm_flags] { return RunRm(ctx, *rm_flags); });

  auto mv_flags = std::make_shared<WriteFlags>();
  CLI::App* mv = app.add_subcommand(
      "mv",
      "Move a file or folder on storage and its records (ids and hashes "
      "kept); run it again to finish an interrupted move");
  mv->add_option("name", mv_flags->name, "Repository name")->required();
  mv->add_option("old", mv_flags->path, "Current path")->required();
  mv->add_option("new", mv_flags->target, "New path")->required();
  mv->add_flag("--dry-run", mv_flags->dry_run,
               "Show what would happen; change nothing");
  mv->add_flag("--json", mv_flags->json, "Print the result as JSON");
  runners.emplace_back(mv, [&ctx, mv_flags] { return RunMv(ctx, *mv_flags); });
}

}  // namespace tidemark::cli
