// Metrics: what /metrics reports, in Prometheus' text format (version
// 0.0.4): HTTP requests by route and status, their latency as a histogram,
// errors by code, and whatever gauges and counters the caller adds at
// render time (files per repository, operations, events).
//
// Thread-safe: every method takes the one lock; recording is a map lookup.
#ifndef TIDEMARK_SERVER_METRICS_H_
#define TIDEMARK_SERVER_METRICS_H_

#include <array>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

namespace tidemark::server {

// One sample of a metric family: labels (name, value) and a value.
struct Sample {
  std::vector<std::pair<std::string, std::string>> labels;
  double value = 0;
};

struct Family {
  std::string name;
  std::string help;
  std::string type;  // "gauge" or "counter"
  std::vector<Sample> samples;
};

// Escapes a label value (backslash, quote, newline).
std::string EscapeLabel(const std::string& value);
std::string RenderFamily(const Family& family);

class Metrics {
 public:
  // Upper bounds of the latency buckets, in seconds.
  static constexpr std::array<double, 12> kBuckets = {
      0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 5};

  void RecordRequest(const std::string& route, int status, double seconds);
  void RecordError(const std::string& code);

  // The families recorded here followed by `extra`.
  std::string Render(const std::vector<Family>& extra) const;

 private:
  struct Histogram {
    std::array<int64_t, kBuckets.size()> buckets{};
    int64_t count = 0;
    double sum = 0;
  };
  mutable std::mutex mu_;
  std::map<std::pair<std::string, int>, int64_t> requests_;
  std::map<std::string, Histogram> latency_;  // by route
  std::map<std::string, int64_t> errors_;
};

}  // namespace tidemark::server

#endif  // TIDEMARK_SERVER_METRICS_H_
