// `tidemark worker [NAME...]`: a long-running process that shares the
// catalog with other workers. It takes the lease of every repository nobody
// holds, scans each one when it takes it and then every interval, and takes
// over a dead worker's repositories once their leases expire (sync/worker.h).
// SIGINT or SIGTERM stops it after the scan in progress and releases its
// leases; a second signal exits at once (the leases then expire).

#include <chrono>
#include <memory>

#include "app/durations.h"
#include "cli/commands.h"
#include "cli/scan_report.h"
#include "cli/stop_signals.h"
#include "common/human_format.h"
#include "common/logging.h"
#include "sync/worker.h"
#include "wire/catalog_json.h"

namespace tidemark::cli {
namespace {

struct WorkerFlags {
  std::vector<std::string> names;
  std::string interval;  // durations: "500ms", "30s", "5m", "1h" or ms
  std::string heartbeat;
  std::string lease_timeout;
  std::string poll;
  app::ScanSettings settings;
};

void LogAs(const std::string& worker_id, LogLevel level,
           const std::string& line) {
  Log(level, "worker " + worker_id + ": " + line);
}

// A scan's result as one log line; an error when it failed, for the
// Worker to log.
Status LogScan(const std::string& worker_id, const app::ScanResult& result) {
  const std::string& name = result.repository;
  if (result.status == app::ScanStatus::kSkipped) {
    LogAs(worker_id, LogLevel::kInfo,
          name + ": skipped: " + result.skip_reason);
    return Status::Ok();
  }
  if (!result.report.has_value()) return result.error;
  const SyncOperation& op = result.report->operation;
  if (op.status == OperationStatus::kFailed) {
    return Status::Internal(op.error_message +
                            (result.report->offline
                                 ? " (repository marked offline; no record "
                                   "was changed)"
                                 : ""));
  }
  const auto& c = op.counters;
  const bool completed = op.status == OperationStatus::kCompleted;
  LogAs(worker_id, completed ? LogLevel::kInfo : LogLevel::kWarning,
        name + ": " + std::string(OperationStatusName(op.status)) +
            ": scanned " + std::to_string(c.scanned) + ", +" +
            std::to_string(c.added) + " ~" + std::to_string(c.updated) + " >" +
            std::to_string(c.moved) + " -" + std::to_string(c.removed) + ", " +
            std::to_string(c.errors) + " errors in " +
            std::to_string(op.duration_ms) + " ms" +
            (op.error_message.empty() ? "" : " (" + op.error_message + ")"));
  return Status::Ok();
}

ExitCode RunWorker(CliContext& ctx, const WorkerFlags& flags) {
  int64_t interval = ctx.config().worker_interval_ms;
  int64_t heartbeat = ctx.config().lease_heartbeat_ms;
  int64_t timeout = ctx.config().lease_timeout_ms;
  int64_t poll = 5000;
  for (Status s :
       {app::ApplyDuration(flags.interval, "--interval", &interval),
        app::ApplyDuration(flags.heartbeat, "--heartbeat", &heartbeat),
        app::ApplyDuration(flags.lease_timeout, "--lease-timeout", &timeout),
        app::ApplyDuration(flags.poll, "--poll", &poll)}) {
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
  app::ScanSettings settings = flags.settings;
  settings.type = OperationType::kReconciliation;
  const app::Context& app = **ctx.App();
  Worker worker(
      **store, **gateway, options,
      [&](Repository& repo) -> Status {
        return LogScan(id, app::ScanRepository(app, repo, settings));
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
