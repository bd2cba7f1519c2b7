// RepositoryDomain: what a repository's layout and truth settings resolve
// to: the Layout (a built-in profile or one from [layouts.NAME]) and which
// side is the truth. Settings come from the repository's own options first,
// then [repositories.NAME] in the config; the defaults are no layout and
// truth "storage". Pure given the config; thread-safe.
#ifndef TIDEMARK_APP_DOMAIN_H_
#define TIDEMARK_APP_DOMAIN_H_

#include <memory>
#include <string>
#include <string_view>

#include "app/config.h"
#include "catalog/records.h"
#include "common/result.h"
#include "layout/layout.h"

namespace tidemark::app {

// Which side wins when storage and catalog disagree (DESIGN.md).
enum class Truth {
  kStorage,  // the catalog follows storage (scans and the daemon apply drift)
  kCatalog,  // storage drift is reported, and repaired only on request
};

std::string_view TruthName(Truth t);
// InvalidArgument naming the value and the accepted ones.
Result<Truth> ParseTruth(std::string_view s);

// For catalog-truth repository `name`: that `what` ("a scan", "'cars
// sync'", "the daemon") leaves it alone, and the commands that see and
// apply its drift.
std::string CatalogTruthRefusal(const std::string& name,
                                const std::string& what);

struct RepositoryDomain {
  std::shared_ptr<const layout::Layout> layout;  // null: no layout
  std::string layout_name;                       // "" without a layout
  Truth truth = Truth::kStorage;
  std::string public_url;  // base of entity URLs ("" = the repository's URL)
};

// The profile called `name`: a custom one from the config wins over a
// built-in of the same name. NotFound listing every known name.
Result<layout::Profile> FindProfile(const Config& config,
                                    std::string_view name);

// The name of the layout `repo` uses ("" for none), from its options or
// the config, without compiling the profile (per-request lookups).
Result<std::string> ResolveLayoutName(const Config& config,
                                      const Repository& repo);

// Resolves `repo`'s domain. InvalidArgument naming the repository for an
// unknown layout or truth.
Result<RepositoryDomain> ResolveDomain(const Config& config,
                                       const Repository& repo);

}  // namespace tidemark::app

#endif  // TIDEMARK_APP_DOMAIN_H_
