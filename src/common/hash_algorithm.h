// HashAlgorithm: which content hash a repository keeps, and its names.
//
// Pure value type and parsing; the hashing itself lives in sync/hasher.h.
#ifndef TIDEMARK_COMMON_HASH_ALGORITHM_H_
#define TIDEMARK_COMMON_HASH_ALGORITHM_H_

#include <string_view>

#include "common/result.h"

namespace tidemark {

enum class HashAlgorithm { kNone, kSha256, kXxh3 };

// "none", "sha256" or "xxh3".
std::string_view HashAlgorithmName(HashAlgorithm algo);

// Parses a name as HashAlgorithmName prints it. InvalidArgument otherwise,
// naming the accepted values.
Result<HashAlgorithm> ParseHashAlgorithm(std::string_view name);

}  // namespace tidemark

#endif  // TIDEMARK_COMMON_HASH_ALGORITHM_H_
