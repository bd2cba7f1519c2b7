// Every error is JSON {error, code} with the status docs/API.md gives it:
// 400 for malformed requests, 404 for what does not exist, 409 for what
// clashes with the current state, 413 for a body over [serve]
// max_body_bytes. (503 from /readyz is in operations.test.mjs.)
//   docs   truth=catalog, a few files
//   big    truth=catalog, enough files that a check runs a while
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import http from "node:http";
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { after, before, test } from "node:test";

import { makeTmp, removeTmp, startServer, tidemark, writeTree } from "../harness.mjs";
import { apiDescribe, assertError, client, ok, request, tinyWebRoot, waitJob, writeConfig } from "./api_harness.mjs";

const MAX_BODY = 2048;

apiDescribe("errors", () => {
  let tmp;
  let db;
  let server;
  let api;
  const docs = () => path.join(tmp, "docs");

  before(async () => {
    tmp = await makeTmp();
    db = path.join(tmp, "catalog.db");
    await writeTree(docs(), { "a.txt": "a\n", "sub/b.txt": "bb\n" });
    await tidemark(db, ["repo", "add", "docs", docs(), "--truth", "catalog"]);
    await tidemark(db, ["repair", "docs", "--adopt-orphaned", "--json"]);
    const big = path.join(tmp, "big");
    for (let d = 0; d < 20; d++) {
      await mkdir(path.join(big, `d${d}`), { recursive: true });
      await Promise.all(
        Array.from({ length: 100 }, (_, f) => writeFile(path.join(big, `d${d}`, `f${f}.txt`), `${d}/${f}\n`)),
      );
    }
    await tidemark(db, ["repo", "add", "big", big, "--truth", "catalog"]);
    await tidemark(db, ["repair", "big", "--adopt-orphaned", "--json"]);
    const config = await writeConfig(tmp, ["[serve]", `max_body_bytes = ${MAX_BODY}`, `allowed_roots = [${JSON.stringify(tmp)}]`]);
    server = await startServer({ db, dir: tmp, web: await tinyWebRoot(tmp), globalArgs: ["--config", config] });
    api = client(server.base);
  });

  after(async () => {
    await server?.stop();
    await removeTmp(tmp);
  });

  test("400 invalid_argument: a body that is not a JSON object", async () => {
    for (const body of ["{not json", "[1, 2]", '"a string"', "{"]) {
      const res = await request(server.base, "POST", "/api/v1/repositories", {
        body,
        headers: { "Content-Type": "application/json" },
      });
      assertError(res, 400, "invalid_argument", `body ${body}`);
    }
    const check = await request(server.base, "POST", "/api/v1/repositories/docs/checks", {
      body: "{oops",
      headers: { "Content-Type": "application/json" },
    });
    assertError(check, 400, "invalid_argument", "a check with a bad body");
  });

  test("400 invalid_argument: fields of the wrong type or value, naming the field", async () => {
    const cases = [
      ["POST", "/api/v1/repositories", { name: 5, url: "/srv/x" }, /name/],
      ["POST", "/api/v1/repositories", { name: "x", url: ["/srv/x"] }, /url/],
      ["POST", "/api/v1/repositories", { name: "x" }, /url/],
      ["POST", "/api/v1/repositories", { name: "x", url: "relative/path" }, /relative/],
      ["POST", "/api/v1/repositories", { name: "x", url: tmp, layout: 3 }, /layout/],
      ["POST", "/api/v1/repositories/docs/checks", { scope: 7 }, /scope/],
      ["POST", "/api/v1/repositories/docs/checks", { list_synced: "yes" }, /list_synced/],
      ["POST", "/api/v1/repositories/docs/repairs", {}, /orphaned|missing/],
      ["POST", "/api/v1/repositories/docs/repairs", { missing: "maybe" }, /missing/],
      ["POST", "/api/v1/repositories/docs/repairs", { orphaned: "eat" }, /orphaned/],
      ["POST", "/api/v1/repositories/docs/repairs", { missing: "drop", dry_run: "yes" }, /dry_run/],
      ["POST", "/api/v1/repositories/docs/repairs", { missing: "drop", force: 1 }, /force/],
      ["POST", "/api/v1/repositories/docs/move", { from: 1, to: "x" }, /from/],
      ["POST", "/api/v1/repositories/docs/move", { from: "sub" }, /to/],
    ];
    for (const [method, route, json, names] of cases) {
      const res = await request(server.base, method, route, { json });
      assertError(res, 400, "invalid_argument", `${method} ${route} ${JSON.stringify(json)}`);
      assert.match(res.json.error, names, `the message names the field: ${res.json.error}`);
    }
    assert.equal(ok(await api.get("/api/v1/repositories")).repositories.length, 2, "nothing was added");
  });

  test("400 invalid_argument: malformed query parameters and ids", async () => {
    for (const route of [
      "/api/v1/repositories/docs/files?limit=abc",
      "/api/v1/repositories/docs/files?limit=-1",
      "/api/v1/repositories/docs/files?limit=99999999",
      "/api/v1/repositories/docs/files?limit=0",
      "/api/v1/repositories/docs/entities?limit=0",
      "/api/v1/repositories/docs/operations?limit=1e3",
      "/api/v1/operations?limit=x",
      "/api/v1/jobs?limit=zz",
      "/api/v1/jobs/abc",
    ]) {
      assertError(await api.get(route), 400, "invalid_argument", route);
    }
  });

  test("404 not_found: unknown repository, file, job or route", async () => {
    for (const [method, route] of [
      ["GET", "/api/v1/repositories/nope"],
      ["GET", "/api/v1/repositories/nope/files"],
      ["GET", "/api/v1/repositories/nope/files/a.txt"],
      ["GET", "/api/v1/repositories/nope/operations"],
      ["GET", "/api/v1/repositories/nope/entities"],
      ["POST", "/api/v1/repositories/nope/checks"],
      ["POST", "/api/v1/repositories/nope/sync"],
      ["DELETE", "/api/v1/repositories/nope"],
      ["GET", "/api/v1/repositories/docs/files/no-such.txt"],
      ["DELETE", "/api/v1/repositories/docs/objects/no-such.txt"],
      ["GET", "/api/v1/jobs/987654"],
      ["GET", "/api/v1/no-such-route"],
      ["GET", "/api/cars"],
      ["GET", "/admin/products/sync/check-all"],
    ]) {
      const res = await request(server.base, method, route, method === "POST" ? { json: {} } : {});
      assertError(res, 404, "not_found", `${method} ${route}`);
    }
    const unknown = await api.get("/api/v1/repositories/nope");
    assert.match(unknown.json.error, /nope/, "the 404 names what was not found");
  });

  test("409: adding a repository name that exists", async () => {
    const res = await api.post("/api/v1/repositories", { name: "docs", url: path.join(tmp, "elsewhere") });
    assertError(res, 409, "conflict", "a second repository called docs");
    assert.match(res.json.error, /docs/);
    const docsNow = ok(await api.get("/api/v1/repositories/docs"));
    assert.match(docsNow.url, /docs$/, "the existing repository is unchanged");
  });

  test("409: a second job on a repository while one runs", async () => {
    // Checks of 2,000 files overlap when started together; try a few
    // rounds so a fast machine cannot finish the first before the second.
    let conflict;
    for (let round = 0; round < 10 && !conflict; round++) {
      const answers = await Promise.all(
        [0, 1, 2].map(() => request(server.base, "POST", "/api/v1/repositories/big/checks", { json: {} })),
      );
      for (const res of answers) {
        if (res.status === 202) {
          await waitJob(server.base, res.json.id);
        } else {
          assertError(res, 409, "conflict", "a check while another runs");
          conflict = res;
        }
      }
    }
    assert.ok(conflict, "no 409 in 10 rounds of three concurrent checks");
    assert.match(conflict.json.error, /big/, "the 409 names the repository");
    assert.match(conflict.json.error, /job/, "and the job that runs");
    // Another repository is not held up by big's job.
    const other = ok(await api.post("/api/v1/repositories/docs/checks", {}), 202);
    assert.equal((await waitJob(server.base, other.id)).status, "succeeded");
  });

  test("413 payload_too_large: a body over [serve] max_body_bytes, and nothing written", async () => {
    const res = await api.put("/api/v1/repositories/docs/objects/too-big.bin", Buffer.alloc(MAX_BODY * 2, 120));
    assertError(res, 413, "payload_too_large", "an upload over the limit");
    assert.equal(existsSync(path.join(docs(), "too-big.bin")), false, "the upload wrote nothing");
    assertError(await api.get("/api/v1/repositories/docs/files/too-big.bin"), 404, "not_found");
    const json = await api.post("/api/v1/repositories", { name: "x".repeat(MAX_BODY * 2), url: tmp });
    assertError(json, 413, "payload_too_large", "a JSON body over the limit");
    // At the limit is fine.
    ok(await api.put("/api/v1/repositories/docs/objects/just-fits.bin", Buffer.alloc(MAX_BODY, 121)), 201);
  });

  // httplib checks the limit against Content-Length only: a chunked body
  // would be read whole, whatever its size. The server refuses those.
  test("400: a body sent chunked (no Content-Length) is refused, and nothing written", async () => {
    const { hostname, port } = new URL(server.base);
    for (const [name, size] of [
      ["chunked-big.bin", MAX_BODY * 2],
      ["chunked-small.bin", 10],
    ]) {
      const res = await new Promise((resolve, reject) => {
        const req = http.request(
          {
            host: hostname,
            port,
            method: "PUT",
            path: `/api/v1/repositories/docs/objects/${name}`,
            agent: false,
            headers: { "Transfer-Encoding": "chunked", Connection: "close" },
          },
          (r) => {
            let body = "";
            r.setEncoding("utf8");
            r.on("data", (c) => (body += c));
            r.on("end", () => resolve({ status: r.statusCode, headers: r.headers, body, json: JSON.parse(body) }));
          },
        );
        req.on("error", reject);
        req.write(Buffer.alloc(size, 122));
        req.end();
      });
      assertError(res, 400, "invalid_argument", `a chunked upload of ${size} bytes`);
      assert.match(res.json.error, /Content-Length/);
      assert.equal(existsSync(path.join(docs(), name)), false, `${name} was not written`);
    }
  });
});
