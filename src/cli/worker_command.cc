// `tidemark worker [NAME...]`: a long-running process that shares the
// catalog with other workers. It takes the lease of every repository nobody
// holds, scans each one when it takes it and then every interval, and takes
// over a dead worker's repositories once their leases expire (sync/worker.h).
// SIGINT or SIGTERM stops it after the scan in progress and releases its
// leases; a second signal exits at once (the leases then expire).

#include <chrono>
#include <memory>

#include "cli/commands.h"
#include "cli/durations.h"
#include "cli/output.h"
#include "cli/scan_runner.h"
#include "cli/stop_signals.h"
#include "common/logging.h"
#include "sync/worker.h"

namespace tidemark::cli {
namespace {

struct WorkerFlags {
  std::vector<std::string> names;
  std::string interval;  // durations: "500ms", "30s", "5m", "1h" or ms
  std::string heartbeat;
  std::string lease_timeout;
  std::string poll;
  ScanSettings settings;
};

void LogAs(const std::string& worker_id, LogLevel level,
           const std::string& line) {
  Log(level, "worker " + worker_id + ": " + line);
}

// A scan's result (ScanRepository's JSON) as one log line; an error when it
// failed, for the Worker to log.
Status LogScan(const std::string& worker_id, const nlohmann::json& result) {
  const std::string name = result.value("repository", "");
  const std::string status = result.value("status", "");
  if (result.contains("error")) {
    return Status::Internal("the scan failed: " +
                            result["error"].get<std::string>());
  }
  if (status == "skipped") {
    LogAs(worker_id, LogLevel::kInfo,
          name + ": skipped: " + result.value("reason", ""));
    return Status::Ok();
  }
  const std::string note = result.value("error_message", "");
  if (status == "failed") return Status::Internal("the scan failed: " + note);
  const nlohmann::json& c = result["counters"];
  LogAs(worker_id, status == "completed" ? LogLevel::kInfo : LogLevel::kWarning,
        name + ": " + status + ": scanned " +
            std::to_string(c.value("scanned", int64_t{0})) + ", +" +
            std::to_string(c.value("added", int64_t{0})) + " ~" +
            std::to_string(c.value("updated", int64_t{0})) + " >" +
            std::to_string(c.value("moved", int64_t{0})) + " -" +
            std::to_string(c.value("removed", int64_t{0})) + ", " +
            std::to_string(c.value("errors", int64_t{0})) + " errors in " +
            std::to_string(result.value("duration_ms", int64_t{0})) + " ms" +
            (note.empty() ? "" : " (" + note + ")"));
  return Status::Ok();
}

ExitCode RunWorker(CliContext& ctx, const WorkerFlags& flags) {
  int64_t interval = ctx.config().worker_interval_ms;
  int64_t heartbeat = ctx.config().lease_heartbeat_ms;
  int64_t timeout = ctx.config().lease_timeout_ms;
  int64_t poll = 5000;
  for (Status s :
       {ApplyDuration(flags.interval, "--interval", &interval),
        ApplyDuration(flags.heartbeat, "--heartbeat", &heartbeat),
        ApplyDuration(flags.lease_timeout, "--lease-timeout", &timeout),
        ApplyDuration(flags.poll, "--poll", &poll)}) {
    if (!s.ok()) return ctx.ReportError(s, false);
  }
  WorkerOptions options;
  options.lease = {std::chrono::milliseconds(heartbeat),
                   std::chrono::milliseconds(timeout)};
  options.interval = std::chrono::milliseconds(interval);
  options.poll = std::chrono::milliseconds(std::min(poll, heartbeat));
  options.names = flags.names;
  if (Status s = ValidateLeaseTiming(options.lease); !s.ok()) {
    return ctx.ReportError(s, false);
  }
  auto store = ctx.Store();
  if (!store.ok()) return ctx.ReportError(store.status(), false);
  auto gateway = ctx.GetGateway();
  if (!gateway.ok()) return ctx.ReportError(gateway.status(), false);
  for (const std::string& name : flags.names) {
    if (auto repo = ctx.FindRepository(name); !repo.ok()) {
      return ctx.ReportError(repo.status(), false);
    }
  }

  const std::string id = ctx.worker_id();
  ScanSettings settings = flags.settings;
  settings.progress = false;
  // Each scan's result is logged (LogScan), never printed beside the log.
  settings.json = true;
  settings.report_errors = false;
  settings.type = OperationType::kReconciliation;
  Worker worker(
      **store, **gateway, options,
      [&](Repository& repo) -> Status {
        nlohmann::json result;
        ScanRepository(ctx, repo, settings, result);
        return LogScan(id, result);
      },
      [&id](LogLevel level, const std::string& line) {
        LogAs(id, level, line);
      });

  StopSignals signals([&] {
    LogAs(id, LogLevel::kInfo,
          "stopping after the scan in progress (signal again to exit at "
          "once)");
    worker.Stop();
  });
  LogAs(id, LogLevel::kInfo,
        "serving " +
            (flags.names.empty()
                 ? std::string("every repository")
                 : std::to_string(flags.names.size()) + " repositories") +
            " in " + ctx.db_display() + "; heartbeat " +
            FormatDuration(heartbeat) + ", lease timeout " +
            FormatDuration(timeout) + ", scan interval " +
            FormatDuration(interval));
  Status ran = worker.Run();
  if (!ran.ok()) return ctx.ReportError(ran, false);
  LogAs(id, LogLevel::kInfo, "stopped");
  return ExitCode::kOk;
}

}  // namespace

void RegisterWorkerCommand(CLI::App& app, CliContext& ctx, Runners& runners) {
  auto flags = std::make_shared<WorkerFlags>();
  CLI::App* worker = app.add_subcommand(
      "worker",
      "Run until stopped: sync the repositories this process holds the lease "
      "of, and take over those of dead workers");
  worker->add_option("names", flags->names,
                     "Repositories to serve (default: all)");
  worker->add_option("--interval", flags->interval,
                     "Time between scans of a repository (default 1h, or "
                     "[worker] interval_ms)");
  worker->add_option("--heartbeat", flags->heartbeat,
                     "Lease renewal period (default 30s, or [lease] "
                     "heartbeat_ms)");
  worker->add_option("--lease-timeout", flags->lease_timeout,
                     "Lease lifetime without renewal: how long a dead "
                     "worker's repositories wait (default 60s)");
  worker->add_option("--poll", flags->poll,
                     "Longest wait between looks for free repositories "
                     "(default 5s)");
  worker->add_option("--hash", flags->settings.hash,
                     "Hash new and changed files with sha256, xxh3 or none");
  worker->add_flag("--allow-mass-removal", flags->settings.allow_mass_removal,
                   "Confirm removing more than the mass-removal threshold");
  runners.emplace_back(worker,
                       [&ctx, flags] { return RunWorker(ctx, *flags); });
}

}  // namespace tidemark::cli
