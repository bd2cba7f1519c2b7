// What operators and monitors read: /metrics (Prometheus text whose
// numbers follow what the server did) and /readyz (503 naming a repository
// whose root went away, 200 once it is back).
//   docs  truth=catalog, a few files
//   vol   storage truth, watched; its root is renamed away and back
import assert from "node:assert/strict";
import { rename, rm } from "node:fs/promises";
import path from "node:path";
import { after, before, test } from "node:test";

import { eventually, makeTmp, removeTmp, startServer, tidemark, tidemarkJson, writeTree } from "../harness.mjs";
import { apiDescribe, assertError, client, metric, ok, request, scrape, tinyWebRoot } from "./api_harness.mjs";

apiDescribe("operations: /metrics and /readyz", () => {
  let tmp;
  let db;
  let server;
  let api;
  const vol = () => path.join(tmp, "vol");
  const mass = () => path.join(tmp, "mass");
  const MASS = { "gone/1.txt": "1\n", "gone/2.txt": "2\n", "gone/3.txt": "3\n", "kept/4.txt": "4\n" };

  before(async () => {
    tmp = await makeTmp();
    db = path.join(tmp, "catalog.db");
    await writeTree(path.join(tmp, "docs"), { "a.txt": "a\n", "b.txt": "bb\n", "c/d.txt": "ddd\n" });
    await tidemark(db, ["repo", "add", "docs", path.join(tmp, "docs"), "--truth", "catalog"]);
    await tidemark(db, ["repair", "docs", "--adopt-orphaned", "--json"]);
    await writeTree(vol(), { "v1.txt": "v1\n", "v2.txt": "v2\n" });
    await tidemark(db, ["repo", "add", "vol", vol()]);
    await tidemark(db, ["scan", "vol"]);
    await writeTree(mass(), MASS);
    await tidemark(db, ["repo", "add", "mass", mass()]);
    await tidemark(db, ["scan", "mass"]);
    // --poll: how often a root that is gone is looked for again.
    server = await startServer({ db, dir: tmp, web: await tinyWebRoot(tmp), extraArgs: ["--poll", "200ms"] });
    api = client(server.base);
  });

  after(async () => {
    await server?.stop();
    await removeTmp(tmp);
  });

  test("/metrics is Prometheus text; tidemark_repository_files is the catalog's count", async () => {
    const res = await request(server.base, "GET", "/metrics");
    assert.equal(res.status, 200);
    assert.match(res.headers["content-type"] || "", /^text\/plain; version=0\.0\.4/);
    for (const name of [
      "tidemark_repository_files",
      "tidemark_http_requests_total",
      "tidemark_http_request_duration_seconds",
      "tidemark_errors_total",
      "tidemark_operations_total",
      "tidemark_events_total",
    ]) {
      assert.match(res.body, new RegExp(`^# TYPE ${name} (counter|gauge|histogram)$`, "m"), `${name} is declared`);
    }
    const samples = await scrape(server.base);
    const status = (await tidemarkJson(db, ["status"])).repositories;
    for (const name of ["docs", "vol"]) {
      const cli = status.find((r) => r.name === name).totals.files;
      assert.equal(metric(samples, "tidemark_repository_files", { repository: name }), cli, name);
    }
    assert.equal(metric(samples, "tidemark_repository_files", { repository: "docs" }), 3);
    ok(await api.put("/api/v1/repositories/docs/objects/e.txt", "e\n"), 201);
    const after = await scrape(server.base);
    assert.equal(metric(after, "tidemark_repository_files", { repository: "docs" }), 4, "an upload counts");
  });

  test("tidemark_http_requests_total{route,status} counts the requests made, by route template", async () => {
    const route = "GET /api/v1/repositories/{name}";
    const before = await scrape(server.base);
    for (let i = 0; i < 3; i++) ok(await api.get("/api/v1/repositories/docs"));
    assertError(await api.get("/api/v1/repositories/nope"), 404, "not_found");
    const after = await scrape(server.base);
    const delta = (labels) =>
      metric(after, "tidemark_http_requests_total", labels) - metric(before, "tidemark_http_requests_total", labels);
    assert.equal(delta({ route, status: "200" }), 3);
    assert.equal(delta({ route, status: "404" }), 1);
  });

  test("the latency histogram has cumulative _bucket, _sum and _count per route", async () => {
    ok(await api.get("/api/v1/repositories"));
    const samples = await scrape(server.base);
    const route = "GET /api/v1/repositories";
    const name = "tidemark_http_request_duration_seconds";
    const buckets = samples.filter((s) => s.name === `${name}_bucket` && s.labels.route === route);
    assert.ok(buckets.length >= 2, "buckets for the route");
    const inf = buckets.find((b) => b.labels.le === "+Inf");
    assert.ok(inf, "a +Inf bucket");
    const count = metric(samples, `${name}_count`, { route });
    assert.ok(count >= 1);
    assert.equal(inf.value, count, "+Inf holds every request");
    const finite = buckets.filter((b) => b.labels.le !== "+Inf").sort((a, b) => Number(a.labels.le) - Number(b.labels.le));
    for (let i = 1; i < finite.length; i++) {
      assert.ok(finite[i].value >= finite[i - 1].value, "buckets are cumulative");
    }
    assert.ok(finite.at(-1).value <= inf.value);
    assert.ok(metric(samples, `${name}_sum`, { route }) >= 0);
    const requests = metric(samples, "tidemark_http_requests_total", { route });
    assert.equal(count, requests, "the histogram counts what the counter counts");
  });

  test("tidemark_errors_total{code} grows with each error answered", async () => {
    const before = await scrape(server.base);
    assertError(await api.get("/api/v1/jobs/424242"), 404, "not_found");
    assertError(await api.get("/api/v1/repositories/docs/files/..%2fx"), 400, "bad_path");
    assertError(await api.post("/api/v1/repositories", { name: 1 }), 400, "invalid_argument");
    const after = await scrape(server.base);
    const delta = (code) =>
      metric(after, "tidemark_errors_total", { code }) - metric(before, "tidemark_errors_total", { code });
    assert.equal(delta("not_found"), 1);
    assert.equal(delta("bad_path"), 1);
    assert.equal(delta("invalid_argument"), 1);
  });

  test("tidemark_operations_total{type,status} counts the operations that end", async () => {
    const before = await scrape(server.base);
    ok(await api.put("/api/v1/repositories/docs/objects/f.txt", "f\n"), 201);
    await writeTree(vol(), { "v3.txt": "v3\n" });
    ok(await api.post("/api/v1/repositories/vol/sync", {}), 202);
    const total = (s) => metric(s, "tidemark_operations_total");
    const after = await eventually("the upload's and the sync's operations are counted", async () => {
      const s = await scrape(server.base);
      return total(s) - total(before) >= 2 ? s : null;
    });
    const grew = after.filter(
      (s) => s.name === "tidemark_operations_total" && s.value > metric(before, s.name, s.labels),
    );
    assert.ok(grew.length >= 1);
    for (const s of grew) {
      assert.match(s.labels.type, /^(startup|realtime|reconciliation|on-demand|check|repair)$/);
      assert.match(s.labels.status, /^(completed|partial|failed)$/);
    }
    assert.ok(
      metric(after, "tidemark_operations_total", { type: "on-demand", status: "completed" }) >
        metric(before, "tidemark_operations_total", { type: "on-demand", status: "completed" }),
      "the upload is an on-demand operation that completed",
    );
  });

  test("/readyz: 503 naming a repository whose root is gone, 200 when it is back", async () => {
    const ready = await request(server.base, "GET", "/readyz");
    assert.equal(ready.status, 200, ready.body);
    assert.equal(ready.json.status, "ready");

    await rename(vol(), `${vol()}.away`);
    let res;
    try {
      res = await eventually("readyz says vol is degraded", async () => {
        const r = await request(server.base, "GET", "/readyz");
        return r.status === 503 ? r : null;
      });
      assertError(res, 503, "unavailable");
      assert.match(res.json.error, /vol/);
      assert.deepEqual(
        res.json.repositories.map((r) => r.name),
        ["vol"],
        "only vol is degraded",
      );
      assert.match(res.json.repositories[0].reason, /offline/);
      const summary = ok(await api.get("/api/v1/repositories/vol"));
      assert.equal(summary.degraded, true);
      assert.equal(summary.state, "offline");
      assert.equal(
        metric(await scrape(server.base), "tidemark_repository_online", { repository: "vol" }),
        0,
        "tidemark_repository_online says 0",
      );
      const records = ok(await api.get("/api/v1/repositories/vol/files")).files;
      assert.equal(records.length, 3, "an unreachable root removes no record");
    } finally {
      await rename(`${vol()}.away`, vol());
    }
    await eventually("readyz is 200 again", async () => (await request(server.base, "GET", "/readyz")).status === 200, {
      timeout: 20000,
    });
    assert.equal(ok(await api.get("/api/v1/repositories/vol")).degraded, false);
  });

  test("a mass disappearance pauses removals: /readyz names it, the records stay until the files are back", async () => {
    await rm(path.join(mass(), "gone"), { recursive: true });
    ok(await api.post("/api/v1/repositories/mass/sync", {}), 202);
    const res = await eventually("readyz says mass's removals are paused", async () => {
      const r = await request(server.base, "GET", "/readyz");
      return r.status === 503 && r.json.repositories.some((d) => d.name === "mass") ? r : null;
    });
    assertError(res, 503, "unavailable");
    assert.match(res.json.repositories.find((d) => d.name === "mass").reason, /paused/);
    const summary = ok(await api.get("/api/v1/repositories/mass"));
    assert.equal(summary.degraded, true);
    assert.equal(summary.totals.files, 4, "no record was removed");

    await writeTree(mass(), MASS);
    ok(await api.post("/api/v1/repositories/mass/sync", {}), 202);
    await eventually("readyz is 200 once a sync finds the files again", async () => {
      return (await request(server.base, "GET", "/readyz")).status === 200;
    });
    assert.equal(ok(await api.get("/api/v1/repositories/mass")).totals.files, 4);
  });
});
