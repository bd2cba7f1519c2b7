// Writers for tests of leftovers (writes/leftovers.h): identities of
// processes whose writer files a test lays out by hand. Header-only; pure
// but for reading this process's identity; thread-safe.
#ifndef TIDEMARK_TESTS_TESTING_WRITER_IDENTITIES_H_
#define TIDEMARK_TESTS_TESTING_WRITER_IDENTITIES_H_

#include "common/process_identity.h"

namespace tidemark {

// This process: a writer that runs.
inline ProcessIdentity LiveWriter() { return SystemProcessProbe().Self(); }

// A writer of this boot and pid namespace that no longer runs: this
// process's pid, started at another time (as a reused pid looks).
inline ProcessIdentity DeadWriter() {
  ProcessIdentity dead = LiveWriter();
  ++dead.start_ticks;
  return dead;
}

// A writer of another host (or boot): it cannot be looked up.
inline ProcessIdentity UnknownWriter() {
  ProcessIdentity other = DeadWriter();
  other.boot_id[0] = other.boot_id[0] == 'a' ? 'b' : 'a';
  return other;
}

}  // namespace tidemark

#endif  // TIDEMARK_TESTS_TESTING_WRITER_IDENTITIES_H_
