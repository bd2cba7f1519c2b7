#include "wire/drift_json.h"

#include <utility>
#include <vector>

#include "common/paths.h"

namespace tidemark::wire {
namespace {

nlohmann::json PathList(const std::vector<std::string>& paths) {
  nlohmann::json out = nlohmann::json::array();
  for (const std::string& p : paths) out.push_back(JsonPath(p));
  return out;
}

nlohmann::json ErrorList(const std::vector<DriftError>& errors) {
  nlohmann::json out = nlohmann::json::array();
  for (const DriftError& e : errors) {
    out.push_back({{"path", JsonPath(e.path)}, {"error", e.message}});
  }
  return out;
}

nlohmann::json LeftoverList(const std::vector<Leftover>& leftovers) {
  nlohmann::json out = nlohmann::json::array();
  for (const Leftover& l : leftovers) out.push_back(LeftoverJson(l));
  return out;
}

nlohmann::json ItemPaths(const std::vector<DriftItem>& items) {
  nlohmann::json out = nlohmann::json::array();
  for (const DriftItem& item : items) out.push_back(JsonPath(item.path));
  return out;
}

}  // namespace

std::string JsonPath(std::string_view raw) {
  return IsValidUtf8(raw) ? std::string(raw) : DisplayPath(raw);
}

nlohmann::json LeftoverJson(const Leftover& l) {
  nlohmann::json out = {{"path", JsonPath(l.path)},
                        {"kind", std::string(WriterFileKindName(l.kind))},
                        {"writer_gone", l.writer_gone},
                        {"writer", l.writer},
                        {"size", l.size},
                        {"action", std::string(LeftoverActionName(l.action))},
                        {"reason", l.reason}};
  if (l.kind == WriterFileKind::kOldCopy) {
    out["original"] = JsonPath(l.original);
  }
  return out;
}

nlohmann::json LeftoverOutcomeJson(const LeftoverOutcome& outcome) {
  nlohmann::json restored = nlohmann::json::array();
  for (const Leftover& l : outcome.restored) {
    restored.push_back(
        {{"path", JsonPath(l.path)}, {"original", JsonPath(l.original)}});
  }
  nlohmann::json kept = nlohmann::json::array();
  for (const Leftover& l : outcome.kept) kept.push_back(LeftoverJson(l));
  return {{"removed", PathList(outcome.removed)},
          {"restored", std::move(restored)},
          {"kept", std::move(kept)}};
}

nlohmann::json DriftTotalsJson(const DriftTotals& t) {
  return {{"entities", t.entities},  {"files", t.files},
          {"synced", t.synced},      {"orphaned", t.orphaned},
          {"missing", t.missing},    {"modified", t.modified},
          {"errors", t.errors},      {"unparsed", t.unparsed},
          {"leftovers", t.leftovers}};
}

nlohmann::json DriftReportJson(const DriftReport& report, bool list_synced) {
  nlohmann::json orphaned = nlohmann::json::array();
  nlohmann::json missing = nlohmann::json::array();
  nlohmann::json modified = nlohmann::json::array();
  nlohmann::json differences = nlohmann::json::array();
  nlohmann::json errors = nlohmann::json::array();
  nlohmann::json synced = nlohmann::json::array();
  for (const DriftItem& item : report.items) {
    switch (item.kind) {
      case DriftKind::kOrphaned:
        orphaned.push_back(JsonPath(item.path));
        break;
      case DriftKind::kMissing:
        missing.push_back(JsonPath(item.path));
        break;
      case DriftKind::kModified:
        modified.push_back(JsonPath(item.path));
        differences.push_back(
            {{"path", JsonPath(item.path)}, {"detail", item.detail}});
        break;
      case DriftKind::kSynced:
        synced.push_back(JsonPath(item.path));
        break;
      case DriftKind::kError:
        errors.push_back(
            {{"path", JsonPath(item.path)}, {"error", item.detail}});
        break;
    }
  }
  nlohmann::json results = nlohmann::json::array();
  for (const EntityDrift& e : report.entities) {
    nlohmann::json r = {{"kind", e.kind},
                        {"key", e.key},
                        {"path", JsonPath(e.path)},
                        {"orphaned", PathList(e.orphaned)},
                        {"missing", PathList(e.missing)},
                        {"modified", PathList(e.modified)},
                        {"synced", e.synced},
                        {"errors", ErrorList(e.errors)}};
    if (list_synced) r["synced_files"] = PathList(e.synced_paths);
    results.push_back(std::move(r));
  }
  nlohmann::json out = {{"clean", report.clean()},
                        {"totals", DriftTotalsJson(report.totals)},
                        {"orphaned", std::move(orphaned)},
                        {"missing", std::move(missing)},
                        {"modified", std::move(modified)},
                        {"differences", std::move(differences)},
                        {"errors", std::move(errors)},
                        {"unparsed", ErrorList(report.unparsed)},
                        {"leftovers", LeftoverList(report.leftovers)},
                        {"results", std::move(results)}};
  if (list_synced) out["synced"] = std::move(synced);
  return out;
}

nlohmann::json RepairPlanJson(const RepairPlan& plan) {
  return {{"adopt", ItemPaths(plan.adopt)},
          {"remove_objects", ItemPaths(plan.remove_objects)},
          {"drop_records", ItemPaths(plan.drop_records)},
          {"refresh", ItemPaths(plan.refresh)},
          {"leftovers", LeftoverList(plan.leftovers)},
          {"deferred", ItemPaths(plan.deferred)},
          {"deferred_reason", plan.deferred_reason}};
}

nlohmann::json RepairOutcomeJson(const RepairOutcome& outcome) {
  nlohmann::json skipped = nlohmann::json::array();
  for (const RepairSkip& s : outcome.skipped) {
    skipped.push_back({{"action", std::string(RepairActionName(s.action))},
                       {"path", JsonPath(s.path)},
                       {"reason", s.reason}});
  }
  return {{"adopted", outcome.adopted},
          {"refreshed", outcome.refreshed},
          {"objects_removed", outcome.objects_removed},
          {"records_dropped", outcome.records_dropped},
          {"errors", outcome.errors},
          {"skipped", std::move(skipped)},
          {"leftovers", LeftoverOutcomeJson(outcome.leftovers)},
          {"warnings", outcome.warnings}};
}

}  // namespace tidemark::wire
