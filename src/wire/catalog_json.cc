#include "wire/catalog_json.h"

#include "common/human_format.h"
#include "common/paths.h"
#include "common/time_format.h"

namespace tidemark::wire {

void WriteRecordJson(const FileRecord& r, JsonWriter& out) {
  const std::string display = DisplayPath(r.path);
  // Raw bytes whenever the display form had to escape anything.
  const bool escaped = display != r.path;
  IsoTimeBuffer time;
  auto time_member = [&](std::string_view key, int64_t ns) {
    out.StringMember(key, FormatIsoTime(ns, time));
  };
  // The keys in DumpJson's (sorted) order.
  out.BeginObject();
  out.Key("content_hash");
  if (r.content_hash.empty()) {
    out.Null();
  } else {
    out.String(ToHex(r.content_hash));
  }
  time_member("created_at", r.created_at_ns);
  out.UintMember("device", r.device);
  out.StringMember("hash_algorithm", HashAlgorithmName(r.hash_algorithm));
  out.IntMember("id", r.id);
  out.UintMember("inode", r.inode);
  out.StringMember("kind", EntryKindName(r.kind));
  time_member("last_scanned", r.last_scanned_ns);
  time_member("mtime", r.mtime_ns);
  out.IntMember("mtime_ns", r.mtime_ns);
  out.StringMember("path", display);
  if (escaped) out.StringMember("path_hex", ToHex(r.path));
  out.IntMember("scan_generation", r.scan_generation);
  out.IntMember("size", r.size);
  out.StringMember("state", RecordStateName(r.state));
  time_member("updated_at", r.updated_at_ns);
  out.EndObject();
}

std::string RecordJsonText(const FileRecord& r) {
  std::string text;
  JsonWriter out(&text);
  WriteRecordJson(r, out);
  return text;
}

nlohmann::json RecordJson(const FileRecord& r) {
  return nlohmann::json::parse(RecordJsonText(r));
}

nlohmann::json OperationJson(const SyncOperation& op) {
  return {
      {"id", op.id},
      {"type", std::string(OperationTypeName(op.type))},
      {"status", std::string(OperationStatusName(op.status))},
      {"counters",
       {{"scanned", op.counters.scanned},
        {"added", op.counters.added},
        {"updated", op.counters.updated},
        {"moved", op.counters.moved},
        {"removed", op.counters.removed},
        {"errors", op.counters.errors}}},
      {"start_time", FormatTime(op.start_ns)},
      {"end_time", op.end_ns == 0 ? nlohmann::json(nullptr)
                                  : nlohmann::json(FormatTime(op.end_ns))},
      {"duration_ms", op.duration_ms},
      {"error_message", op.error_message},
      {"worker", op.worker},
  };
}

nlohmann::json LeaseJson(const Lease& lease, ProcessFate fate) {
  nlohmann::json j = {
      {"holder", lease.holder},
      {"token", lease.token},
      {"live", lease.live()},
      {"acquired_at", FormatTime(lease.acquired_at_ns)},
      {"renewed_at", FormatTime(lease.renewed_at_ns)},
      {"expires_in_ms",
       (lease.expires_at_ns - lease.observed_at_ns) / 1'000'000},
      {"holder_process", std::string(ProcessFateName(fate))},
  };
  if (fate != ProcessFate::kUnknown) j["pid"] = lease.process.pid;
  return j;
}

nlohmann::json RepositoryJson(const Repository& repo) {
  nlohmann::json options = nlohmann::json::parse(repo.options_json, nullptr,
                                                 /*allow_exceptions=*/false);
  if (options.is_discarded()) options = nlohmann::json::object();
  return {
      {"name", repo.name},
      {"url", repo.url},
      {"options", options},
      {"state", std::string(RepositoryStateName(repo.state))},
      {"state_reason", repo.state_reason},
      {"scan_generation", repo.scan_generation},
      {"last_complete_generation", repo.last_complete_generation},
      {"detached", repo.detached},
      {"created_at", FormatTime(repo.created_at_ns)},
  };
}

nlohmann::json TotalsJson(const RepositoryTotals& t) {
  return {{"files", t.files},
          {"bytes", t.bytes},
          {"present", t.present},
          {"missing", t.missing},
          {"offline", t.offline}};
}

std::string DumpJson(const nlohmann::json& j) {
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace tidemark::wire
