// What the lease tests share: one catalog (a MemoryCatalog on its own clock,
// which leases run on) with repository "photos", on which the test puts
// several Gateways, each standing for a process. Test-only.
#ifndef TIDEMARK_TESTS_SYNC_LEASE_FIXTURE_H_
#define TIDEMARK_TESTS_SYNC_LEASE_FIXTURE_H_

#include <gtest/gtest.h>

#include <string>

#include "fakes/fake_clock.h"
#include "fakes/memory_catalog.h"
#include "sync/gateway.h"

namespace tidemark {

class LeaseFixture : public ::testing::Test {
 protected:
  // Adds "photos" through `gateway` (into repo_).
  void AddPhotos(Gateway& gateway) {
    auto repo = gateway.AddRepository("photos", "file:///x", "{}");
    ASSERT_TRUE(repo.ok()) << repo.status().ToString();
    repo_ = *repo;
  }

  // Adds the record `path` to photos through `gateway`.
  Status Write(Gateway& gateway, const std::string& path) {
    ChangeSet set;
    set.repository_id = repo_.id;
    FileRecord r;
    r.repository_id = repo_.id;
    r.path = path;
    set.added.push_back(r);
    return gateway.Apply(set).status();
  }

  FakeClock lease_clock_;  // the catalog's clock, which leases run on
  FakeClock clock_;
  MemoryCatalog store_{&lease_clock_};
  Repository repo_;
};

}  // namespace tidemark

#endif  // TIDEMARK_TESTS_SYNC_LEASE_FIXTURE_H_
