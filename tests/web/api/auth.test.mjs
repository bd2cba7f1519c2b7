// Tokens and roles (docs/API.md, "Authentication and roles") against the
// real `tidemark serve` with [serve.tokens] in its config file:
//   docs   truth=catalog, a few files cataloged by a repair
//   cars   the cars layout (seed 000), one car
import assert from "node:assert/strict";
import { execFile, spawn } from "node:child_process";
import dns from "node:dns/promises";
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { after, before, test } from "node:test";

import {
  bin,
  eventually,
  freePort,
  httpGet,
  makeTmp,
  removeTmp,
  startServer,
  tidemark,
  writeCar,
  writeTree,
} from "../harness.mjs";
import {
  TOKENS,
  apiDescribe,
  assertError,
  client,
  ok,
  openEvents,
  rawRequest,
  request,
  runJob,
  tinyWebRoot,
  tokensToml,
  waitJob,
  writeConfig,
} from "./api_harness.mjs";

const run = promisify(execFile);
const VIN = "WAUZZZ8K9BA000001";

apiDescribe("auth", () => {
  let tmp;
  let db;
  let web;
  let server;
  let base;
  const docs = () => path.join(tmp, "docs");
  const anon = () => client(base);
  const reader = () => client(base, TOKENS.reader);
  const operator = () => client(base, TOKENS.operator);
  const admin = () => client(base, TOKENS.admin);
  const slot = (type, index, op) => `/api/cars/${VIN}/slots/${type}/${index}/${op}`;

  before(async () => {
    tmp = await makeTmp();
    db = path.join(tmp, "catalog.db");
    web = await tinyWebRoot(tmp);
    await writeTree(docs(), {
      "a.txt": "a\n",
      "b.txt": "bb\n",
      "keep/c.txt": "ccc\n",
      "old/d.txt": "dddd\n",
      "gone/e.txt": "eeeee\n",
    });
    await tidemark(db, ["repo", "add", "docs", docs(), "--truth", "catalog"]);
    await tidemark(db, ["repair", "docs", "--adopt-orphaned", "--json"]);
    const photoRoot = path.join(tmp, "disk", "Фото");
    await writeCar(photoRoot, { region: "MSK", make: "Audi", model: "A4", vin: VIN, files: { "buyout/1": 1 } });
    await tidemark(db, ["repo", "add", "cars", photoRoot, "--layout", "cars"]);
    const config = await writeConfig(tmp, ["[serve]", `allowed_roots = [${JSON.stringify(tmp)}]`, tokensToml()]);
    server = await startServer({ db, dir: tmp, web, globalArgs: ["--config", config] });
    base = server.base;
  });

  after(async () => {
    await server?.stop();
    await removeTmp(tmp);
  });

  test("health, readiness, metrics, the OpenAPI document and the dashboard need no token", async () => {
    assert.equal(ok(await anon().get("/healthz")).status, "ok");
    const ready = await anon().get("/readyz");
    assert.ok([200, 503].includes(ready.status), `readyz answers without a token: ${ready.status}`);
    const metrics = await anon().get("/metrics");
    assert.equal(metrics.status, 200);
    assert.match(metrics.body, /^# HELP /m);
    const doc = ok(await anon().get("/api/v1/openapi.json"));
    assert.match(String(doc.openapi), /^3\./);
    const page = await anon().get("/");
    assert.equal(page.status, 200);
    assert.match(page.body, /<title>tidemark<\/title>/);
  });

  // The token was checked only once the whole body was in: three
  // addresses trickling bodies without a token held every thread.
  test("a body is never read before its sender is let in: 401 or 403 at once, nothing written", async () => {
    const header = (route, auth) =>
      `PUT ${route} HTTP/1.1\r\nHost: test\r\n${auth ? `Authorization: Bearer ${auth}\r\n` : ""}` +
      "Content-Length: 1000000\r\n\r\n";
    const cases = [
      ["/api/v1/repositories/docs/objects/unread.txt", undefined, 401, "unauthenticated"],
      ["/api/v1/repositories/docs/objects/unread.txt", "not-a-token", 401, "unauthenticated"],
      ["/api/v1/repositories/docs/objects/unread.txt", TOKENS.reader, 403, "forbidden"],
      ["/no/such/route", TOKENS.admin, 404, "not_found"],
    ];
    for (const [route, token, status, code] of cases) {
      // Only the header is sent: an answer at all means the body was not
      // waited for (the read timeout would end it with another answer).
      const res = await rawRequest(base, header(route, token), { timeout: 4000 });
      assertError(res, status, code, `PUT ${route} with ${token ?? "no token"}`);
      assert.equal(res.headers.connection, "close", "the unread body ends the connection");
    }
    assert.equal(existsSync(path.join(docs(), "unread.txt")), false, "nothing was written");
  });

  test("without a token every API route is 401 unauthenticated", async () => {
    for (const [method, route] of [
      ["GET", "/api/v1/repositories"],
      ["GET", "/api/v1/repositories/docs"],
      ["GET", "/api/v1/repositories/docs/files"],
      ["GET", "/api/v1/operations"],
      ["GET", "/api/v1/jobs"],
      ["GET", "/api/v1/events"],
      ["POST", "/api/v1/repositories/docs/checks"],
      ["PUT", "/api/v1/repositories/docs/objects/x.txt"],
      ["GET", "/api/cars"],
      ["GET", "/admin/products/sync/check-all"],
    ]) {
      const res = await request(base, method, route, method === "GET" ? {} : { json: {} });
      assertError(res, 401, "unauthenticated", `${method} ${route}`);
    }
    assert.equal(existsSync(path.join(docs(), "x.txt")), false, "the refused upload wrote nothing");
  });

  test("a wrong token, or not a bearer one, is 401", async () => {
    assertError(await client(base, "not-a-known-token-at-all").get("/api/v1/repositories"), 401, "unauthenticated");
    // A known token's prefix is not the token.
    assertError(await client(base, TOKENS.admin.slice(0, -1)).get("/api/v1/repositories"), 401, "unauthenticated");
    const basic = await request(base, "GET", "/api/v1/repositories", {
      headers: { Authorization: `Basic ${Buffer.from(`x:${TOKENS.admin}`).toString("base64")}` },
    });
    assertError(basic, 401, "unauthenticated");
  });

  test("?access_token= authenticates as the header does (EventSource cannot send headers)", async () => {
    const list = ok(await anon().get(`/api/v1/repositories?access_token=${TOKENS.reader}`));
    assert.deepEqual(list.repositories.map((r) => r.name).sort(), ["cars", "docs"]);
    assertError(await anon().get("/api/v1/repositories?access_token=wrong-token-123"), 401, "unauthenticated");
    // A reader's token in the query is still a reader's.
    assertError(await anon().post(`/api/v1/repositories/docs/checks?access_token=${TOKENS.reader}`, {}), 403, "forbidden");
    const events = await openEvents(base, { query: `?access_token=${TOKENS.reader}` });
    try {
      assert.equal(events.status, 200);
      assert.match(events.headers["content-type"] || "", /text\/event-stream/);
    } finally {
      events.close();
    }
  });

  test("a reader reads everything and changes nothing: mutations are 403 forbidden", async () => {
    const list = ok(await reader().get("/api/v1/repositories"));
    assert.equal(list.repositories.length, 2);
    ok(await reader().get("/api/v1/repositories/docs/files"));
    ok(await reader().get("/api/v1/jobs"));
    const cars = ok(await reader().get("/api/cars"));
    assert.equal(cars.length, 1, "the reader's GET /api/cars syncs and lists the car");

    const refused = [
      ["POST", "/api/v1/repositories", { name: "other", url: tmp }],
      ["POST", "/api/v1/repositories/docs/sync", {}],
      ["POST", "/api/v1/repositories/docs/checks", {}],
      ["POST", "/api/v1/repositories/docs/repairs", { missing: "drop", dry_run: true }],
      ["PUT", "/api/v1/repositories/docs/objects/new.txt", undefined, "new\n"],
      ["DELETE", "/api/v1/repositories/docs/objects/a.txt"],
      ["POST", "/api/v1/repositories/docs/move", { from: "keep", to: "kept" }],
      ["DELETE", "/api/v1/repositories/docs"],
      ["POST", slot("buyout", 3, "lock"), {}],
      ["POST", "/api/cars/sync", {}],
    ];
    for (const [method, route, json, body] of refused) {
      const res = await request(base, method, route, { token: TOKENS.reader, json, body });
      assertError(res, 403, "forbidden", `reader ${method} ${route}`);
      assert.match(res.json.error, /operator|admin/, "the 403 names the role needed");
    }
    assert.equal(existsSync(path.join(docs(), "new.txt")), false);
    assert.equal(existsSync(path.join(docs(), "a.txt")), true);
    assert.equal(existsSync(path.join(docs(), "keep/c.txt")), true);
    assert.equal(ok(await reader().get("/api/v1/repositories/docs")).name, "docs", "docs was not removed");
  });

  test("an operator adds a repository, syncs, checks, previews a repair and writes", async () => {
    const extra = path.join(tmp, "extra");
    await writeTree(extra, { "x.txt": "x\n" });
    const added = ok(await operator().post("/api/v1/repositories", { name: "extra", url: extra }), 201);
    assert.equal(added.name, "extra");

    const sync = ok(await operator().post("/api/v1/repositories/extra/sync", {}), 202);
    assert.ok(sync.request?.id, "a sync request has an id");

    const check = await runJob(base, "/api/v1/repositories/docs/checks", {}, TOKENS.operator);
    assert.equal(check.status, "succeeded", JSON.stringify(check));
    const preview = await runJob(
      base,
      "/api/v1/repositories/docs/repairs",
      { missing: "drop", orphaned: "adopt", dry_run: true },
      TOKENS.operator,
    );
    assert.equal(preview.status, "succeeded", JSON.stringify(preview));

    ok(await operator().put("/api/v1/repositories/docs/objects/up/new.txt", "uploaded\n"), 201);
    assert.equal(await readFile(path.join(docs(), "up/new.txt"), "utf8"), "uploaded\n");
    ok(await operator().del("/api/v1/repositories/docs/objects/a.txt"));
    assert.equal(existsSync(path.join(docs(), "a.txt")), false);
    ok(await operator().post("/api/v1/repositories/docs/move", { from: "keep", to: "kept" }));
    assert.equal(await readFile(path.join(docs(), "kept/c.txt"), "utf8"), "ccc\n");
  });

  test("an operator locks and unlocks a slot", async () => {
    const locked = ok(await operator().post(slot("buyout", 3, "lock"), { by: "op", note: "shooting" }));
    assert.equal(locked.status, "locked");
    const unlocked = ok(await operator().post(slot("buyout", 3, "unlock"), {}));
    assert.equal(unlocked.status, "empty");
  });

  test("an operator cannot run a repair, remove a repository or mark a slot used; an admin can", async () => {
    await writeTree(docs(), { "stray.txt": "not cataloged\n" });
    const repair = { orphaned: "adopt" };
    const refusedRepair = await operator().post("/api/v1/repositories/docs/repairs", repair);
    assertError(refusedRepair, 403, "forbidden", "operator's repair without dry_run");
    assert.match(refusedRepair.json.error, /admin/);
    assertError(await operator().del("/api/v1/repositories/extra"), 403, "forbidden", "operator removes a repository");
    assertError(await operator().post(slot("buyout", 1, "used"), { is_used: true }), 403, "forbidden");
    assertError(await reader().post(slot("buyout", 1, "used"), { is_used: true }), 403, "forbidden");
    for (const route of ["/admin/products/p1/images/sync", "/admin/products/sync/sync-all"]) {
      assertError(await operator().post(route, { removeOrphaned: true }), 403, "forbidden", `operator ${route}`);
    }
    // Nothing happened.
    assertError(await reader().get("/api/v1/repositories/docs/files/stray.txt"), 404, "not_found");
    ok(await reader().get("/api/v1/repositories/extra"));
    const car = ok(await reader().get(`/api/cars/vin/${VIN}`));
    assert.equal(car.slots.find((s) => s.slot_type === "buyout" && s.slot_index === 1).is_used, false);

    const started = ok(await admin().post("/api/v1/repositories/docs/repairs", repair), 202);
    const job = await waitJob(base, started.id, TOKENS.admin);
    assert.equal(job.status, "succeeded", JSON.stringify(job));
    assert.equal(ok(await reader().get("/api/v1/repositories/docs/files/stray.txt")).path, "stray.txt");
    const removed = ok(await admin().del("/api/v1/repositories/extra"));
    assert.equal(removed.name, "extra");
    const used = ok(await admin().post(slot("buyout", 1, "used"), { is_used: true }));
    assert.equal(used.is_used, true);
  });
});

apiDescribe("auth: listening beyond loopback", () => {
  let tmp;
  before(async () => {
    tmp = await makeTmp();
  });
  after(async () => {
    await removeTmp(tmp);
  });

  test("serve --listen 0.0.0.0:PORT without tokens is refused, naming the tokens", async () => {
    const web = await tinyWebRoot(tmp);
    const port = await freePort();
    const db = path.join(tmp, "catalog.db");
    let failure;
    try {
      await run(bin, ["--db", db, "serve", "--listen", `0.0.0.0:${port}`, "--web-root", web], { timeout: 15000 });
    } catch (e) {
      failure = e;
    }
    assert.ok(failure, "serve exited 0 (or kept running) on 0.0.0.0 without tokens");
    assert.equal(failure.killed, false, "serve kept running on 0.0.0.0 without tokens");
    assert.notEqual(failure.code, 0);
    assert.match(String(failure.stderr), /token/i, `the refusal names the tokens: ${failure.stderr}`);
  });

  // The check was on the text ("127." or "localhost"), so a name that
  // merely looked local listened wherever it resolved. Now it is on the
  // addresses: this machine's own name is let in exactly when every
  // address it resolves to is a loopback one.
  test("serve --listen HOSTNAME:PORT is judged by the addresses the name resolves to", async () => {
    const name = os.hostname();
    const addresses = (await dns.lookup(name, { all: true }).catch(() => [])).map((a) => a.address);
    const loopback = addresses.length > 0 && addresses.every((a) => /^127\./.test(a) || a === "::1");
    const web = await tinyWebRoot(tmp);
    const port = await freePort();
    const db = path.join(tmp, "hostname.db");
    const child = spawn(bin, ["--db", db, "serve", "--listen", `${name}:${port}`, "--web-root", web], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (c) => (output += c));
    child.stderr.on("data", (c) => (output += c));
    const exited = new Promise((resolve) => child.on("exit", (code) => resolve(code)));
    const listening = eventually(
      `serve on ${name} (${addresses}) answers or exits`,
      async () => {
        if (child.exitCode !== null) return "exited";
        const res = await httpGet(`http://${name}:${port}/healthz`).catch(() => null);
        return res?.status === 200 ? "listening" : null;
      },
      { timeout: 15000 },
    ).finally(() => child.kill("SIGTERM"));
    const outcome = await listening;
    const code = await exited;
    if (loopback) {
      assert.equal(outcome, "listening", `serve on ${name} (${addresses}), all loopback: ${output}`);
      assert.equal(code, 0, output);
    } else {
      assert.equal(outcome, "exited", `serve on ${name} (${addresses}) without tokens: ${output}`);
      assert.match(output, /token/i);
    }
  });
});
