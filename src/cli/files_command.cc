// `tidemark files NAME [--prefix P]`: the catalog's records, in path order.
#include <iostream>
#include <memory>

#include "cli/command_options.h"
#include "cli/commands.h"
#include "common/human_format.h"
#include "common/paths.h"
#include "wire/catalog_json.h"

namespace tidemark::cli {
namespace {

// A listing streams page by page, so the limit only needs to be sane.
constexpr int64_t kMaxFilesLimit = 1'000'000'000;

struct FilesFlags {
  std::string name;
  std::string prefix;
  int64_t limit = 0;
  bool json = false;
};

ExitCode RunFiles(CliContext& ctx, const FilesFlags& flags) {
  auto repo = ctx.FindRepository(flags.name);
  if (!repo.ok()) return ctx.ReportError(repo.status(), flags.json);
  auto prefix = ParseDisplayPath(flags.prefix);
  if (!prefix.ok()) return ctx.ReportError(prefix.status(), flags.json);
  auto scope = NormalizeRelativePath(*prefix);
  if (!scope.ok()) return ctx.ReportError(scope.status(), flags.json);
  auto store = ctx.Store();

  RecordRange range;
  range.repository_id = repo->id;
  range.scope = *scope;
  constexpr size_t kPage = 4096;
  int64_t printed = 0;
  // Streams page by page, so a listing of millions never sits in memory.
  if (flags.json) std::cout << "[";
  for (;;) {
    size_t want = kPage;
    if (flags.limit > 0) {
      want =
          std::min<size_t>(kPage, static_cast<size_t>(flags.limit - printed));
    }
    if (want == 0) break;
    auto page = (*store)->ReadRecords(range, want);
    if (!page.ok()) {
      if (flags.json) std::cout << "]\n";
      return ctx.ReportError(page.status(), false);
    }
    for (const FileRecord& r : *page) {
      if (flags.json) {
        std::cout << (printed == 0 ? "" : ",") << "\n"
                  << wire::RecordJsonText(r);
      } else {
        std::cout << FormatBytes(r.size) << "\t" << FormatTime(r.mtime_ns)
                  << "\t"
                  << (r.content_hash.empty()
                          ? std::string("-")
                          : ToHex(r.content_hash).substr(0, 16))
                  << "\t" << DisplayPath(r.path)
                  << (r.kind == EntryKind::kSymlink ? " (symlink)" : "")
                  << "\n";
      }
      ++printed;
    }
    if (page->size() < want) break;
    range.after = page->back().path;
  }
  if (flags.json) std::cout << (printed == 0 ? "]" : "\n]") << "\n";
  return ExitCode::kOk;
}

}  // namespace

void RegisterFilesCommand(CLI::App& app, CliContext& ctx, Runners& runners) {
  auto flags = std::make_shared<FilesFlags>();
  CLI::App* files =
      app.add_subcommand("files", "List a repository's catalog records");
  files->add_option("name", flags->name, "Repository name")->required();
  files->add_option("--prefix", flags->prefix,
                    "Only this folder (relative to the root)");
  AddWholeNumberOption(files, "--limit", &flags->limit, 0, kMaxFilesLimit,
                       "At most N records (0 = all)");
  files->add_flag("--json", flags->json, "Print a JSON array");
  runners.emplace_back(files, [&ctx, flags] {
    ctx.OnlyReads();
    return RunFiles(ctx, *flags);
  });
}

}  // namespace tidemark::cli
