#include "server/webhooks.h"

#include <httplib.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <spdlog/spdlog.h>

namespace tidemark::server {
namespace {

struct SplitUrl {
  std::string origin;  // scheme://host[:port]
  std::string path;    // "/..." (at least "/")
};

Result<SplitUrl> Split(const std::string& url) {
  const bool http = url.rfind("http://", 0) == 0;
  const bool https = url.rfind("https://", 0) == 0;
  if (!http && !https) {
    return Status::InvalidArgument("webhook URL '" + url +
                                   "' must start with http:// or https://");
  }
  const size_t host_start = url.find("://") + 3;
  const size_t slash = url.find('/', host_start);
  SplitUrl out;
  out.origin = url.substr(0, slash);
  out.path = slash == std::string::npos ? "/" : url.substr(slash);
  if (out.origin.size() <= host_start) {
    return Status::InvalidArgument("webhook URL '" + url + "' has no host");
  }
  return out;
}

}  // namespace

std::string WebhookSignature(const std::string& secret,
                             const std::string& body) {
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()),
       reinterpret_cast<const unsigned char*>(body.data()), body.size(), mac,
       &len);
  static const char* kHex = "0123456789abcdef";
  std::string out = "sha256=";
  for (unsigned int i = 0; i < len; ++i) {
    out += kHex[mac[i] >> 4];
    out += kHex[mac[i] & 15];
  }
  return out;
}

Status ValidateWebhookUrl(const std::string& url) {
  return Split(url).status();
}

WebhookSender::WebhookSender(EventHub& hub, std::vector<WebhookTarget> targets,
                             WebhookOptions options)
    : hub_(hub), targets_(std::move(targets)), options_(options) {}

WebhookSender::~WebhookSender() { Stop(); }

void WebhookSender::Start() {
  const int64_t after = hub_.last_id();
  for (const WebhookTarget& t : targets_) {
    threads_.emplace_back([this, &t, after] { Run(t, after); });
  }
}

void WebhookSender::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  for (std::thread& t : threads_) t.join();
  threads_.clear();
}

bool WebhookSender::Pause(std::chrono::milliseconds d) {
  std::unique_lock<std::mutex> lock(mu_);
  return !cv_.wait_for(lock, d, [this] { return stopping_; });
}

void WebhookSender::Run(const WebhookTarget& target, int64_t after) {
  while (Pause(std::chrono::milliseconds(0))) {
    EventHub::Batch batch =
        hub_.Read(after, 100, std::chrono::milliseconds(500));
    after = batch.next_after;
    for (const ServerEvent& event : batch.events) {
      std::chrono::milliseconds backoff = options_.first_backoff;
      for (int attempt = 1;; ++attempt) {
        std::string error;
        if (Deliver(target, event, &error)) {
          ++delivered_;
          break;
        }
        if (attempt >= options_.max_attempts) {
          ++failed_;
          spdlog::warn("webhook {}: gave up on event {} after {} attempts: {}",
                       target.url, event.id, attempt, error);
          break;
        }
        ++retried_;
        if (!Pause(backoff)) return;
        backoff *= 2;
      }
    }
    if (batch.closed) return;
  }
}

bool WebhookSender::Deliver(const WebhookTarget& target,
                            const ServerEvent& event, std::string* error) {
  auto url = Split(target.url);
  if (!url.ok()) {
    *error = url.status().message();
    return false;
  }
  const std::string body = nlohmann::json{
      {"id", event.id},
      {"type", event.type},
      {"data", event.data},
      {"at", event.at}}.dump();
  httplib::Client client(url->origin);
  const auto secs = options_.timeout.count() / 1000;
  const auto usecs = (options_.timeout.count() % 1000) * 1000;
  client.set_connection_timeout(secs, usecs);
  client.set_read_timeout(secs, usecs);
  client.set_write_timeout(secs, usecs);
  httplib::Headers headers = {
      {"X-Tidemark-Event", event.type},
      {"X-Tidemark-Delivery", std::to_string(event.id)},
      {"X-Tidemark-Signature", WebhookSignature(target.secret, body)},
      {"User-Agent", "tidemark-webhooks"}};
  auto res = client.Post(url->path, headers, body, "application/json");
  if (!res) {
    *error = httplib::to_string(res.error());
    return false;
  }
  if (res->status < 200 || res->status >= 300) {
    *error = "HTTP " + std::to_string(res->status);
    return false;
  }
  return true;
}

}  // namespace tidemark::server
