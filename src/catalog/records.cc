#include "catalog/records.h"

#include <array>
#include <string>
#include <utility>

namespace tidemark {
namespace {

template <typename E, size_t N>
Result<E> ParseByName(std::string_view s,
                      const std::array<std::pair<E, std::string_view>, N>& t,
                      std::string_view what) {
  std::string accepted;
  for (const auto& [value, name] : t) {
    if (name == s) return value;
    if (!accepted.empty()) accepted += ", ";
    accepted += name;
  }
  return Status::InvalidArgument("unknown " + std::string(what) + " '" +
                                 std::string(s) + "': use one of " + accepted);
}

template <typename E, size_t N>
std::string_view NameOf(
    E value, const std::array<std::pair<E, std::string_view>, N>& t) {
  for (const auto& [v, name] : t) {
    if (v == value) return name;
  }
  return "unknown";
}

constexpr std::array<std::pair<RepositoryState, std::string_view>, 3>
    kRepositoryStates{{{RepositoryState::kUnknown, "unknown"},
                       {RepositoryState::kOnline, "online"},
                       {RepositoryState::kOffline, "offline"}}};
constexpr std::array<std::pair<RecordState, std::string_view>, 4> kRecordStates{
    {{RecordState::kPresent, "present"},
     {RecordState::kMissing, "missing"},
     {RecordState::kOffline, "offline"},
     {RecordState::kDeleting, "deleting"}}};
constexpr std::array<std::pair<OperationType, std::string_view>, 6>
    kOperationTypes{{{OperationType::kStartup, "startup"},
                     {OperationType::kRealtime, "realtime"},
                     {OperationType::kReconciliation, "reconciliation"},
                     {OperationType::kOnDemand, "on-demand"},
                     {OperationType::kCheck, "check"},
                     {OperationType::kRepair, "repair"}}};
constexpr std::array<std::pair<OperationStatus, std::string_view>, 4>
    kOperationStatuses{{{OperationStatus::kRunning, "running"},
                        {OperationStatus::kCompleted, "completed"},
                        {OperationStatus::kPartial, "partial"},
                        {OperationStatus::kFailed, "failed"}}};
constexpr std::array<std::pair<EntryKind, std::string_view>, 2> kEntryKinds{
    {{EntryKind::kFile, "file"}, {EntryKind::kSymlink, "symlink"}}};
constexpr std::array<std::pair<WatchMode, std::string_view>, 4> kWatchModes{
    {{WatchMode::kStopped, "stopped"},
     {WatchMode::kWatching, "watching"},
     {WatchMode::kDegraded, "degraded"},
     {WatchMode::kPolling, "polling"}}};

}  // namespace

std::string_view RepositoryStateName(RepositoryState s) {
  return NameOf(s, kRepositoryStates);
}
std::string_view RecordStateName(RecordState s) {
  return NameOf(s, kRecordStates);
}
std::string_view OperationTypeName(OperationType t) {
  return NameOf(t, kOperationTypes);
}
std::string_view OperationStatusName(OperationStatus s) {
  return NameOf(s, kOperationStatuses);
}
std::string_view EntryKindName(EntryKind k) { return NameOf(k, kEntryKinds); }
std::string_view WatchModeName(WatchMode m) { return NameOf(m, kWatchModes); }

Result<RepositoryState> ParseRepositoryState(std::string_view s) {
  return ParseByName(s, kRepositoryStates, "repository state");
}
Result<RecordState> ParseRecordState(std::string_view s) {
  return ParseByName(s, kRecordStates, "record state");
}
Result<OperationType> ParseOperationType(std::string_view s) {
  return ParseByName(s, kOperationTypes, "operation type");
}
Result<OperationStatus> ParseOperationStatus(std::string_view s) {
  return ParseByName(s, kOperationStatuses, "operation status");
}
Result<EntryKind> ParseEntryKind(std::string_view s) {
  return ParseByName(s, kEntryKinds, "entry kind");
}
Result<WatchMode> ParseWatchMode(std::string_view s) {
  return ParseByName(s, kWatchModes, "watch mode");
}

}  // namespace tidemark
