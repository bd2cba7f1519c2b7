// The event stream (GET /api/v1/events, Server-Sent Events): ids that
// only grow, typed events with JSON data, ResourceChanged for a single
// file, ResourceBatchChanged and BulkOperationCompleted for a scan of many,
// resuming with Last-Event-ID, and `event: reset` for an id this server
// cannot continue from.
//   plain  storage truth, watched by the daemon
//   docs   truth=catalog (uploads)
import assert from "node:assert/strict";
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { after, before, test } from "node:test";

import { eventually, makeTmp, removeTmp, startServer, tidemark, writeTree } from "../harness.mjs";
import { apiDescribe, client, eventStreams, metric, ok, scrape, tinyWebRoot, writeConfig } from "./api_harness.mjs";

const SCANNED = 60;

apiDescribe("events", () => {
  let tmp;
  let db;
  let server;
  let api;
  const streams = eventStreams(() => server.base);
  const open = streams.open;

  before(async () => {
    tmp = await makeTmp();
    db = path.join(tmp, "catalog.db");
    await writeTree(path.join(tmp, "plain"), { "seed.txt": "seed\n" });
    await tidemark(db, ["repo", "add", "plain", path.join(tmp, "plain")]);
    await tidemark(db, ["scan", "plain"]);
    await writeTree(path.join(tmp, "docs"), { "a.txt": "a\n" });
    await tidemark(db, ["repo", "add", "docs", path.join(tmp, "docs"), "--truth", "catalog"]);
    server = await startServer({ db, dir: tmp, web: await tinyWebRoot(tmp) });
    api = client(server.base);
  });

  after(async () => {
    streams.closeAll();
    await server?.stop();
    await removeTmp(tmp);
  });

  test("the stream is text/event-stream; events carry a growing id, a type and JSON data", async () => {
    const s = await open();
    assert.equal(s.status, 200);
    assert.match(s.headers["content-type"] || "", /^text\/event-stream/);
    ok(await api.put("/api/v1/repositories/docs/objects/first.txt", "first\n"), 201);
    ok(await api.put("/api/v1/repositories/docs/objects/second.txt", "second\n"), 201);
    await s.waitFor((e) => e.data?.path === "second.txt", "the second upload's event");
    assert.ok(s.events.length >= 2);
    for (const e of s.events) {
      assert.ok(Number.isSafeInteger(e.id) && e.id > 0, `an id on every event: ${JSON.stringify(e)}`);
      assert.match(e.type ?? "", /^(ResourceChanged|ResourceBatchChanged|BulkOperationCompleted)$/);
      assert.notEqual(e.data, undefined, `data is JSON: ${e.rawData}`);
    }
    const ids = s.events.map((e) => e.id);
    assert.deepEqual(ids, [...ids].sort((a, b) => a - b), "ids only grow");
    assert.equal(new Set(ids).size, ids.length, "no id twice");
  });

  test("an upload is a ResourceChanged of its file", async () => {
    const s = await open();
    const up = ok(await api.put("/api/v1/repositories/docs/objects/pics/one.jpg", "jpeg\n"), 201);
    const changed = await s.waitFor(
      (e) => e.type === "ResourceChanged" && e.data.resource === "file" && e.data.path === "pics/one.jpg",
      "ResourceChanged for pics/one.jpg",
    );
    assert.equal(changed.data.action, "created");
    assert.equal(changed.data.repository, "docs");
    assert.equal(changed.data.id, up.record.id, "the event names the record the upload made");
    ok(await api.del("/api/v1/repositories/docs/objects/pics/one.jpg"));
    const deleted = await s.waitFor(
      (e) => e.type === "ResourceChanged" && e.data.path === "pics/one.jpg" && e.data.action === "deleted",
      "ResourceChanged deleted for pics/one.jpg",
    );
    assert.equal(deleted.data.id, up.record.id);
  });

  test("a scan of many files is ResourceBatchChanged, then BulkOperationCompleted", async () => {
    const s = await open();
    const dir = path.join(tmp, "plain", "many");
    await mkdir(dir, { recursive: true });
    for (let i = 0; i < SCANNED; i++) await writeFile(path.join(dir, `f${i}.txt`), `${i}\n`);
    ok(await api.post("/api/v1/repositories/plain/sync", {}), 202);
    await eventually("the catalog has the new files", async () => {
      const r = ok(await api.get("/api/v1/repositories/plain"));
      return r.totals.files === SCANNED + 1;
    });
    const batch = await s.waitFor(
      (e) => e.type === "ResourceBatchChanged" && e.data.repository === "plain" && e.data.resource === "file",
      "a ResourceBatchChanged of plain's files",
    );
    assert.ok(batch.data.created > 1, JSON.stringify(batch.data));
    // Whatever way the watcher and the sync split the work, the events
    // account for every new file exactly once.
    await eventually(`events for all ${SCANNED} new files`, async () => {
      let created = 0;
      for (const e of s.events) {
        if (e.data?.repository !== "plain" || e.data?.resource !== "file") continue;
        if (e.type === "ResourceBatchChanged") created += e.data.created;
        if (e.type === "ResourceChanged" && e.data.action === "created") created += 1;
      }
      return created === SCANNED;
    });
    const done = await s.waitFor(
      (e) => e.type === "BulkOperationCompleted" && e.data.repository === "plain" && e.id > batch.id,
      "BulkOperationCompleted for plain after the batch",
    );
    assert.equal(done.data.operation.repository, "plain");
    assert.ok(done.data.operation.id, JSON.stringify(done.data));
    assert.match(done.data.operation.status, /^(completed|succeeded|partial)$/, JSON.stringify(done.data.operation));
  });

  test("reconnecting with Last-Event-ID replays exactly the events after it", async () => {
    const live = await open();
    for (const name of ["r1", "r2", "r3", "r4"]) {
      ok(await api.put(`/api/v1/repositories/docs/objects/${name}.txt`, `${name}\n`), 201);
    }
    await live.waitFor((e) => e.data?.path === "r4.txt", "the last upload's event");
    const r2 = live.events.find((e) => e.data?.path === "r2.txt" && e.type === "ResourceChanged");
    // Nothing else is happening: the live stream holds every event up to now.
    const expected = live.events.filter((e) => e.id > r2.id);
    assert.ok(expected.length >= 2);
    const resumed = await open({ lastEventId: r2.id });
    await resumed.waitFor((e) => e.id === expected.at(-1).id, "the resumed stream reaches the newest event");
    const strip = (list) => list.map(({ id, type, data }) => ({ id, type, data }));
    assert.deepEqual(strip(resumed.events.slice(0, expected.length)), strip(expected));
    assert.ok(!resumed.events.some((e) => e.id <= r2.id), "nothing at or before the given id");

    const byQuery = await open({ query: `?last_event_id=${r2.id}` });
    await byQuery.waitFor((e) => e.id === expected.at(-1).id, "?last_event_id= resumes too");
    assert.deepEqual(strip(byQuery.events.slice(0, expected.length)), strip(expected));
  });

  test("a stream without Last-Event-ID starts at the newest event", async () => {
    const earlier = await open();
    ok(await api.put("/api/v1/repositories/docs/objects/before.txt", "b\n"), 201);
    await earlier.waitFor((e) => e.data?.path === "before.txt", "before.txt's event");
    const fresh = await open();
    ok(await api.put("/api/v1/repositories/docs/objects/after.txt", "a\n"), 201);
    await fresh.waitFor((e) => e.data?.path === "after.txt", "after.txt's event");
    assert.ok(!fresh.events.some((e) => e.data?.path === "before.txt"), "no replay of older events");
  });

  test("an id this server never gave (from before a restart) opens with event: reset", async () => {
    const live = await open();
    ok(await api.put("/api/v1/repositories/docs/objects/reset.txt", "r\n"), 201);
    const last = (await live.waitFor((e) => e.data?.path === "reset.txt", "reset.txt's event")).id;
    const s = await open({ lastEventId: last + 100000 });
    const reset = await s.waitFor((e) => e.type === "reset", "event: reset");
    assert.equal(s.events[0].type, "reset", "the reset comes first");
    assert.ok(reset.data.last_id >= last, JSON.stringify(reset.data));
    assert.equal(reset.id, reset.data.last_id);
    // The stream goes on from there.
    ok(await api.put("/api/v1/repositories/docs/objects/after-reset.txt", "r\n"), 201);
    const next = await s.waitFor((e) => e.data?.path === "after-reset.txt", "an event after the reset");
    assert.ok(next.id > reset.id);
  });
});

// The buffer keeps the last 10,000 events (docs/API.md). [scan]
// batch_size = 1 makes the startup sync of 10,250 files publish an event
// per file, enough to push the oldest out.
apiDescribe("events: the resume buffer", () => {
  const KEPT = 10000;
  const FILES = 10250;
  let tmp;
  let server;
  const streams = eventStreams(() => server.base);
  const open = streams.open;

  before(async () => {
    tmp = await makeTmp();
    const db = path.join(tmp, "catalog.db");
    const root = path.join(tmp, "many");
    for (let d = 0; d < FILES / 250; d++) {
      await mkdir(path.join(root, `d${d}`), { recursive: true });
      await Promise.all(Array.from({ length: 250 }, (_, f) => writeFile(path.join(root, `d${d}`, `f${f}`), "")));
    }
    await tidemark(db, ["repo", "add", "many", root]);
    const config = await writeConfig(tmp, ["[scan]", "batch_size = 1", 'hash = "none"']);
    server = await startServer({ db, dir: tmp, web: await tinyWebRoot(tmp), globalArgs: ["--config", config] });
    const api = client(server.base);
    await eventually(
      "the startup sync catalogs every file",
      async () => ok(await api.get("/api/v1/repositories/many")).totals.files === FILES,
      { timeout: 60000 },
    );
    // Then quiet: the sync's BulkOperationCompleted is the last event.
    await eventually("the startup sync ends", async () => {
      const samples = await scrape(server.base);
      return metric(samples, "tidemark_events_total", { type: "BulkOperationCompleted" }) >= 1;
    });
  });

  after(async () => {
    streams.closeAll();
    await server?.stop();
    await removeTmp(tmp);
  });

  test("an id whose successors are all kept replays them; one older opens with event: reset", async () => {
    // The newest id, from the reset an unknown id gets.
    const probe = await open({ lastEventId: Number.MAX_SAFE_INTEGER });
    const last = (await probe.waitFor((e) => e.type === "reset", "the probe's reset")).data.last_id;
    assert.ok(last > KEPT + 1, `the startup sync published ${last} events`);

    const oldest = await open({ lastEventId: last - KEPT });
    await oldest.waitFor((e) => e.id === last, "the replay reaches the newest event", 30000);
    assert.equal(oldest.events[0].type, "ResourceChanged", "no reset: every event after the id is kept");
    assert.equal(oldest.events[0].id, last - KEPT + 1);
    assert.equal(oldest.events.filter((e) => e.id <= last).length, KEPT, "all of them, each once");

    const tooOld = await open({ lastEventId: last - KEPT - 1 });
    const reset = await tooOld.waitFor((e) => e.type === "reset", "event: reset for an id too old");
    assert.equal(tooOld.events[0], reset, "the reset comes first");
    assert.equal(reset.data.last_id, last);
    assert.ok(!tooOld.events.some((e) => e.type !== "reset" && e.id <= last), "and no stale replay after it");
  });
});

// A browser's EventSource reconnects by itself with the last id it saw,
// also when the server restarted in between. Ids only grow, across
// restarts too: an id from the previous run gets a reset, never a replay
// of the new run's events as if they came after it.
apiDescribe("events: across a restart", () => {
  let tmp;
  let db;
  let web;
  let server;
  const streams = eventStreams(() => server.base);
  const open = streams.open;

  before(async () => {
    tmp = await makeTmp();
    db = path.join(tmp, "catalog.db");
    web = await tinyWebRoot(tmp);
    await writeTree(path.join(tmp, "docs"), { "a.txt": "a\n" });
    await tidemark(db, ["repo", "add", "docs", path.join(tmp, "docs"), "--truth", "catalog"]);
    server = await startServer({ db, dir: tmp, web });
  });

  after(async () => {
    streams.closeAll();
    await server?.stop();
    await removeTmp(tmp);
  });

  test("an id from before the restart opens with event: reset", async () => {
    const first = await open();
    const api = client(server.base);
    ok(await api.put("/api/v1/repositories/docs/objects/before.txt", "b\n"), 201);
    const seen = (await first.waitFor((e) => e.data?.path === "before.txt", "before.txt's event")).id;
    const earlierRun = first.events.length;
    first.close();
    await server.stop();

    server = await startServer({ db, dir: tmp, web });
    const api2 = client(server.base);
    const live = await open();
    // More events in the new run than in the old one up to that id.
    for (let i = 0; live.events.length <= earlierRun + 3; i++) {
      ok(await api2.put(`/api/v1/repositories/docs/objects/after-${i}.txt`, `${i}\n`), 201);
      await live.waitFor((e) => e.data?.path === `after-${i}.txt`, `after-${i}.txt's event`);
    }
    const resumed = await open({ lastEventId: seen });
    await eventually("the resumed stream says something", async () => resumed.events.length > 0);
    assert.equal(
      resumed.events[0].type,
      "reset",
      `an id of the previous run (${seen}) is not one of this run's: ${JSON.stringify(resumed.events.slice(0, 2))}`,
    );
    assert.ok(live.events.every((e) => e.id > seen), "the new run's ids are above the old run's");
  });
});
