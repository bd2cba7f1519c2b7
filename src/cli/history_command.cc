// `tidemark history NAME [--limit N]`: the sync operations, newest first.
#include <iostream>
#include <memory>

#include "cli/command_options.h"
#include "cli/commands.h"
#include "common/human_format.h"
#include "wire/catalog_json.h"

namespace tidemark::cli {
namespace {

// The operations are read into memory before they are printed.
constexpr int64_t kMaxHistoryLimit = 100'000;

ExitCode RunHistory(CliContext& ctx, const std::string& name, int64_t limit,
                    bool json) {
  auto repo = ctx.FindRepository(name);
  if (!repo.ok()) return ctx.ReportError(repo.status(), json);
  auto store = ctx.Store();
  auto ops = (*store)->ListOperations(repo->id, static_cast<size_t>(limit));
  if (!ops.ok()) return ctx.ReportError(ops.status(), json);
  if (json) {
    nlohmann::json out = nlohmann::json::array();
    for (const SyncOperation& op : *ops) out.push_back(wire::OperationJson(op));
    std::cout << wire::DumpJson(out) << "\n";
    return ExitCode::kOk;
  }
  for (const SyncOperation& op : *ops) {
    const auto& c = op.counters;
    std::cout << FormatTime(op.start_ns) << "  " << OperationTypeName(op.type)
              << "  " << OperationStatusName(op.status) << "  scanned "
              << FormatCount(c.scanned) << " +" << FormatCount(c.added) << " ~"
              << FormatCount(c.updated) << " >" << FormatCount(c.moved) << " -"
              << FormatCount(c.removed) << " errors " << FormatCount(c.errors)
              << "  " << FormatDuration(op.duration_ms)
              << (op.worker.empty() ? "" : "  by " + op.worker) << "\n";
    if (!op.error_message.empty()) {
      std::cout << "    " << op.error_message << "\n";
    }
  }
  if (ops->empty() && !ctx.options().quiet) {
    std::cout << "no operations yet; run 'tidemark scan " << name << "'\n";
  }
  return ExitCode::kOk;
}

}  // namespace

void RegisterHistoryCommand(CLI::App& app, CliContext& ctx, Runners& runners) {
  auto name = std::make_shared<std::string>();
  auto limit = std::make_shared<int64_t>(20);
  auto json = std::make_shared<bool>(false);
  CLI::App* history =
      app.add_subcommand("history", "Show the sync operations, newest first");
  history->add_option("name", *name, "Repository name")->required();
  AddWholeNumberOption(history, "--limit", limit.get(), 1, kMaxHistoryLimit,
                       "At most N operations (default 20)");
  history->add_flag("--json", *json, "Print JSON");
  runners.emplace_back(history, [&ctx, name, limit, json] {
    ctx.OnlyReads();
    return RunHistory(ctx, *name, *limit, *json);
  });
}

}  // namespace tidemark::cli
