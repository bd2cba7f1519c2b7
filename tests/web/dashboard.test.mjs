// End-to-end: the real `tidemark serve` with the built dashboard, three
// repositories made with the CLI, and Debian's chromium reading the page
// the way a person would.
//
//   photos  truth=catalog: nothing syncs it behind the test's back, so a
//           file removed on disk stays "missing" until a repair drops it
//   plain   storage truth, scanned before the server starts
//   cars    the cars layout (seed 000): one car, a locked buyout slot
import assert from "node:assert/strict";
import { mkdir, rm } from "node:fs/promises";
import path from "node:path";
import { after, before, describe, test } from "node:test";

import {
  artifacts,
  ci,
  eventually,
  getJson,
  httpGet,
  launchBrowser,
  makeTmp,
  missingPrerequisite,
  removeTmp,
  startServer,
  tidemark,
  tidemarkJson,
  writeCar,
  writeTree,
} from "./harness.mjs";

const VIN = "WVWZZZ1JZXW000001";
const missingWhy = await missingPrerequisite();
if (missingWhy && ci) {
  // CI runs every test: a missing binary or browser is a failure there.
  test("prerequisites", () => assert.fail(`CI=true and ${missingWhy}`));
}

describe("dashboard", { skip: missingWhy && !ci ? missingWhy : false, concurrency: false }, () => {
  let tmp;
  let db;
  let server;
  let browser;
  let page;
  const pageErrors = [];
  const photosDir = () => path.join(tmp, "photos");

  const card = (name) => page.locator(`[data-testid=repo-card][data-repo="${name}"]`);
  // A metric's raw number (data-value), or null while it shows "—".
  const metric = async (name, key) => {
    const v = await card(name).locator(`[data-testid=${key}]`).getAttribute("data-value");
    return v === null ? null : Number(v);
  };
  const summary = (name) => getJson(server.base, `/api/v1/repositories/${encodeURIComponent(name)}`);

  before(async () => {
    tmp = await makeTmp();
    db = path.join(tmp, "catalog.db");

    await writeTree(photosDir(), {
      "a/one.jpg": "one\n",
      "a/two.jpg": "two two\n",
      "b/three.jpg": "three three three\n",
      "b/deep/four.jpg": "four\n",
    });
    await tidemark(db, ["repo", "add", "photos", photosDir(), "--truth", "catalog"]);
    // A catalog-truth repository is not scanned; adopting catalogs it.
    await tidemark(db, ["repair", "photos", "--adopt-orphaned", "--json"]);

    await writeTree(path.join(tmp, "plain"), { "x.txt": "x\n", "y/z.txt": "zz\n" });
    await tidemark(db, ["repo", "add", "plain", path.join(tmp, "plain")]);

    const photoRoot = path.join(tmp, "disk", "Фото");
    await writeCar(photoRoot, {
      region: "MSK",
      make: "Volkswagen",
      model: "Golf",
      vin: VIN,
      locked: ["buyout/2"],
      files: { "dealer/1": 2, "buyout/1": 1 },
    });
    await tidemark(db, ["repo", "add", "cars", photoRoot, "--layout", "cars"]);
    await tidemark(db, ["scan", "plain", "cars"]);

    server = await startServer({ db, dir: tmp });
    browser = await launchBrowser(tmp);
    page = browser.pages()[0] ?? (await browser.newPage());
    page.on("pageerror", (e) => pageErrors.push(`pageerror: ${e.message}`));
    page.on("console", (m) => {
      if (m.type() === "error") pageErrors.push(`console: ${m.text()}`);
    });
  });

  after(async () => {
    if (page && !page.isClosed()) {
      await mkdir(artifacts, { recursive: true });
      await page.screenshot({ path: path.join(artifacts, "dashboard.png"), fullPage: true }).catch(() => {});
    }
    await browser?.close().catch(() => {});
    const exited = await server?.stop();
    if (server && process.env.TIDEMARK_SHOW_SERVER_LOG) console.log(server.log);
    if (exited && exited.code !== 0 && exited.signal === null) {
      console.log(`# tidemark serve exited with ${exited.code} after SIGTERM; its log:\n${server.log}`);
    }
    await removeTmp(tmp);
  });

  test("the page loads and shows every repository with the catalog's numbers", async () => {
    await page.goto(server.base + "/");
    assert.equal(await page.title(), "tidemark");
    await page.locator("[data-testid=repos][data-loaded=true]").waitFor({ timeout: 15000 });
    const api = (await getJson(server.base, "/api/v1/repositories")).repositories;
    const cli = (await tidemarkJson(db, ["status"])).repositories;
    assert.deepEqual(api.map((r) => r.name).sort(), ["cars", "photos", "plain"]);
    assert.equal(await page.locator("[data-testid=repo-card]").count(), 3);
    for (const r of api) {
      const fromCli = cli.find((c) => c.name === r.name);
      assert.equal(r.totals.files, fromCli.totals.files, `${r.name}: the API's files = status --json's`);
      assert.equal(r.totals.bytes, fromCli.totals.bytes, `${r.name}: the API's bytes = status --json's`);
      assert.equal(await metric(r.name, "files"), r.totals.files, `${r.name}: the card's files`);
      assert.equal(
        await card(r.name).locator("[data-testid=bytes]").getAttribute("data-value"),
        String(r.totals.bytes),
      );
      assert.equal(await card(r.name).locator("[data-testid=state]").textContent(), r.state);
      assert.equal(await card(r.name).getAttribute("data-degraded"), String(!!r.degraded));
      for (const key of ["synced", "orphaned", "missing", "modified"]) {
        assert.equal(await metric(r.name, key), r.drift ? r.drift[key] : null, `${r.name}: ${key}`);
      }
    }
    assert.equal(await metric("photos", "files"), 4);
    assert.equal(await metric("plain", "files"), 2);
  });

  test("the history lists the operations, newest first, as the API does", async () => {
    await page.locator("#operations[data-loaded=true]").waitFor({ timeout: 10000 });
    const rows = page.locator("[data-testid=operation]");
    // The cars grid's GET /api/cars may sync, adding an operation after the
    // page loaded; Refresh, then compare with what the API says now.
    await page.locator("[data-testid=refresh]").click();
    let ops = [];
    await eventually("the history shows the API's operations", async () => {
      ops = (await getJson(server.base, "/api/v1/operations?limit=50")).operations;
      const ids = await rows.evaluateAll((trs) => trs.map((tr) => tr.dataset.id));
      return ops.length >= 2 && ids.join(",") === ops.map((o) => String(o.id)).join(",") && ids;
    });
    assert.equal(await rows.first().getAttribute("data-repo"), ops[0].repository);
    assert.equal(await rows.first().getAttribute("data-status"), ops[0].status);
    const times = ops.map((o) => o.start_time);
    assert.deepEqual(times, [...times].sort().reverse(), "the API lists the newest first");
    const latest = await page.locator("[data-testid=last-operation-global]").textContent();
    assert.match(latest, new RegExp(`Last operation: ${ops[0].repository} — ${ops[0].type} ${ops[0].status}`));
  });

  test("Check, then a file removed on disk: the card shows 1 missing", async () => {
    const photos = card("photos");
    await photos.locator("[data-testid=check]").click();
    await eventually("the first check is clean", async () => (await metric("photos", "missing")) === 0);
    assert.equal(await metric("photos", "synced"), 4);
    assert.equal(await metric("photos", "orphaned"), 0);

    await rm(path.join(photosDir(), "b/three.jpg"));
    await photos.locator("[data-testid=check]").click();
    await eventually("the second check finds the missing file", async () => (await metric("photos", "missing")) === 1);
    assert.equal(await metric("photos", "synced"), 3);
    assert.equal(await photos.locator("[data-testid=job-status]").getAttribute("data-job-status"), "succeeded");
    await eventually("the API's drift says 1 missing", async () => (await summary("photos")).drift?.missing === 1);
    // A catalog-truth repository keeps the record until a repair.
    assert.equal(await metric("photos", "files"), 4);
  });

  test("Repair: the dry run previews dropping the record, Confirm drops it", async () => {
    const photos = card("photos");
    await photos.locator("[data-testid=repair-options] summary").click();
    await photos.locator("[data-testid=repair-orphaned]").selectOption("leave");
    await photos.locator("[data-testid=repair-missing]").selectOption("drop");
    await photos.locator("[data-testid=repair]").click();

    const preview = photos.locator("[data-testid=repair-preview]");
    await preview.waitFor({ state: "visible", timeout: 15000 });
    assert.equal(await preview.locator("[data-testid=plan-drop_records]").getAttribute("data-count"), "1");
    assert.equal(await preview.locator("[data-testid=plan-adopt]").getAttribute("data-count"), "0");
    assert.equal(await preview.locator("[data-testid=plan-remove_objects]").getAttribute("data-count"), "0");
    assert.match(await preview.locator("[data-testid=plan-drop_records]").textContent(), /b\/three\.jpg/);
    // The dry run changed nothing.
    assert.equal((await summary("photos")).totals.files, 4);

    await preview.locator("[data-testid=repair-confirm]").click();
    await eventually("the repair drops the missing record", async () => (await metric("photos", "missing")) === 0);
    await eventually("the card counts 3 files", async () => (await metric("photos", "files")) === 3);
    assert.equal((await summary("photos")).totals.files, 3);
    await eventually("the API's drift after the repair says 0 missing", async () => {
      const d = (await summary("photos")).drift;
      return d?.missing === 0 && d.synced === 3;
    });
    const files = (await tidemarkJson(db, ["status", "photos"])).totals.files;
    assert.equal(files, 3, "status --json agrees");
    assert.equal(await preview.isHidden(), true, "the preview closes after the repair");
  });

  test("the live feed shows the repair's BulkOperationCompleted", async () => {
    await eventually(
      "the event stream is open",
      async () => (await page.locator("[data-testid=live]").getAttribute("data-state")) === "open",
    );
    const done = page.locator(
      '[data-testid=events] [data-testid=event][data-type=BulkOperationCompleted][data-repo="photos"]',
    );
    await done.first().waitFor({ timeout: 15000 });
    const first = page.locator("[data-testid=events] [data-testid=event]").first();
    assert.ok(await first.getAttribute("data-id"), "each event has an id");
  });

  test("Sync on a storage-truth repository ends in a BulkOperationCompleted and refreshes the card", async () => {
    await writeTree(path.join(tmp, "plain"), { "new/added.txt": "added\n" });
    await card("plain").locator("[data-testid=sync]").click();
    await page
      .locator('[data-testid=events] [data-testid=event][data-type=BulkOperationCompleted][data-repo="plain"]')
      .first()
      .waitFor({ timeout: 20000 });
    await eventually("the plain card counts the new file", async () => (await metric("plain", "files")) === 3);
    assert.equal((await summary("plain")).totals.files, 3);
  });

  test("the cars grid shows the car's 14 slots with the locked one", async () => {
    const section = page.locator("[data-testid=cars-section]");
    await section.waitFor({ state: "visible", timeout: 15000 });
    await page.locator("[data-testid=cars][data-loaded=true]").waitFor({ timeout: 20000 });
    const car = page.locator(`[data-testid=car][data-vin="${VIN}"]`);
    await car.waitFor({ timeout: 10000 });
    assert.equal(await page.locator("[data-testid=car]").count(), 1);
    assert.equal(await car.locator("[data-testid=slot]").count(), 14);
    const locked = car.locator("[data-testid=slot][data-status=locked]");
    assert.equal(await locked.count(), 1);
    assert.equal(await locked.getAttribute("data-slot-type"), "buyout");
    assert.equal(await locked.getAttribute("data-slot-index"), "2");
    assert.equal(await car.locator("[data-testid=slot][data-status=empty]").count(), 13);
    assert.equal(await car.locator("[data-testid=slot][data-used=true]").count(), 0);
    assert.equal(await car.locator("[data-slot-type=buyout]").count(), 8);
    assert.equal(await car.locator("[data-slot-type=dummies]").count(), 5);
  });

  test("an API error is shown on the page with its message and code", async () => {
    // The server's errors are {error, code}; one is staged here so the
    // test does not depend on how to provoke it.
    const route = "**/api/v1/repositories/plain/checks";
    await page.route(route, (r) =>
      r.fulfill({
        status: 409,
        contentType: "application/json",
        body: JSON.stringify({ error: "plain has a job running: job 7 (check)", code: "conflict" }),
      }),
    );
    try {
      await card("plain").locator("[data-testid=check]").click();
      const err = page.locator("[data-testid=error][data-code=conflict]").first();
      await err.waitFor({ timeout: 10000 });
      assert.match(await err.textContent(), /plain has a job running: job 7 \(check\)/);
      assert.match(await err.textContent(), /409 conflict/);
      const status = card("plain").locator("[data-testid=job-status]");
      assert.equal(await status.getAttribute("data-kind"), "error");
      assert.match(await status.textContent(), /job running/);
      assert.equal(await card("plain").locator("[data-testid=check]").isEnabled(), true, "the buttons come back");
    } finally {
      await page.unroute(route);
    }
  });

  test("no script error on the page", () => {
    // The staged 409 logs "Failed to load resource"; anything else is a bug.
    assert.deepEqual(
      pageErrors.filter((e) => !/Failed to load resource|^console: Check plain/.test(e)),
      [],
    );
  });
});

describe("dashboard with tokens", { skip: missingWhy && !ci ? missingWhy : false, concurrency: false }, () => {
  let tmp;
  let db;
  let server;
  let browser;
  let page;
  const docs = () => path.join(tmp, "docs");
  const card = () => page.locator('[data-testid=repo-card][data-repo="docs"]');
  const metric = async (key) => {
    const v = await card().locator(`[data-testid=${key}]`).getAttribute("data-value");
    return v === null ? null : Number(v);
  };
  const useToken = async (token) => {
    await page.locator("[data-testid=token]").fill(token);
    await page.locator("[data-testid=token-save]").click();
  };
  const errorCount = (code) => page.locator(`[data-testid=error][data-code=${code}]`).count();

  before(async () => {
    tmp = await makeTmp();
    db = path.join(tmp, "catalog.db");
    await writeTree(docs(), { "a.txt": "a\n", "b.txt": "bb\n" });
    await tidemark(db, ["repo", "add", "docs", docs(), "--truth", "catalog"]);
    await tidemark(db, ["repair", "docs", "--adopt-orphaned", "--json"]);
    const config = path.join(tmp, "tidemark.toml");
    await writeTree(tmp, {
      "tidemark.toml": [
        "[serve.tokens]",
        '"read-secret" = "reader"',
        '"ops-secret" = "operator"',
        '"admin-secret" = "admin"',
        "",
      ].join("\n"),
    });
    server = await startServer({ db, dir: tmp, globalArgs: ["--config", config] });
    browser = await launchBrowser(tmp);
    page = browser.pages()[0] ?? (await browser.newPage());
  });

  after(async () => {
    await browser?.close().catch(() => {});
    await server?.stop();
    await removeTmp(tmp);
  });

  test("without a token the page says 401 unauthenticated and shows no repository", async () => {
    const res = await httpGet(`${server.base}/api/v1/repositories`);
    assert.equal(res.status, 401, "the API refuses a request without a token");
    assert.equal(JSON.parse(res.body).code, "unauthenticated");
    await page.goto(server.base + "/");
    await page.locator("[data-testid=error][data-code=unauthenticated]").first().waitFor({ timeout: 10000 });
    assert.equal(await page.locator("[data-testid=repo-card]").count(), 0);
    await page.locator("[data-testid=needs-token]").waitFor({ timeout: 5000 });
    await eventually("the event stream is refused", async () => {
      return (await page.locator("[data-testid=live]").getAttribute("data-state")) !== "open";
    });
  });

  test("a pasted reader token loads the cards and the event stream (?access_token=)", async () => {
    const sse = await httpGet(`${server.base}/api/v1/events?access_token=read-secret`, { headOnly: true });
    assert.equal(sse.status, 200, "GET /api/v1/events accepts ?access_token=");
    assert.match(sse.headers["content-type"] || "", /text\/event-stream/);
    await useToken("read-secret");
    await card().waitFor({ timeout: 10000 });
    assert.equal(await metric("files"), 2);
    assert.equal(await page.locator("[data-testid=token-state]").textContent(), "token set");
    await eventually("the event stream opens with the token", async () => {
      return (await page.locator("[data-testid=live]").getAttribute("data-state")) === "open";
    });
  });

  test("a reader cannot Check: 403 forbidden is shown", async () => {
    const before = await errorCount("forbidden");
    await card().locator("[data-testid=check]").click();
    await eventually("a forbidden error shows", async () => (await errorCount("forbidden")) > before);
    assert.equal(await card().locator("[data-testid=job-status]").getAttribute("data-kind"), "error");
  });

  test("an operator checks and previews a repair, but cannot run it; an admin can", async () => {
    await rm(path.join(docs(), "b.txt"));
    await useToken("ops-secret");
    await card().waitFor({ timeout: 10000 });
    await card().locator("[data-testid=check]").click();
    await eventually("the check finds the missing file", async () => (await metric("missing")) === 1);

    await card().locator("[data-testid=repair-options] summary").click();
    await card().locator("[data-testid=repair-missing]").selectOption("drop");
    await card().locator("[data-testid=repair]").click();
    const preview = card().locator("[data-testid=repair-preview]");
    await preview.waitFor({ state: "visible", timeout: 15000 });
    assert.equal(await preview.locator("[data-testid=plan-drop_records]").getAttribute("data-count"), "1");
    const before = await errorCount("forbidden");
    await preview.locator("[data-testid=repair-confirm]").click();
    await eventually("the operator's repair is forbidden", async () => (await errorCount("forbidden")) > before);
    assert.match(await card().locator("[data-testid=job-status]").textContent(), /admin/);
    assert.equal(await metric("missing"), 1, "nothing was repaired");

    await useToken("admin-secret");
    await card().locator("[data-testid=repair]").click();
    await preview.waitFor({ state: "visible", timeout: 15000 });
    await preview.locator("[data-testid=repair-confirm]").click();
    await eventually("the admin's repair drops the record", async () => (await metric("files")) === 1);
    assert.equal(await metric("missing"), 0);
  });

  test("the token survives a reload (localStorage)", async () => {
    await page.reload();
    await card().waitFor({ timeout: 10000 });
    assert.equal(await page.locator("[data-testid=token]").inputValue(), "admin-secret");
    await page.locator("[data-testid=token-clear]").click();
    await page.locator("[data-testid=error][data-code=unauthenticated]").first().waitFor({ timeout: 10000 });
    await eventually(
      "the cards of the cleared token are gone",
      async () => (await page.locator("[data-testid=repo-card]").count()) === 0,
    );
  });
});
