// Seed 000's routes (/api/cars...) on a repository with the cars layout:
// the seed's shapes, sync on read with its throttle (a young sync is not
// repeated, ?max_age=0 forces one, concurrent reads share one, and
// stale-while-revalidate answers at once), locks as _LOCK.json on disk, and
// is_used kept across syncs.
//
// The daemon is told to watch only `other`, so the cars repository
// changes only through the syncs these routes run: a car written on disk
// shows up when, and only when, a sync reads it.
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import path from "node:path";
import { after, before, test } from "node:test";

import { eventually, makeTmp, removeTmp, startServer, tidemark, writeCar, writeTree } from "../harness.mjs";
import { apiDescribe, assertError, client, ok, tinyWebRoot, writeConfig } from "./api_harness.mjs";

const GOLF = { region: "MSK", make: "Volkswagen", model: "Golf", vin: "WVWZZZ1JZXW000001" };
const OCTAVIA = { region: "SPB", make: "Skoda", model: "Octavia", vin: "TMBZZZ1Z0X0000002" };
const CAMRY = { region: "MSK", make: "Toyota", model: "Camry", vin: "JTNBE46K000000003" };

const SLOT_FIELDS = [
  "id",
  "car_id",
  "slot_type",
  "slot_index",
  "status",
  "locked_at",
  "locked_by",
  "lock_meta_json",
  "disk_slot_path",
  "public_url",
  "is_used",
  "marked_used_at",
  "marked_used_by",
  "file_count",
  "total_size_mb",
  "last_sync_at",
];

async function carsFixture(tmp) {
  const photoRoot = path.join(tmp, "disk", "Фото");
  await writeCar(photoRoot, { ...GOLF, locked: ["buyout/2"], files: { "dealer/1": 2, "buyout/1": 1 } });
  await writeCar(photoRoot, { ...OCTAVIA, files: { "dummies/5": 1 } });
  await writeTree(path.join(tmp, "other"), { "o.txt": "o\n" });
  return photoRoot;
}

// The cars fixture in a fresh catalog, with a plain repository "other"
// beside it, and the real server over both with `serveLines` under [serve].
async function startCarsServer(serveLines) {
  const tmp = await makeTmp();
  const db = path.join(tmp, "catalog.db");
  const photoRoot = await carsFixture(tmp);
  await tidemark(db, ["repo", "add", "cars", photoRoot, "--layout", "cars"]);
  await tidemark(db, ["repo", "add", "other", path.join(tmp, "other")]);
  const config = await writeConfig(tmp, ["[serve]", ...serveLines]);
  const server = await startServer({
    db,
    dir: tmp,
    web: await tinyWebRoot(tmp),
    globalArgs: ["--config", config],
    extraArgs: ["other"],
  });
  return { tmp, photoRoot, server, api: client(server.base) };
}

apiDescribe("seed 000: /api/cars", () => {
  let tmp;
  let server;
  let api;
  let photoRoot;
  const syncStatus = async () => ok(await api.get("/api/cars/sync/status"));
  const syncs = async () => (await syncStatus()).regions["*"]?.syncs ?? 0;
  const slotOf = (car, type, index) => car.slots.find((s) => s.slot_type === type && s.slot_index === index);

  before(async () => {
    // A max age longer than the test: only ?max_age and POST sync force one.
    ({ tmp, photoRoot, server, api } = await startCarsServer(["sync_max_age_ms = 3600000"]));
  });

  after(async () => {
    await server?.stop();
    await removeTmp(tmp);
  });

  test("concurrent GETs on a catalog never synced share one sync", async () => {
    assert.equal(await syncs(), 0);
    const answers = await Promise.all(Array.from({ length: 10 }, () => api.get("/api/cars")));
    for (const res of answers) {
      assert.equal(res.status, 200, res.body);
      assert.deepEqual(res.json.map((c) => c.vin).sort(), [GOLF.vin, OCTAVIA.vin].sort(), "every answer has both cars");
    }
    const how = answers.map((r) => r.headers["x-tidemark-sync"]);
    assert.equal(how.filter((h) => h === "ran").length, 1, `one read ran the sync: ${how}`);
    assert.ok(how.every((h) => ["ran", "shared", "fresh"].includes(h)), String(how));
    assert.equal(await syncs(), 1, "one sync for ten reads");
  });

  test("cars and slots have seed 000's fields; the lock comes from _LOCK.json", async () => {
    const cars = ok(await api.get("/api/cars"));
    const golf = cars.find((c) => c.vin === GOLF.vin);
    for (const key of ["id", "region", "make", "model", "vin", "disk_root_path", "deleted_at", "slots"]) {
      assert.ok(key in golf, `car field ${key}`);
    }
    assert.equal(golf.region, "MSK");
    assert.equal(golf.make, "Volkswagen");
    assert.equal(golf.model, "Golf");
    assert.equal(golf.deleted_at, null);
    assert.equal(golf.slots.length, 14, "dealer, 8 buyout, 5 dummies");
    assert.equal(golf.slots.filter((s) => s.slot_type === "buyout").length, 8);
    assert.equal(golf.slots.filter((s) => s.slot_type === "dummies").length, 5);
    for (const s of golf.slots) {
      for (const key of SLOT_FIELDS) assert.ok(key in s, `slot field ${key}`);
      assert.equal(s.car_id, golf.id);
    }
    const locked = golf.slots.filter((s) => s.status === "locked");
    assert.deepEqual(
      locked.map((s) => [s.slot_type, s.slot_index]),
      [["buyout", 2]],
    );
    assert.equal(slotOf(golf, "dealer", 1).file_count, 2);
    assert.equal(slotOf(golf, "buyout", 2).file_count, 0, "_LOCK.json is not counted");
    assert.equal(slotOf(golf, "buyout", 1).file_count, 1);
    assert.equal(typeof slotOf(golf, "dealer", 1).total_size_mb, "number");
    assert.ok(golf.slots.every((s) => s.is_used === false));
  });

  test("one car by id and by VIN; ?region= filters; unknown cars are 404", async () => {
    const cars = ok(await api.get("/api/cars"));
    const golf = cars.find((c) => c.vin === GOLF.vin);
    const byId = ok(await api.get(`/api/cars/${golf.id}`));
    const byVin = ok(await api.get(`/api/cars/vin/${GOLF.vin}`));
    assert.equal(byId.vin, GOLF.vin);
    assert.equal(byVin.id, golf.id);
    assert.deepEqual(byVin.slots.map((s) => s.id), golf.slots.map((s) => s.id));
    const spb = ok(await api.get("/api/cars?region=SPB"));
    assert.deepEqual(spb.map((c) => c.vin), [OCTAVIA.vin]);
    assertError(await api.get("/api/cars/vin/AAAAAAAAAAAAAAAAA"), 404, "not_found");
    assertError(await api.get("/api/cars/987654"), 404, "not_found");
  });

  test("fields of the wrong type are 400 naming the field; a region with '..' is bad_path", async () => {
    const golf = ok(await api.get("/api/cars")).find((c) => c.vin === GOLF.vin);
    const slot = `/api/cars/${golf.id}/slots/dealer/1`;
    for (const [route, body, field] of [
      [`${slot}/lock`, { by: 5 }, "by"],
      [`${slot}/lock`, { note: ["a"] }, "note"],
      [`${slot}/used`, { is_used: "yes" }, "is_used"],
      [`${slot}/used`, { by: {} }, "by"],
      ["/api/cars/sync", { region: 5 }, "region"],
    ]) {
      const res = await api.post(route, body);
      assertError(res, 400, "invalid_argument", `${route} ${JSON.stringify(body)}`);
      assert.match(res.json.error, new RegExp(`'${field}'`));
    }
    assert.equal(existsSync(path.join(photoRoot, GOLF.region, `${GOLF.make} ${GOLF.model} ${GOLF.vin}`, "1. Дилер фото",
      `${GOLF.make} ${GOLF.model} ${GOLF.vin}`, "_LOCK.json")), false, "no lock was written");
    assertError(await api.get("/api/cars?region=.."), 400, "bad_path");
    assertError(await api.get("/api/cars?region=%2e%2e%2fx"), 400, "bad_path");
    assertError(await api.post("/api/cars/sync", { region: "../x" }), 400, "bad_path");
  });

  test("a read within the max age does not sync; ?max_age=0 does, and sees a car added on disk", async () => {
    const before = await syncs();
    const opsBefore = ok(await api.get("/api/v1/repositories/cars/operations?limit=1000")).operations.length;
    await writeCar(photoRoot, { ...CAMRY, files: { "dealer/1": 1 } });

    const cached = await api.get("/api/cars");
    assert.equal(cached.status, 200);
    assert.equal(cached.headers["x-tidemark-sync"], "fresh");
    assert.ok(!cached.json.some((c) => c.vin === CAMRY.vin), "the throttled read answers from the catalog");
    assert.equal(await syncs(), before, "no sync ran");
    const opsBetween = ok(await api.get("/api/v1/repositories/cars/operations?limit=1000")).operations.length;
    assert.equal(opsBetween, opsBefore, "no operation in the history");

    const forced = await api.get("/api/cars?max_age=0");
    assert.equal(forced.status, 200);
    assert.equal(forced.headers["x-tidemark-sync"], "ran");
    assert.ok(forced.json.some((c) => c.vin === CAMRY.vin), "the forced sync found the new car");
    assert.equal(await syncs(), before + 1);
    const opsAfter = ok(await api.get("/api/v1/repositories/cars/operations?limit=1000")).operations.length;
    assert.ok(opsAfter > opsBetween, "the sync is in the history");
    assertError(await api.get("/api/cars?max_age=soon"), 400, "invalid_argument");
  });

  test("POST /api/cars/sync answers seed 000's syncRegion result", async () => {
    const spbBefore = (await syncStatus()).regions.SPB?.syncs ?? 0;
    const all = ok(await api.post("/api/cars/sync", {}));
    assert.equal(all.success, true, JSON.stringify(all));
    assert.equal(all.carsFound, 3);
    assert.equal(all.slotsFound, 42);
    const spb = ok(await api.post("/api/cars/sync", { region: "SPB" }));
    assert.equal(spb.success, true);
    assert.equal(spb.carsFound, 1);
    assert.equal(spb.slotsFound, 14);
    const status = await syncStatus();
    assert.equal(status.regions.SPB.syncs, spbBefore + 1);
    assert.equal(status.regions.SPB.last_result.carsFound, 1);
  });

  test("lock writes _LOCK.json into the slot's folder; unlock removes it; twice is 409", async () => {
    const car = `${GOLF.make} ${GOLF.model} ${GOLF.vin}`;
    const lockFile = path.join(photoRoot, "MSK", car, "2. Выкуп фото", `5. ${car}`, "_LOCK.json");
    assert.equal(existsSync(lockFile), false);
    const locked = ok(await api.post(`/api/cars/${GOLF.vin}/slots/buyout/5/lock`, { by: "anna", note: "shoot" }));
    assert.equal(locked.status, "locked");
    assert.equal(locked.locked_by, "anna");
    assert.equal(existsSync(lockFile), true, "the lock is on disk, the truth for lock state");
    const shown = ok(await api.get(`/api/cars/vin/${GOLF.vin}?max_age=0`));
    assert.equal(slotOf(shown, "buyout", 5).status, "locked", "a sync reads the lock back from disk");

    const again = await api.post(`/api/cars/${GOLF.vin}/slots/buyout/5/lock`, {});
    assertError(again, 409, "conflict", "locking a locked slot");
    const unlocked = ok(await api.post(`/api/cars/${GOLF.vin}/slots/buyout/5/unlock`, {}));
    assert.equal(unlocked.status, "empty");
    assert.equal(existsSync(lockFile), false);
    assertError(await api.post(`/api/cars/${GOLF.vin}/slots/buyout/5/unlock`, {}), 409, "conflict", "unlock twice");
    assertError(await api.post(`/api/cars/${GOLF.vin}/slots/buyout/42/lock`, {}), 404, "not_found", "no such slot");
    assert.equal(existsSync(path.join(photoRoot, "MSK", car, "2. Выкуп фото", `42. ${car}`)), false);
  });

  test("is_used is business state: it survives syncs", async () => {
    assertError(await api.post(`/api/cars/${GOLF.vin}/slots/dealer/1/used`, { is_used: "yes" }), 400, "invalid_argument");
    const used = ok(await api.post(`/api/cars/${GOLF.vin}/slots/dealer/1/used`, { is_used: true, by: "boss" }));
    assert.equal(used.is_used, true);
    assert.equal(used.marked_used_by, "boss");
    assert.ok(used.marked_used_at);
    ok(await api.post("/api/cars/sync", {}));
    const after = ok(await api.get(`/api/cars/vin/${GOLF.vin}?max_age=0`));
    const dealer = slotOf(after, "dealer", 1);
    assert.equal(dealer.is_used, true, "is_used kept across the syncs");
    assert.equal(dealer.marked_used_by, "boss");
    assert.equal(dealer.file_count, 2);
    const unused = ok(await api.post(`/api/cars/${GOLF.vin}/slots/dealer/1/used`, { is_used: false }));
    assert.equal(unused.is_used, false);
  });
});

apiDescribe("seed 000: stale-while-revalidate", () => {
  let tmp;
  let server;
  let api;
  let photoRoot;

  before(async () => {
    ({ tmp, photoRoot, server, api } = await startCarsServer([
      "stale_while_revalidate = true",
      "sync_max_age_ms = 0",
    ]));
  });

  after(async () => {
    await server?.stop();
    await removeTmp(tmp);
  });

  test("a stale read answers from the catalog at once; the background sync's cars show on a later read", async () => {
    const status = ok(await api.get("/api/cars/sync/status"));
    assert.equal(status.stale_while_revalidate, true);
    const first = await api.get("/api/cars");
    assert.equal(first.status, 200);
    assert.equal(first.headers["x-tidemark-sync"], "stale");
    assert.equal(first.headers["x-tidemark-synced-at"], undefined, "the answer did not wait for a sync");
    await eventually("the background sync's cars appear", async () => {
      const res = await api.get("/api/cars");
      return res.json.length === 2;
    });

    await writeCar(photoRoot, { ...CAMRY, files: { "dealer/1": 1 } });
    const stale = await api.get("/api/cars");
    assert.equal(stale.status, 200);
    assert.match(stale.headers["x-tidemark-sync"], /^(stale|fresh)$/);
    await eventually("the new car shows on a later read", async () => {
      const res = await api.get("/api/cars");
      return res.json.some((c) => c.vin === CAMRY.vin);
    });
    // ?max_age waits for its sync even here.
    const forced = await api.get("/api/cars?max_age=0");
    assert.match(forced.headers["x-tidemark-sync"], /^(ran|shared)$/);
  });
});
