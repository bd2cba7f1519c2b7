// The built-in layout profiles `cars` (seed 000) and `products` (seed 003),
// written in the same TOML rule language as a custom profile.
#include <array>

#include "layout/layout.h"

namespace tidemark::layout {
namespace {

// <region>/<Make> <Model> <VIN>/, each car with a dealer photo slot, eight
// buyout slots and five dummies slots; a slot is locked by _LOCK.json.
constexpr std::string_view kCars = R"toml(
[[layouts.cars.entity]]
kind = "car"
match = "{region}/{car}"
split = { car = "make_model_vin" }
key = "{region}/{vin}"
attrs = { region = "{region}", make = "{make}", model = "{model}", vin = "{vin}" }
on_gone = "soft_delete"

[[layouts.cars.entity]]
kind = "slot"
parent = "car"
match = "{region}/{car}/1. Дилер фото/{car}"
key = "{region}/{vin}/dealer/1"
attrs = { slot_type = "dealer", slot_index = "1" }
marker = "_LOCK.json"
expected = true
on_gone = "soft_delete"

[[layouts.cars.entity]]
kind = "slot"
parent = "car"
match = "{region}/{car}/2. Выкуп фото/{index}. {car}"
range = { index = [1, 8] }
key = "{region}/{vin}/buyout/{index}"
attrs = { slot_type = "buyout", slot_index = "{index}" }
marker = "_LOCK.json"
expected = true
on_gone = "soft_delete"

[[layouts.cars.entity]]
kind = "slot"
parent = "car"
match = "{region}/{car}/3. Муляги фото/{index}. {car}"
range = { index = [1, 5] }
key = "{region}/{vin}/dummies/{index}"
attrs = { slot_type = "dummies", slot_index = "{index}" }
marker = "_LOCK.json"
expected = true
on_gone = "soft_delete"
)toml";

// products/<productId>/<variant>/<imageType>/<fileName>.
constexpr std::string_view kProducts = R"toml(
[[layouts.products.entity]]
kind = "product"
match = "products/{productId}"
key = "{productId}"
attrs = { productId = "{productId}" }
on_gone = "delete"

[[layouts.products.entity]]
kind = "variant"
parent = "product"
match = "products/{productId}/{variant}"
key = "{productId}/{variant}"
attrs = { productId = "{productId}", variant = "{variant}" }
on_gone = "delete"

[[layouts.products.entity]]
kind = "image"
parent = "variant"
file = true
match = "products/{productId}/{variant}/{imageType}/{fileName}"
key = "{productId}/{variant}/{imageType}/{fileName}"
attrs = { productId = "{productId}", variant = "{variant}", imageType = "{imageType}", fileName = "{fileName}", url = "{base_url}/{path}" }
on_gone = "delete"
)toml";

struct Builtin {
  std::string_view name;
  std::string_view text;
};

constexpr std::array<Builtin, 2> kBuiltins = {{
    {"cars", kCars},
    {"products", kProducts},
}};

}  // namespace

std::vector<std::string> BuiltinProfileNames() {
  std::vector<std::string> names;
  for (const Builtin& builtin : kBuiltins) names.emplace_back(builtin.name);
  return names;
}

Result<Profile> BuiltinProfile(std::string_view name) {
  for (const Builtin& builtin : kBuiltins) {
    if (builtin.name != name) continue;
    const std::string origin = "built-in layout '" + std::string(name) + "'";
    ASSIGN_OR_RETURN(std::vector<Profile> profiles,
                     ParseProfiles(builtin.text, origin));
    for (Profile& profile : profiles) {
      if (profile.name == name) return std::move(profile);
    }
    return Status::Internal(origin + " does not declare [layouts." +
                            std::string(name) + "]");
  }
  std::string known;
  for (const Builtin& builtin : kBuiltins) {
    known += (known.empty() ? "'" : ", '") + std::string(builtin.name) + "'";
  }
  return Status::NotFound("no built-in layout '" + std::string(name) +
                          "'; the built-in layouts are " + known +
                          " (or declare [layouts." + std::string(name) +
                          "] in tidemark.toml)");
}

}  // namespace tidemark::layout
