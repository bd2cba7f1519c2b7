// The JSON of catalog rows (records, operations, leases, repositories and
// their totals), the one shape both front ends print: `--json` on the
// command line and the HTTP API's answers and events. Pure functions;
// thread-safe.
//
// Paths are always rendered with DisplayPath, so output is valid UTF-8 even
// for names that are not; JSON adds "path_hex" with the raw bytes whenever
// the display form escaped something.
#ifndef TIDEMARK_WIRE_CATALOG_JSON_H_
#define TIDEMARK_WIRE_CATALOG_JSON_H_

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

#include "catalog/records.h"
#include "wire/json_writer.h"

namespace tidemark::wire {

// A record as JSON: written into `out` (no intermediate DOM, for pages of
// records), as text, or as a value to embed in a larger answer. All three
// are the same JSON, keys in DumpJson's order.
void WriteRecordJson(const FileRecord& record, JsonWriter& out);
std::string RecordJsonText(const FileRecord& record);
nlohmann::json RecordJson(const FileRecord& record);
nlohmann::json OperationJson(const SyncOperation& op);
// `fate`: what this process can tell of the holder's process, as
// "holder_process" (with "pid" when it is on this host).
nlohmann::json LeaseJson(const Lease& lease, ProcessFate fate);
nlohmann::json RepositoryJson(const Repository& repo);
nlohmann::json TotalsJson(const RepositoryTotals& totals);

// One line of JSON; invalid UTF-8 (never expected) is replaced, not thrown.
std::string DumpJson(const nlohmann::json& j);

}  // namespace tidemark::wire

#endif  // TIDEMARK_WIRE_CATALOG_JSON_H_
