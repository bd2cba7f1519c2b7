// Splitters: functions that derive several captures from one capture's value
// (the `split` key of an entity rule). Internal to the layout library.
#ifndef TIDEMARK_LAYOUT_SPLITTER_H_
#define TIDEMARK_LAYOUT_SPLITTER_H_

#include <span>
#include <string>
#include <string_view>

namespace tidemark::layout::internal {

// The names of every splitter, e.g. "make_model_vin".
std::span<const std::string_view> SplitterNames();

// The captures the splitter `name` produces, in a fixed order; empty when
// there is no such splitter.
std::span<const std::string_view> SplitterOutputs(std::string_view name);

// Splits `value` with the splitter `name`. On success fills `outputs` (one
// per SplitterOutputs(name), views into `value`) and returns true; otherwise
// sets `why` to a human reason and returns false.
bool ApplySplitter(std::string_view name, std::string_view value,
                   std::string_view* outputs, std::string* why);

}  // namespace tidemark::layout::internal

#endif  // TIDEMARK_LAYOUT_SPLITTER_H_
