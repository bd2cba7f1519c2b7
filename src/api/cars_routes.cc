// Seed 000 over HTTP: /api/cars, one car by id or VIN, slot lock, unlock
// and mark used, and the sync status and trigger. Reads sync first, through
// the SyncThrottle ([serve] sync_max_age_ms, ?max_age=SECONDS, shared
// syncs, stale_while_revalidate). The flows are `tidemark cars`'
// (app/cars_service.h). The list's bodies, plain and gzipped, are kept in
// a ResponseCache until the catalog changes.
#include <zlib.h>

#include <algorithm>
#include <memory>
#include <mutex>

#include "api/response_cache.h"
#include "api/serve_state.h"
#include "api/sync_throttle.h"
#include "app/cars_service.h"
#include "app/domain.h"
#include "common/strict_parse.h"
#include "common/time_format.h"
#include "server/query_params.h"
#include "server/request_path.h"
#include "wire/cars_json.h"
#include "wire/catalog_json.h"

namespace tidemark::api {
namespace {

using server::ApiReply;
using server::ApiRequest;
using server::ApiResult;
using server::HttpError;
using server::JsonReply;
using server::Role;

// A region as a client gave it ("" = every region): a folder under the
// root, so `..` and its encodings are 400 bad_path, as for any path.
std::variant<std::string, HttpError> Region(const std::string& given) {
  auto region = server::CleanRequestPath(given, "region", true);
  if (!region.ok()) return server::BadPath(region.status().message());
  return std::move(region).value();
}

// Whether an Accept-Encoding header takes gzip ("gzip", "gzip;q=0.5"; not
// "gzip;q=0", nor a q that is not a number from 0 to 1: negotiation falls
// back to the plain body, which every client reads).
bool AcceptsGzip(const std::string& accept) {
  size_t start = 0;
  while (start < accept.size()) {
    size_t end = accept.find(',', start);
    if (end == std::string::npos) end = accept.size();
    std::string item = accept.substr(start, end - start);
    item.erase(std::remove(item.begin(), item.end(), ' '), item.end());
    const size_t semi = item.find(';');
    if (item.substr(0, semi) == "gzip") {
      if (semi == std::string::npos) return true;
      const std::string q = item.substr(semi + 1);
      if (q.rfind("q=", 0) != 0) return true;
      auto weight = ParseDouble(q.substr(2), "q", 0, 1);
      return weight.ok() && *weight > 0;
    }
    start = end + 1;
  }
  return false;
}

// `body` as a gzip stream. Level 6: the 7.8 MB list of 1,000 cars takes
// about 0.1 s and shrinks 30 times; it runs once per catalog change.
Result<std::string> Gzip(const std::string& body) {
  z_stream z{};
  if (deflateInit2(&z, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
    return Status::Internal("cannot start a gzip stream");
  }
  std::string out(deflateBound(&z, body.size()), '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(body.data()));
  z.avail_in = static_cast<uInt>(body.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  const int rc = deflate(&z, Z_FINISH);
  out.resize(z.total_out);
  deflateEnd(&z);
  if (rc != Z_STREAM_END) return Status::Internal("gzip failed");
  return out;
}

class CarsApi {
 public:
  explicit CarsApi(ServeState& state)
      : state_(state),
        throttle_(state.app.clock()),
        cache_([&store = state.store] { return store.ChangeStamp(); }) {
    // Every commit through this process's Gateway (syncs, slot changes,
    // the daemon's) makes the kept lists stale; the store's change stamp
    // catches other processes' commits.
    batches_ = state_.gateway.Subscribe(
        [this](const ChangeBatch&) { cache_.Invalidate(); });
    notices_ = state_.gateway.SubscribeNotices(
        [this](const GatewayNotice&) { cache_.Invalidate(); });
  }
  ~CarsApi() {
    state_.gateway.Unsubscribe(batches_);
    state_.gateway.UnsubscribeNotices(notices_);
  }

  // Syncs `region` unless a young enough sync exists; adds how to `reply`.
  std::variant<SyncThrottle::Outcome, HttpError> SyncForRead(
      const ApiRequest& request, const std::string& repo,
      const std::string& region) {
    int64_t max_age_ms = state_.settings.sync_max_age_ms;
    if (request.has_query("max_age")) {
      API_ASSIGN(seconds, server::QueryInt(request, "max_age", 0, 0, 86'400));
      max_age_ms = seconds * 1000;
    }
    auto sync = [this, repo, region] { return Sync(repo, region); };
    if (state_.settings.stale_while_revalidate &&
        !request.has_query("max_age")) {
      return throttle_.Revalidate(region, max_age_ms, sync);
    }
    return throttle_.Fresh(region, max_age_ms, sync);
  }

  nlohmann::json Sync(const std::string& repo, const std::string& region) {
    std::lock_guard<std::mutex> lock(write_mu_);
    auto result = app::SyncCars(state_.app, repo, region, false);
    if (!result.ok()) return wire::CarsSyncFailureJson(result.status());
    return wire::CarsSyncJson(*result);
  }

  static void Describe(const SyncThrottle::Outcome& outcome, ApiReply& reply) {
    reply.headers.emplace_back("X-Tidemark-Sync",
                               SyncThrottle::HowName(outcome.how));
    if (outcome.synced_at_ns != 0) {
      reply.headers.emplace_back("X-Tidemark-Synced-At",
                                 FormatIsoTime(outcome.synced_at_ns));
    }
    if (outcome.result.is_object() && !outcome.result.value("success", true)) {
      reply.headers.emplace_back(
          "X-Tidemark-Sync-Error",
          outcome.result.value("error", std::string("sync failed")));
    }
  }

  ApiResult List(const ApiRequest& request) {
    API_ASSIGN(repo, LayoutRepository(state_, "cars",
                                      state_.settings.cars_repository));
    API_ASSIGN(given_region, server::QueryText(request, "region"));
    API_ASSIGN(region, Region(given_region));
    API_ASSIGN(deleted, server::QueryBool(request, "include_deleted"));
    API_ASSIGN(outcome, SyncForRead(request, repo, region));
    // The sync above has committed (or was young enough), so the body
    // below is computed after it or kept from a read with the same stamp.
    auto compute = [&]() -> Result<std::string> {
      ASSIGN_OR_RETURN(app::CarListing cars,
                       app::ListCars(state_.app, repo, region, deleted));
      return std::move(JsonReply(wire::CarListingJson(cars)).body);
    };
    ApiReply reply;
    if (request.header("Cache-Control").find("no-cache") != std::string::npos) {
      // The client asks for a fresh read (also how serve_bench.sh measures
      // the list without the cache).
      auto body = compute();
      if (!body.ok()) return Fail(body.status());
      reply.body = std::move(body).value();
      reply.headers.emplace_back("X-Tidemark-Cache", "bypass");
    } else {
      const std::string key =
          repo + '\n' + region + '\n' + (deleted ? "1" : "0");
      const bool gzip = AcceptsGzip(request.header("Accept-Encoding"));
      auto body = gzip ? cache_.Get(key + "\ngzip",
                                    [&]() -> Result<std::string> {
                                      ASSIGN_OR_RETURN(
                                          auto plain, cache_.Get(key, compute));
                                      return Gzip(*plain.body);
                                    })
                       : cache_.Get(key, compute);
      if (!body.ok()) return Fail(body.status());
      reply.shared_body = body->body;
      reply.headers.emplace_back("X-Tidemark-Cache",
                                 ResponseCache::HowName(body->how));
      if (gzip) reply.headers.emplace_back("Content-Encoding", "gzip");
    }
    reply.headers.emplace_back("Vary", "Accept-Encoding");
    Describe(outcome, reply);
    return reply;
  }

  ApiResult Show(const ApiRequest& request, const std::string& car) {
    API_ASSIGN(repo, LayoutRepository(state_, "cars",
                                      state_.settings.cars_repository));
    API_ASSIGN(outcome, SyncForRead(request, repo, ""));
    auto shown = app::ShowCar(state_.app, repo, car);
    if (!shown.ok()) return Fail(shown.status());
    ApiReply reply = JsonReply(wire::CarListingJson(*shown).at(0));
    Describe(outcome, reply);
    return reply;
  }

  ApiResult Slot(const ApiRequest& request, app::SlotOp op) {
    API_ASSIGN(repo, LayoutRepository(state_, "cars",
                                      state_.settings.cars_repository));
    API_ASSIGN(writable, FindWritableRepo(state_, repo));
    const std::string& name = writable.name;
    API_ASSIGN(body, JsonBody(request));
    app::SlotChange change;
    change.car = request.param("id");
    change.slot = request.param("type") + "/" + request.param("index");
    change.op = op;
    API_ASSIGN(by, JsonString(body, "by"));
    API_ASSIGN(note, JsonString(body, "note"));
    change.by = by.empty() ? "api" : by;
    change.note = note;
    if (op == app::SlotOp::kMarkUsed) {
      // Absent means true: POST .../used marks the slot used.
      const bool given = body.contains("is_used");
      API_ASSIGN(used, JsonBool(body, "is_used"));
      change.used = !given || used;
    }
    std::lock_guard<std::mutex> lock(write_mu_);
    auto slot = app::ApplySlotChange(state_.app, name, change);
    if (!slot.ok()) return Fail(slot.status());
    return JsonReply(wire::ChangedSlotJson(*slot));
  }

  ApiResult Trigger(const ApiRequest& request) {
    API_ASSIGN(repo, LayoutRepository(state_, "cars",
                                      state_.settings.cars_repository));
    API_ASSIGN(body, JsonBody(request));
    API_ASSIGN(given, JsonString(body, "region"));
    API_ASSIGN(region, Region(given));
    SyncThrottle::Outcome outcome = throttle_.Fresh(
        region, 0, [this, repo, region] { return Sync(repo, region); });
    ApiReply reply = JsonReply(outcome.result);
    Describe(outcome, reply);
    return reply;
  }

  ApiResult Status() {
    API_ASSIGN(repo, LayoutRepository(state_, "cars",
                                      state_.settings.cars_repository));
    return JsonReply(
        {{"repository", repo},
         {"max_age_seconds", state_.settings.sync_max_age_ms / 1000},
         {"stale_while_revalidate", state_.settings.stale_while_revalidate},
         {"regions", throttle_.Status()}});
  }

 private:
  ServeState& state_;
  SyncThrottle throttle_;
  std::mutex write_mu_;  // one cars write (sync, slot change) at a time
  ResponseCache cache_;  // GET /api/cars bodies
  int batches_ = 0;      // Gateway subscription handles
  int notices_ = 0;
};

}  // namespace

void AddCarsRoutes(server::HttpServer& http, ServeState& state) {
  auto api = std::make_shared<CarsApi>(state);
  CarsApi* cars = api.get();
  state.keep_alive.push_back(api);
  http.Route("GET", "/api/cars", Role::kReader,
             [cars](const ApiRequest& r) { return cars->List(r); });
  http.Route("GET", "/api/cars/sync/status", Role::kReader,
             [cars](const ApiRequest&) { return cars->Status(); });
  http.Route("POST", "/api/cars/sync", Role::kOperator,
             [cars](const ApiRequest& r) { return cars->Trigger(r); });
  http.Route(
      "GET", "/api/cars/vin/{vin}", Role::kReader,
      [cars](const ApiRequest& r) { return cars->Show(r, r.param("vin")); });
  http.Route(
      "GET", "/api/cars/{id}", Role::kReader,
      [cars](const ApiRequest& r) { return cars->Show(r, r.param("id")); });
  const std::string slot = "/api/cars/{id}/slots/{type}/{index}";
  http.Route("POST", slot + "/lock", Role::kOperator,
             [cars](const ApiRequest& r) {
               return cars->Slot(r, app::SlotOp::kLock);
             });
  http.Route("POST", slot + "/unlock", Role::kOperator,
             [cars](const ApiRequest& r) {
               return cars->Slot(r, app::SlotOp::kUnlock);
             });
  http.Route("POST", slot + "/used", Role::kAdmin, [cars](const ApiRequest& r) {
    return cars->Slot(r, app::SlotOp::kMarkUsed);
  });
}

}  // namespace tidemark::api
