// Rendering of catalog values for people (tables, sizes, times) and for
// scripts (--json). Pure functions; thread-safe.
//
// Paths are always rendered with DisplayPath, so output is valid UTF-8 even
// for names that are not; JSON adds "path_hex" with the raw bytes whenever
// the display form escaped something.
#ifndef TIDEMARK_CLI_OUTPUT_H_
#define TIDEMARK_CLI_OUTPUT_H_

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

#include "catalog/records.h"
#include "cli/json_writer.h"
#include "common/human_format.h"

namespace tidemark::cli {

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

}  // namespace tidemark::cli

#endif  // TIDEMARK_CLI_OUTPUT_H_
