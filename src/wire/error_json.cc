#include "wire/error_json.h"

#include <string>

namespace tidemark::wire {

nlohmann::json ErrorJson(const Status& status) {
  return {{"error", status.message()},
          {"code", std::string(ErrorCodeName(status.code()))}};
}

}  // namespace tidemark::wire
