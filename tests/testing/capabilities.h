// Test support: run code with the permission checks that bind ordinary users,
// even when the tests run as root (as CI does).
#ifndef TIDEMARK_TESTS_TESTING_CAPABILITIES_H_
#define TIDEMARK_TESTS_TESTING_CAPABILITIES_H_

#include <functional>
#include <string>

namespace tidemark {

// Runs `body` in a forked child process that has dropped CAP_DAC_OVERRIDE and
// CAP_DAC_READ_SEARCH, so that permission bits bind even for root. Returns
// what the body returned (by convention "" for success, else a description of
// what went wrong), or a line starting with "child failed". The body must not
// rely on threads of the parent; it may start its own.
std::string RunWithoutDacOverride(const std::function<std::string()>& body);

}  // namespace tidemark

#endif  // TIDEMARK_TESTS_TESTING_CAPABILITIES_H_
