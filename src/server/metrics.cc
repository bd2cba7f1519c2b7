#include "server/metrics.h"

#include <cstdio>

namespace tidemark::server {
namespace {

std::string Number(double v) {
  if (v == static_cast<double>(static_cast<int64_t>(v))) {
    return std::to_string(static_cast<int64_t>(v));
  }
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%.9g", v);
  return buf;
}

std::string Labels(const std::vector<std::pair<std::string, std::string>>& l) {
  if (l.empty()) return "";
  std::string out = "{";
  for (size_t i = 0; i < l.size(); ++i) {
    if (i > 0) out += ',';
    out += l[i].first + "=\"" + EscapeLabel(l[i].second) + "\"";
  }
  return out + "}";
}

}  // namespace

std::string EscapeLabel(const std::string& value) {
  std::string out;
  for (char c : value) {
    if (c == '\\' || c == '"') {
      out += '\\';
      out += c;
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

std::string RenderFamily(const Family& family) {
  std::string out = "# HELP " + family.name + " " + family.help + "\n# TYPE " +
                    family.name + " " + family.type + "\n";
  for (const Sample& s : family.samples) {
    out += family.name + Labels(s.labels) + " " + Number(s.value) + "\n";
  }
  return out;
}

void Metrics::RecordRequest(const std::string& route, int status,
                            double seconds) {
  std::lock_guard<std::mutex> lock(mu_);
  ++requests_[{route, status}];
  Histogram& h = latency_[route];
  for (size_t i = 0; i < kBuckets.size(); ++i) {
    if (seconds <= kBuckets[i]) ++h.buckets[i];
  }
  ++h.count;
  h.sum += seconds;
}

void Metrics::RecordError(const std::string& code) {
  std::lock_guard<std::mutex> lock(mu_);
  ++errors_[code];
}

std::string Metrics::Render(const std::vector<Family>& extra) const {
  Family requests{"tidemark_http_requests_total",
                  "HTTP requests answered, by route and status",
                  "counter",
                  {}};
  Family errors{"tidemark_errors_total",
                "Error answers and failures, by code",
                "counter",
                {}};
  std::string histogram =
      "# HELP tidemark_http_request_duration_seconds Time to answer an HTTP "
      "request, by route\n# TYPE tidemark_http_request_duration_seconds "
      "histogram\n";
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (const auto& [key, n] : requests_) {
      requests.samples.push_back(
          {{{"route", key.first}, {"status", std::to_string(key.second)}},
           static_cast<double>(n)});
    }
    for (const auto& [code, n] : errors_) {
      errors.samples.push_back({{{"code", code}}, static_cast<double>(n)});
    }
    const std::string name = "tidemark_http_request_duration_seconds";
    for (const auto& [route, h] : latency_) {
      const std::string r = "route=\"" + EscapeLabel(route) + "\"";
      for (size_t i = 0; i < kBuckets.size(); ++i) {
        histogram += name + "_bucket{" + r + ",le=\"" + Number(kBuckets[i]) +
                     "\"} " + std::to_string(h.buckets[i]) + "\n";
      }
      histogram += name + "_bucket{" + r + ",le=\"+Inf\"} " +
                   std::to_string(h.count) + "\n";
      histogram += name + "_sum{" + r + "} " + Number(h.sum) + "\n";
      histogram += name + "_count{" + r + "} " + std::to_string(h.count) + "\n";
    }
  }
  std::string out = RenderFamily(requests) + histogram + RenderFamily(errors);
  for (const Family& f : extra) out += RenderFamily(f);
  return out;
}

}  // namespace tidemark::server
