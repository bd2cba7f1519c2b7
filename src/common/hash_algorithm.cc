#include "common/hash_algorithm.h"

#include <string>

namespace tidemark {

std::string_view HashAlgorithmName(HashAlgorithm algo) {
  switch (algo) {
    case HashAlgorithm::kNone:
      return "none";
    case HashAlgorithm::kSha256:
      return "sha256";
    case HashAlgorithm::kXxh3:
      return "xxh3";
  }
  return "none";
}

Result<HashAlgorithm> ParseHashAlgorithm(std::string_view name) {
  if (name == "none") return HashAlgorithm::kNone;
  if (name == "sha256") return HashAlgorithm::kSha256;
  if (name == "xxh3") return HashAlgorithm::kXxh3;
  return Status::InvalidArgument("unknown hash algorithm '" +
                                 std::string(name) +
                                 "': use sha256, xxh3 or none");
}

}  // namespace tidemark
