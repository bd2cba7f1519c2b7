#include "api/declared_inputs.h"

#include <algorithm>
#include <cctype>
#include <nlohmann/json.hpp>

namespace tidemark::api {
namespace {

using nlohmann::json;

// The object `node` stands for: itself, or the component its $ref names
// under #/components/`kind`/ (nullptr when there is none).
const json* Resolve(const json& document, const json& node,
                    std::string_view kind) {
  if (!node.is_object()) return nullptr;
  if (!node.contains("$ref")) return &node;
  const json& ref = node["$ref"];
  const std::string prefix = "#/components/" + std::string(kind) + "/";
  if (!ref.is_string() || ref.get<std::string>().rfind(prefix, 0) != 0) {
    return nullptr;
  }
  const json::json_pointer pointer(ref.get<std::string>().substr(1));
  if (!document.contains(pointer)) return nullptr;
  const json& found = document[pointer];
  return found.is_object() ? &found : nullptr;
}

Status AddQueryNames(const json& document, const json& list,
                     std::set<std::string>* names) {
  if (!list.is_array()) return Status::Ok();
  for (const json& p : list) {
    const json* resolved = Resolve(document, p, "parameters");
    if (resolved == nullptr) {
      return Status::InvalidArgument("openapi.json: unresolvable parameter " +
                                     p.dump());
    }
    if (resolved->value("in", "") == "query") {
      names->insert(resolved->value("name", ""));
    }
  }
  return Status::Ok();
}

// The fields of a JSON body whose schema lists its properties and allows
// no others; nullopt for any other body.
using Fields = std::optional<std::set<std::string>>;
Result<Fields> JsonFields(const json& document, const json& operation) {
  const json* body =
      operation.contains("requestBody")
          ? Resolve(document, operation["requestBody"], "requestBodies")
          : nullptr;
  if (body == nullptr || !body->contains("content")) return Fields();
  const json& content = (*body)["content"];
  auto media = content.find("application/json");
  if (media == content.end() || !media->contains("schema")) {
    return Fields();
  }
  const json* schema = Resolve(document, (*media)["schema"], "schemas");
  if (schema == nullptr) {
    return Status::InvalidArgument("openapi.json: unresolvable body schema " +
                                   (*media)["schema"].dump());
  }
  if (schema->value("additionalProperties", true) != false ||
      !schema->contains("properties")) {
    return Fields();
  }
  std::set<std::string> fields;
  for (const auto& [name, property] : (*schema)["properties"].items()) {
    fields.insert(name);
  }
  return Fields(std::move(fields));
}

Result<DeclaredInputTable> TableOf(std::string_view openapi_json) {
  const json document = json::parse(openapi_json, nullptr, false);
  if (document.is_discarded() || !document.contains("paths") ||
      !document["paths"].is_object()) {
    return Status::InvalidArgument("openapi.json is not an OpenAPI document");
  }
  DeclaredInputTable table;
  for (const auto& [path, item] : document["paths"].items()) {
    for (const auto& [method, operation] : item.items()) {
      if (method == "parameters" || !operation.is_object()) continue;
      std::string upper = method;
      std::transform(upper.begin(), upper.end(), upper.begin(),
                     [](unsigned char c) { return std::toupper(c); });
      server::DeclaredInputs& inputs = table[{upper, path}];
      if (item.contains("parameters")) {
        RETURN_IF_ERROR(
            AddQueryNames(document, item["parameters"], &inputs.query));
      }
      if (operation.contains("parameters")) {
        RETURN_IF_ERROR(
            AddQueryNames(document, operation["parameters"], &inputs.query));
      }
      ASSIGN_OR_RETURN(inputs.json_fields, JsonFields(document, operation));
    }
  }
  return table;
}

}  // namespace

Result<DeclaredInputTable> DeclaredInputsOf(std::string_view openapi_json) {
  // nlohmann throws on a value of an unexpected type; none of that leaves.
  try {
    return TableOf(openapi_json);
  } catch (const json::exception& e) {
    return Status::InvalidArgument(std::string("openapi.json: ") + e.what());
  }
}

}  // namespace tidemark::api
