// Paths that try to leave the repository root: '..', absolute paths, their
// percent-encoded forms (once and twice), backslashes and NUL bytes, in
// every route that takes a path. Each is 400 bad_path, and nothing outside
// the root is read or written: a sentinel folder beside the root stays as
// it was.
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { readdir, readFile, symlink } from "node:fs/promises";
import path from "node:path";
import { after, before, test } from "node:test";

import { makeTmp, removeTmp, startServer, tidemark, writeTree } from "../harness.mjs";
import { apiDescribe, assertError, client, ok, request, tinyWebRoot } from "./api_harness.mjs";

apiDescribe("path traversal", () => {
  let tmp;
  let db;
  let server;
  let api;
  const root = () => path.join(tmp, "root");
  const outside = () => path.join(tmp, "outside");
  const SECRET = "the sentinel's contents\n";

  // Ways to say "../outside/secret.txt" (or another escape) in a URL path.
  const escapes = () => [
    "../outside/secret.txt",
    "a/../../outside/secret.txt",
    "%2e%2e/outside/secret.txt",
    "%2E%2E/outside/secret.txt",
    "..%2foutside%2fsecret.txt",
    "%2e%2e%2foutside%2fsecret.txt",
    "%252e%252e/outside/secret.txt",
    "%252e%252e%252foutside%252fsecret.txt",
    "%25252e%25252e/outside/secret.txt",
    "..%5coutside%5csecret.txt",
    "%5c..%5coutside",
    "..\\outside\\secret.txt",
    "a%00.txt",
    "a%2500.txt",
    `/${outside().slice(1)}/secret.txt`,
    `%2f${outside().slice(1)}/secret.txt`,
    "./a.txt",
  ];

  async function outsideUntouched() {
    assert.deepEqual((await readdir(outside())).sort(), ["secret.txt"], "nothing was added beside the sentinel");
    assert.equal(await readFile(path.join(outside(), "secret.txt"), "utf8"), SECRET, "the sentinel is unchanged");
  }

  before(async () => {
    tmp = await makeTmp();
    db = path.join(tmp, "catalog.db");
    await writeTree(root(), { "a.txt": "a\n", "sub/b.txt": "bb\n" });
    await writeTree(outside(), { "secret.txt": SECRET });
    await tidemark(db, ["repo", "add", "r", root(), "--truth", "catalog"]);
    await tidemark(db, ["repair", "r", "--adopt-orphaned", "--json"]);
    server = await startServer({ db, dir: tmp, web: await tinyWebRoot(tmp) });
    api = client(server.base);
  });

  after(async () => {
    await server?.stop();
    await removeTmp(tmp);
  });

  test("GET files/{path}: 400 bad_path for every escape", async () => {
    for (const p of escapes()) {
      const res = await api.get(`/api/v1/repositories/r/files/${p}`);
      assertError(res, 400, "bad_path", `GET files/${p}`);
      assert.doesNotMatch(res.body, /sentinel/);
    }
    // A plain path still works.
    assert.equal(ok(await api.get("/api/v1/repositories/r/files/sub/b.txt")).path, "sub/b.txt");
  });

  test("PUT objects/{path}: 400 bad_path, and nothing is written outside the root", async () => {
    for (const p of escapes()) {
      const res = await api.put(`/api/v1/repositories/r/objects/${p}`, "overwritten\n");
      assertError(res, 400, "bad_path", `PUT objects/${p}`);
    }
    for (const p of ["../outside/new.txt", "%2e%2e/outside/new.txt", "%252e%252e/outside/new.txt"]) {
      assertError(await api.put(`/api/v1/repositories/r/objects/${p}`, "new\n"), 400, "bad_path", `PUT ${p}`);
    }
    await outsideUntouched();
    assert.equal(await readFile(path.join(root(), "a.txt"), "utf8"), "a\n", "./a.txt did not overwrite a.txt");
  });

  test("DELETE objects/{path}: 400 bad_path, and the sentinel stays", async () => {
    for (const p of escapes()) {
      const res = await api.del(`/api/v1/repositories/r/objects/${p}?recursive=true`);
      assertError(res, 400, "bad_path", `DELETE objects/${p}`);
    }
    await outsideUntouched();
    assert.equal(existsSync(path.join(root(), "a.txt")), true);
  });

  test("move {from, to}: 400 bad_path for a source or target outside the root", async () => {
    const bad = [
      { from: "../outside", to: "stolen" },
      { from: "sub", to: "../outside/sub" },
      { from: "sub", to: outside() },
      { from: "%2e%2e/outside", to: "stolen" },
      { from: "sub", to: "..\\outside" },
      { from: "sub", to: "x\u0000y" },
    ];
    for (const body of bad) {
      const res = await api.post("/api/v1/repositories/r/move", body);
      assertError(res, 400, "bad_path", `move ${JSON.stringify(body)}`);
    }
    await outsideUntouched();
    assert.equal(existsSync(path.join(root(), "sub/b.txt")), true, "sub was not moved");
    assert.equal(existsSync(path.join(root(), "stolen")), false);
  });

  test("?prefix= and ?after= of the files listing, ?prefix= of entities: 400 bad_path", async () => {
    for (const q of ["prefix=..", "prefix=../outside", "prefix=%252e%252e", "prefix=/etc", "after=../x", "after=a%00"]) {
      assertError(await api.get(`/api/v1/repositories/r/files?${q}`), 400, "bad_path", `files?${q}`);
    }
    for (const q of ["prefix=..", "prefix=/etc"]) {
      assertError(await api.get(`/api/v1/repositories/r/entities?${q}`), 400, "bad_path", `entities?${q}`);
    }
  });

  test("a symlink inside the root to a folder outside it is no way out for writes", async () => {
    await symlink(outside(), path.join(root(), "link"));
    try {
      const put = await api.put("/api/v1/repositories/r/objects/link/planted.txt", "planted\n");
      assert.ok(put.status >= 400 && put.status < 500, `an upload through the link is refused: ${put.status} ${put.body}`);
      assert.equal(typeof put.json?.code, "string", put.body);
      const overwrite = await api.put("/api/v1/repositories/r/objects/link/secret.txt", "overwritten\n");
      assert.ok(overwrite.status >= 400 && overwrite.status < 500, `${overwrite.status} ${overwrite.body}`);
      const del = await request(server.base, "DELETE", "/api/v1/repositories/r/objects/link/secret.txt");
      assert.ok(del.status >= 400 && del.status < 500, `${del.status} ${del.body}`);
      const move = await api.post("/api/v1/repositories/r/move", { from: "sub", to: "link/sub" });
      assert.ok(move.status >= 400 && move.status < 500, `${move.status} ${move.body}`);
      await outsideUntouched();
    } finally {
      await import("node:fs/promises").then((fs) => fs.unlink(path.join(root(), "link")));
    }
  });
});
