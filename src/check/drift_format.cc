#include "check/drift_format.h"

#include "common/human_format.h"
#include "common/paths.h"

namespace tidemark {

std::string DriftLine(const DriftItem& item) {
  switch (item.kind) {
    case DriftKind::kOrphaned:
      return "+ " + DisplayPath(item.path);
    case DriftKind::kMissing:
      return "- " + DisplayPath(item.path);
    case DriftKind::kModified:
      return "* " + DisplayPath(item.path);
    case DriftKind::kSynced:
      return "= " + DisplayPath(item.path);
    case DriftKind::kError:
      return "! " + DisplayPath(item.path) + ": " + item.detail;
  }
  return "? " + DisplayPath(item.path);
}

std::string LeftoverLine(const Leftover& l) {
  std::string action(LeftoverActionName(l.action));
  if (l.action == LeftoverAction::kRestore) {
    action += " to " + DisplayPath(l.original);
  }
  return "~ " + DisplayPath(l.path) + ": " + action + " (" + l.reason +
         "; written by " + l.writer + ")";
}

std::string EntitySummary(const EntityDrift& e) {
  std::string head = e.kind.empty() ? std::string("paths no layout rule parses")
                                    : e.kind + " " + e.key;
  std::string line =
      head + ": " + FormatCount(static_cast<int64_t>(e.orphaned.size())) +
      " orphaned, " + FormatCount(static_cast<int64_t>(e.missing.size())) +
      " missing, " + FormatCount(static_cast<int64_t>(e.modified.size())) +
      " modified, " + FormatCount(e.synced) + " synced";
  if (!e.errors.empty())
    line +=
        ", " + FormatCount(static_cast<int64_t>(e.errors.size())) + " errors";
  return line;
}

std::string TotalsSummary(const DriftTotals& t, bool with_layout) {
  const int64_t differences = t.orphaned + t.missing + t.modified;
  std::string line =
      (differences == 0 ? std::string("0 differences found")
                        : FormatCount(differences) + " differences found: " +
                              FormatCount(t.orphaned) + " orphaned, " +
                              FormatCount(t.missing) + " missing, " +
                              FormatCount(t.modified) + " modified") +
      "; " + FormatCount(t.errors) + " errors; " + FormatCount(t.files) +
      " files (" + FormatCount(t.synced) + " synced)";
  if (with_layout) {
    line += " in " + FormatCount(t.entities) + " entities";
    if (t.unparsed > 0)
      line += ", " + FormatCount(t.unparsed) + " unparsed paths";
  }
  if (t.leftovers > 0) {
    line += "; " + FormatCount(t.leftovers) +
            (t.leftovers == 1 ? " leftover" : " leftovers") +
            " of interrupted writes ('repair --remove-leftovers' settles "
            "those of writers that are gone)";
  }
  return line;
}

std::string PlanLine(RepairAction action, const DriftItem& item) {
  return std::string(RepairActionName(action)) + " " + DisplayPath(item.path);
}

}  // namespace tidemark
