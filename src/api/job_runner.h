// JobRunner: long work started over HTTP (a check, a repair) runs as a job
// on its own thread; the request answers 202 with the job at once, and
// GET /api/v1/jobs/{id} reads how it went. One job at a time per
// repository (a second one is refused: 409), the last `keep` jobs are
// remembered, and the last check's totals of each repository are kept for
// the dashboard's drift card.
//
// Owns the job threads; Stop cancels and joins them. Thread-safe.
#ifndef TIDEMARK_API_JOB_RUNNER_H_
#define TIDEMARK_API_JOB_RUNNER_H_

#include <atomic>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "common/clock.h"
#include "common/result.h"

namespace tidemark::api {

struct Job {
  int64_t id = 0;
  std::string kind;  // "check" or "repair"
  std::string repository;
  std::string status;  // queued, running, succeeded, failed
  nlohmann::json request;
  nlohmann::json result;  // null until finished
  std::string error;
  std::string created_at;
  std::string finished_at;
};

nlohmann::json JobJson(const Job& job);

class JobRunner {
 public:
  // What a job does; it should stop soon once `cancel` is set.
  using Work =
      std::function<Result<nlohmann::json>(const std::atomic<bool>& cancel)>;
  // Called on the job's thread when it ends.
  using Finished = std::function<void(const Job&)>;

  JobRunner(Clock& clock, size_t keep, Finished finished);
  ~JobRunner();  // Stop()

  // Starts `work` as a new job. FailedPrecondition naming the running job
  // when `repository` has one; Unavailable after Stop.
  Result<Job> Start(const std::string& kind, const std::string& repository,
                    nlohmann::json request, Work work);
  std::optional<Job> Get(int64_t id) const;
  std::vector<Job> List(size_t limit) const;  // newest first
  // The drift totals and time of the last check (or repair) that ended
  // well on `repository`, or null.
  nlohmann::json LastDrift(const std::string& repository) const;
  void SetDrift(const std::string& repository, nlohmann::json drift);

  void Stop();

 private:
  void Run(int64_t id, Work work);
  void Reap();  // joins the threads of finished jobs; mu_ held

  Clock& clock_;
  const size_t keep_;
  Finished finished_;
  std::atomic<bool> cancel_{false};
  mutable std::mutex mu_;
  bool stopped_ = false;
  int64_t next_id_ = 1;
  std::deque<Job> jobs_;                    // oldest first
  std::map<std::string, int64_t> running_;  // repository -> job id
  std::map<std::string, nlohmann::json> drift_;
  std::map<int64_t, std::thread> threads_;
  std::vector<int64_t> done_;  // finished, thread not joined yet
};

}  // namespace tidemark::api

#endif  // TIDEMARK_API_JOB_RUNNER_H_
