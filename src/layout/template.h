// Template syntax shared by patterns and by key and attrs templates: literal
// text with {capture} placeholders. Internal to the layout library.
#ifndef TIDEMARK_LAYOUT_TEMPLATE_H_
#define TIDEMARK_LAYOUT_TEMPLATE_H_

#include <string>
#include <string_view>
#include <vector>

namespace tidemark::layout::internal {

// Literal text, or the name of a capture when `is_capture`.
struct TemplatePart {
  bool is_capture = false;
  std::string text;
};

using TemplateParts = std::vector<TemplatePart>;

// Parses `text` into parts (adjacent literal text is one part). Returns ""
// on success, otherwise why `text` is malformed: an unbalanced brace or an
// empty or malformed capture name.
std::string ParseTemplate(std::string_view text, TemplateParts* parts);

// Parses a "/"-separated pattern into one TemplateParts per segment. Returns
// "" on success, otherwise why it is malformed (also for an empty pattern or
// an empty, "." or ".." segment).
std::string ParsePattern(std::string_view pattern,
                         std::vector<TemplateParts>* segments);

// The capture names a template or pattern uses, in order of first use.
std::vector<std::string> CaptureNames(const TemplateParts& parts);
std::vector<std::string> CaptureNames(
    const std::vector<TemplateParts>& segments);

}  // namespace tidemark::layout::internal

#endif  // TIDEMARK_LAYOUT_TEMPLATE_H_
