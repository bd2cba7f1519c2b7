// Seed 003's routes on a repository with the products layout and the
// catalog as the truth: per-product and system-wide checks with the seed's
// fields (orphanedFiles, missingFiles, syncedFiles, errors), and the syncs
// that fix them with {removeOrphaned, recreateMissing}.
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { rm } from "node:fs/promises";
import path from "node:path";
import { after, before, test } from "node:test";

import { makeTmp, removeTmp, startServer, tidemark, tidemarkJson, writeTree } from "../harness.mjs";
import { apiDescribe, assertError, client, ok, tinyWebRoot } from "./api_harness.mjs";

const A = "products/p1/500ml/hero-card/a.jpg";
const B = "products/p1/500ml/info-card/b.jpg";
const C = "products/p1/1kg/hero-card/c.jpg";
const D = "products/p2/1kg/hero-card/d.jpg";
const ORPHAN = "products/p1/500ml/hero-card/orphan.jpg";
const STRAY = "products/p2/1kg/other-images/stray.jpg";

apiDescribe("seed 003: /admin/products", () => {
  let tmp;
  let db;
  let server;
  let api;
  const shop = () => path.join(tmp, "shop");
  const catalogPaths = async () => (await tidemarkJson(db, ["files", "shop"])).map((f) => f.path);

  before(async () => {
    tmp = await makeTmp();
    db = path.join(tmp, "catalog.db");
    await writeTree(shop(), { [A]: "a\n", [B]: "bb\n", [C]: "ccc\n", [D]: "dddd\n" });
    await tidemark(db, ["repo", "add", "shop", shop(), "--layout", "products", "--truth", "catalog"]);
    await tidemark(db, ["repair", "shop", "--adopt-orphaned", "--json"]);
    // Drift: a cataloged file gone, and files no record knows.
    await rm(path.join(shop(), B));
    await writeTree(shop(), { [ORPHAN]: "orphan\n", [STRAY]: "stray\n" });
    server = await startServer({ db, dir: tmp, web: await tinyWebRoot(tmp) });
    api = client(server.base);
  });

  after(async () => {
    await server?.stop();
    await removeTmp(tmp);
  });

  test("GET /admin/products/{id}/images/sync/check: the product's orphaned, missing and synced files", async () => {
    const p1 = ok(await api.get("/admin/products/p1/images/sync/check"));
    assert.equal(p1.productId, "p1");
    assert.deepEqual(p1.orphanedFiles, [ORPHAN]);
    assert.deepEqual(p1.missingFiles, [B]);
    assert.deepEqual([...p1.syncedFiles].sort(), [C, A].sort());
    assert.deepEqual(p1.errors, []);
    const p2 = ok(await api.get("/admin/products/p2/images/sync/check"));
    assert.deepEqual(p2.orphanedFiles, [STRAY]);
    assert.deepEqual(p2.missingFiles, []);
    assert.deepEqual(p2.syncedFiles, [D]);
    // A check changes nothing.
    assert.ok(existsSync(path.join(shop(), ORPHAN)));
    assert.ok((await catalogPaths()).includes(B));
  });

  test("GET /admin/products/sync/check-all: the seed's totals and one result per product", async () => {
    const all = ok(await api.get("/admin/products/sync/check-all"));
    assert.equal(all.totalProducts, 2);
    assert.equal(all.totalImages, 6);
    assert.equal(all.orphanedFiles, 2);
    assert.equal(all.missingFiles, 1);
    assert.equal(all.syncedFiles, 3);
    assert.equal(all.errors, 0);
    assert.deepEqual(all.results.map((r) => r.productId).sort(), ["p1", "p2"]);
    const p1 = all.results.find((r) => r.productId === "p1");
    assert.deepEqual(p1.orphanedFiles, [ORPHAN]);
    assert.deepEqual(p1.missingFiles, [B]);
  });

  test("POST /admin/products/{id}/images/sync needs an option, as booleans", async () => {
    assertError(await api.post("/admin/products/p1/images/sync", {}), 400, "invalid_argument");
    assertError(
      await api.post("/admin/products/p1/images/sync", { removeOrphaned: "yes" }),
      400,
      "invalid_argument",
    );
    assertError(await api.post("/admin/products/sync/sync-all", { recreateMissing: 1 }), 400, "invalid_argument");
    assertError(await api.get("/admin/products/%2e%2e/images/sync/check"), 400, "bad_path");
    assertError(await api.get("/admin/products/%252e%252e/images/sync/check"), 400, "bad_path");
  });

  test("removeOrphaned deletes the product's orphaned files from storage, and only its own", async () => {
    const res = ok(await api.post("/admin/products/p1/images/sync", { removeOrphaned: true }));
    assert.equal(res.productId, "p1");
    assert.equal(res.removedOrphaned, 1);
    assert.equal(existsSync(path.join(shop(), ORPHAN)), false, "the orphan is deleted from storage");
    assert.equal(existsSync(path.join(shop(), STRAY)), true, "another product's orphan stays");
    assert.equal(existsSync(path.join(shop(), A)), true);
    // The seed answers a sync with the product's check after it: lists,
    // the orphans "cleared after sync".
    assert.deepEqual(res.orphanedFiles, [], "the answer is the check after the sync");
    assert.deepEqual(res.missingFiles, [B]);
    assert.deepEqual([...res.syncedFiles].sort(), [C, A].sort());
    assert.deepEqual(res.errors, []);
    const p1 = ok(await api.get("/admin/products/p1/images/sync/check"));
    assert.deepEqual(p1.orphanedFiles, []);
    assert.deepEqual(p1.missingFiles, [B], "removeOrphaned alone leaves the missing record");
  });

  test("recreateMissing drops the record whose file is gone; the product checks clean", async () => {
    const res = ok(await api.post("/admin/products/p1/images/sync", { recreateMissing: true }));
    assert.equal(res.productId, "p1");
    assert.equal(res.success, true, JSON.stringify(res));
    assert.equal(res.droppedRecords, 1);
    assert.deepEqual(res.missingFiles, [], "cleared after sync");
    assert.deepEqual(res.orphanedFiles, []);
    assert.ok(!(await catalogPaths()).includes(B));
    const p1 = ok(await api.get("/admin/products/p1/images/sync/check"));
    assert.deepEqual(p1.missingFiles, []);
    assert.deepEqual(p1.orphanedFiles, []);
  });

  test("POST /admin/products/sync/sync-all recreates records for every product's files", async () => {
    const res = ok(await api.post("/admin/products/sync/sync-all", { recreateMissing: true }));
    assert.equal(res.orphanedFiles, 0);
    assert.equal(res.missingFiles, 0);
    assert.equal(res.syncedFiles, 4);
    assert.equal(res.recreatedRecords, 1);
    // The seed's sync-all answer is the check-all after it.
    assert.equal(res.totalProducts, 2);
    assert.equal(res.totalImages, 4);
    assert.equal(res.errors, 0);
    assert.deepEqual(res.results.map((r) => r.productId).sort(), ["p1", "p2"]);
    for (const r of res.results) assert.deepEqual(r.orphanedFiles, [], `${r.productId} is clean after the sync`);
    assert.ok((await catalogPaths()).includes(STRAY), "the stray file got a record");
    assert.equal(existsSync(path.join(shop(), STRAY)), true, "recreateMissing deletes nothing");
    const all = ok(await api.get("/admin/products/sync/check-all"));
    assert.equal(all.orphanedFiles, 0);
    assert.equal(all.missingFiles, 0);
    assert.equal(all.syncedFiles, 4);
  });
});
