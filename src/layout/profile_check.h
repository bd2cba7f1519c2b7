// Semantic checks of parsed entity rules (parents, captures, splitters,
// expected rules), shared by ParseProfiles. Internal to the layout library.
#ifndef TIDEMARK_LAYOUT_PROFILE_CHECK_H_
#define TIDEMARK_LAYOUT_PROFILE_CHECK_H_

#include <cstddef>
#include <functional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "layout/layout.h"

namespace tidemark::layout::internal {

// Makes the InvalidArgument status for a problem with `key` of the rule
// being checked; `problem` says what is wrong and how to fix it.
using RuleError =
    std::function<Status(std::string_view key, const std::string& problem)>;

// Checks rule `index` of `profile`, whose earlier rules passed. `captures`
// holds, per earlier rule, the captures its entities carry (its pattern's,
// its parent's and its split outputs); on success the rule's own set is
// appended.
Status CheckRule(const Profile& profile, size_t index, const RuleError& error,
                 std::vector<std::set<std::string>>* captures);

}  // namespace tidemark::layout::internal

#endif  // TIDEMARK_LAYOUT_PROFILE_CHECK_H_
