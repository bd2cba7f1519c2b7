// WebhookSender: delivers every event of an EventHub to configured URLs as
// an HTTP POST of {"id", "type", "data", "at"}, signed with HMAC-SHA256 of
// the body under the target's secret (X-Tidemark-Signature: sha256=HEX),
// with X-Tidemark-Event (the type) and X-Tidemark-Delivery (the event id).
// A failed delivery (a connection error or a non-2xx answer) is retried
// with doubling backoff up to max_attempts, then given up and counted.
// Each target has its own thread, so a slow target delays only itself, and
// its events arrive in order.
//
// Owns its threads; borrows the hub, which must outlive it. Thread-safe.
#ifndef TIDEMARK_SERVER_WEBHOOKS_H_
#define TIDEMARK_SERVER_WEBHOOKS_H_

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "common/result.h"
#include "server/event_hub.h"

namespace tidemark::server {

struct WebhookTarget {
  std::string url;  // http:// or https://
  std::string secret;
};

struct WebhookOptions {
  int max_attempts = 5;
  std::chrono::milliseconds first_backoff{500};
  std::chrono::milliseconds timeout{5000};
};

// "sha256=" and the hex HMAC-SHA256 of `body` under `secret`.
std::string WebhookSignature(const std::string& secret,
                             const std::string& body);

// InvalidArgument naming the URL unless it is http(s)://host[:port][/path].
Status ValidateWebhookUrl(const std::string& url);

class WebhookSender {
 public:
  WebhookSender(EventHub& hub, std::vector<WebhookTarget> targets,
                WebhookOptions options);
  ~WebhookSender();  // Stop()

  // Starts one thread per target, delivering events after the hub's
  // current last id.
  void Start();
  void Stop();

  int64_t delivered() const { return delivered_.load(); }
  int64_t failed() const { return failed_.load(); }  // given up
  int64_t retried() const { return retried_.load(); }

 private:
  void Run(const WebhookTarget& target, int64_t after);
  // One POST; true on a 2xx answer.
  bool Deliver(const WebhookTarget& target, const ServerEvent& event,
               std::string* error);
  // Sleeps `d` unless stopping; false when stopping.
  bool Pause(std::chrono::milliseconds d);

  EventHub& hub_;
  const std::vector<WebhookTarget> targets_;
  const WebhookOptions options_;
  std::vector<std::thread> threads_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;
  std::atomic<int64_t> delivered_{0};
  std::atomic<int64_t> failed_{0};
  std::atomic<int64_t> retried_{0};
};

}  // namespace tidemark::server

#endif  // TIDEMARK_SERVER_WEBHOOKS_H_
