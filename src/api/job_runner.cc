#include "api/job_runner.h"

#include "common/time_format.h"

namespace tidemark::api {

nlohmann::json JobJson(const Job& job) {
  return {{"id", job.id},
          {"kind", job.kind},
          {"repository", job.repository},
          {"status", job.status},
          {"request", job.request},
          {"result", job.result},
          {"error", job.error.empty() ? nlohmann::json(nullptr)
                                      : nlohmann::json(job.error)},
          {"created_at", job.created_at},
          {"finished_at", job.finished_at.empty()
                              ? nlohmann::json(nullptr)
                              : nlohmann::json(job.finished_at)}};
}

JobRunner::JobRunner(Clock& clock, size_t keep, Finished finished)
    : clock_(clock),
      keep_(keep == 0 ? 1 : keep),
      finished_(std::move(finished)) {}

JobRunner::~JobRunner() { Stop(); }

Result<Job> JobRunner::Start(const std::string& kind,
                             const std::string& repository,
                             nlohmann::json request, Work work) {
  std::lock_guard<std::mutex> lock(mu_);
  Reap();
  if (stopped_) return Status::Unavailable("the server is stopping");
  if (auto it = running_.find(repository); it != running_.end()) {
    return Status::FailedPrecondition(
        "repository '" + repository + "' already has job " +
        std::to_string(it->second) +
        " running; wait for it (GET /api/v1/jobs/" +
        std::to_string(it->second) + ") and try again");
  }
  Job job;
  job.id = next_id_++;
  job.kind = kind;
  job.repository = repository;
  job.status = "running";
  job.request = std::move(request);
  job.created_at = FormatIsoTime(clock_.NowNanos());
  jobs_.push_back(job);
  while (jobs_.size() > keep_ && jobs_.front().status != "running") {
    jobs_.pop_front();
  }
  running_[repository] = job.id;
  threads_[job.id] = std::thread(
      [this, id = job.id, work = std::move(work)] { Run(id, work); });
  return job;
}

void JobRunner::Run(int64_t id, Work work) {
  Result<nlohmann::json> result = work(cancel_);
  Job ended;
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (Job& job : jobs_) {
      if (job.id != id) continue;
      job.finished_at = FormatIsoTime(clock_.NowNanos());
      if (result.ok()) {
        job.status = "succeeded";
        job.result = std::move(result).value();
      } else {
        job.status = "failed";
        job.error = result.status().message();
      }
      running_.erase(job.repository);
      ended = job;
    }
    done_.push_back(id);
  }
  if (finished_ && ended.id != 0) finished_(ended);
}

void JobRunner::Reap() {
  for (int64_t id : done_) {
    auto it = threads_.find(id);
    if (it == threads_.end()) continue;
    it->second.join();
    threads_.erase(it);
  }
  done_.clear();
}

std::optional<Job> JobRunner::Get(int64_t id) const {
  std::lock_guard<std::mutex> lock(mu_);
  for (const Job& job : jobs_) {
    if (job.id == id) return job;
  }
  return std::nullopt;
}

std::vector<Job> JobRunner::List(size_t limit) const {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<Job> out;
  for (auto it = jobs_.rbegin(); it != jobs_.rend() && out.size() < limit;
       ++it) {
    out.push_back(*it);
  }
  return out;
}

nlohmann::json JobRunner::LastDrift(const std::string& repository) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = drift_.find(repository);
  return it == drift_.end() ? nlohmann::json(nullptr) : it->second;
}

void JobRunner::SetDrift(const std::string& repository, nlohmann::json drift) {
  std::lock_guard<std::mutex> lock(mu_);
  drift_[repository] = std::move(drift);
}

void JobRunner::Stop() {
  std::map<int64_t, std::thread> threads;
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopped_ = true;
    cancel_ = true;
    threads.swap(threads_);
    done_.clear();
  }
  for (auto& [id, t] : threads) t.join();
}

}  // namespace tidemark::api
