// Where an operator may register repositories: only at or below [serve]
// allowed_roots, judged after '..', percent-escapes and symbolic links
// are resolved; with no list, nowhere (the operator role reached the whole
// host: any absolute path, even one that did not exist). And nothing is
// written to a detached repository.
//   tmp/allowed/            the allowed root
//     photos/ (a file)      a folder that may be registered
//     real/, inner -> real  a link that stays inside
//     escape -> tmp/outside a link that leads out
//     dangling -> nowhere
//   tmp/allowed2/           a sibling whose name starts like the root's
//   tmp/outside/
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { mkdir, rename, symlink } from "node:fs/promises";
import path from "node:path";
import { after, before, test } from "node:test";

import { makeTmp, removeTmp, startServer, tidemark, writeTree } from "../harness.mjs";
import {
  apiDescribe,
  assertError,
  client,
  ok,
  request,
  runJob,
  tinyWebRoot,
  TOKENS,
  tokensToml,
  writeConfig,
} from "./api_harness.mjs";

apiDescribe("allowed roots", () => {
  let tmp;
  let open; // no allowed_roots
  let server; // allowed_roots = [tmp/allowed], with tokens
  let operator;
  let admin;
  const at = (...p) => path.join(tmp, ...p);

  before(async () => {
    tmp = await makeTmp();
    await writeTree(at("allowed"), { "photos/1.jpg": "1\n", "real/r.jpg": "r\n" });
    await writeTree(at("allowed2"), { "x.jpg": "x\n" });
    await writeTree(at("outside"), { "secret.txt": "s\n" });
    await symlink(at("allowed", "real"), at("allowed", "inner"));
    await symlink(at("outside"), at("allowed", "escape"));
    await symlink(at("nowhere"), at("allowed", "dangling"));
    const web = await tinyWebRoot(tmp);

    const openDir = at("open");
    await mkdir(openDir);
    open = await startServer({ db: path.join(openDir, "catalog.db"), dir: openDir, web });

    const config = await writeConfig(tmp, [
      "[serve]",
      `allowed_roots = [${JSON.stringify(at("allowed"))}]`,
      tokensToml(),
    ]);
    server = await startServer({ db: at("catalog.db"), dir: tmp, web, globalArgs: ["--config", config] });
    operator = client(server.base, TOKENS.operator);
    admin = client(server.base, TOKENS.admin);
  });

  after(async () => {
    await open?.stop();
    await server?.stop();
    await removeTmp(tmp);
  });

  test("with no [serve] allowed_roots the API registers nothing, and says how to allow it", async () => {
    const res = await client(open.base).post("/api/v1/repositories", { name: "p", url: at("allowed", "photos") });
    assertError(res, 403, "forbidden", "no allowed_roots");
    assert.match(res.json.error, /allowed_roots/);
    assert.equal(ok(await client(open.base).get("/api/v1/repositories")).repositories.length, 0);
  });

  test("outside the allowed roots is 403, however the path is written", async () => {
    const outside = [
      "/",
      "/etc",
      at("outside"),
      at("allowed2"),
      `${at("allowed")}2`,
      tmp,
      `${at("allowed")}/../outside`,
      `${at("allowed")}/photos/../../outside`,
      `file://${at("allowed")}/%2e%2e/outside`,
      `file://localhost${at("outside")}`,
      at("allowed", "escape"),
      at("allowed", "escape", "sub"),
    ];
    for (const url of outside) {
      const res = await operator.post("/api/v1/repositories", { name: "x", url, allow_offline: true });
      assertError(res, 403, "forbidden", url);
      assert.match(res.json.error, /allowed_roots/, res.json.error);
    }
    const dangling = await operator.post("/api/v1/repositories", { name: "x", url: at("allowed", "dangling") });
    assertError(dangling, 400, "invalid_argument", "a dangling link");
    assert.equal(ok(await operator.get("/api/v1/repositories")).repositories.length, 0, "nothing was registered");
  });

  test("inside: an existing folder, a link that stays inside (registered where it leads), an offline one when asked", async () => {
    const photos = ok(await operator.post("/api/v1/repositories", { name: "photos", url: at("allowed", "photos") }), 201);
    assert.equal(photos.url, `file://${at("allowed", "photos")}`);
    const inner = ok(await operator.post("/api/v1/repositories", { name: "inner", url: at("allowed", "inner") }), 201);
    assert.equal(inner.url, `file://${at("allowed", "real")}`, "the link is resolved before it is registered");

    // As `repo add`: a root that is not there needs allow_offline.
    const missing = await operator.post("/api/v1/repositories", { name: "later", url: at("allowed", "later") });
    assertError(missing, 400, "invalid_argument", "a root that does not exist");
    assert.match(missing.json.error, /allow_offline/);
    for (const value of ["yes", 1, null]) {
      const bad = await operator.post("/api/v1/repositories", { name: "later", url: at("allowed", "later"), allow_offline: value });
      assertError(bad, 400, "invalid_argument", `allow_offline ${JSON.stringify(value)}`);
    }
    ok(await operator.post("/api/v1/repositories", { name: "later", url: at("allowed", "later"), allow_offline: true }), 201);
    assert.equal(existsSync(at("allowed", "later")), false, "registering creates no folder");
  });

  // A root registered inside the allowed folders, then replaced by a link
  // to a folder outside them by someone who can write there: uploads,
  // deletes and syncs went through the link.
  test("a root replaced by a link that leads outside is offline: nothing is written, deleted or listed there", async () => {
    await writeTree(at("allowed", "swap"), { "kept.txt": "k\n" });
    ok(await operator.post("/api/v1/repositories", { name: "swap", url: at("allowed", "swap") }), 201);
    const before = await runJob(server.base, "/api/v1/repositories/swap/checks", {}, TOKENS.operator);
    assert.equal(before.status, "succeeded", JSON.stringify(before));
    const adopt = await runJob(server.base, "/api/v1/repositories/swap/repairs", { orphaned: "adopt" }, TOKENS.admin);
    assert.equal(adopt.status, "succeeded", JSON.stringify(adopt));
    assert.equal(ok(await operator.get("/api/v1/repositories/swap")).totals.files, 1);

    await rename(at("allowed", "swap"), at("allowed", "swap.bak"));
    await symlink(at("outside"), at("allowed", "swap"));
    const attempts = [
      ["PUT", "/api/v1/repositories/swap/objects/evil.txt", { body: "evil\n" }],
      ["DELETE", "/api/v1/repositories/swap/objects/secret.txt", {}],
      ["DELETE", "/api/v1/repositories/swap/objects/kept.txt", {}],
      ["POST", "/api/v1/repositories/swap/move", { json: { from: "secret.txt", to: "moved.txt" } }],
    ];
    for (const [method, route, opts] of attempts) {
      const res = await request(server.base, method, route, { token: TOKENS.admin, ...opts });
      assert.ok(res.status >= 400, `${method} ${route} is refused: HTTP ${res.status} ${res.body}`);
    }
    const check = await runJob(server.base, "/api/v1/repositories/swap/checks", {}, TOKENS.operator);
    assert.notEqual(check.status, "succeeded", `a check does not list the link's target: ${JSON.stringify(check)}`);
    assert.match(JSON.stringify(check), /allowed_roots/, "and says why");
    const repair = await runJob(server.base, "/api/v1/repositories/swap/repairs", { orphaned: "adopt", missing: "drop" }, TOKENS.admin);
    assert.notEqual(repair.status, "succeeded", JSON.stringify(repair));

    assert.equal(existsSync(at("outside", "evil.txt")), false, "nothing was uploaded outside");
    assert.equal(existsSync(at("outside", "secret.txt")), true, "nothing was deleted outside");
    assert.equal(existsSync(at("outside", "moved.txt")), false, "nothing was moved outside");
    const files = ok(await operator.get("/api/v1/repositories/swap/files"));
    assert.deepEqual(
      files.files.map((f) => f.path),
      ["kept.txt"],
      "the catalog keeps its record and takes nothing from outside",
    );
  });

  test("a detached repository takes no writes; its records stay readable", async () => {
    const repo = "photos";
    ok(await operator.post(`/api/v1/repositories/${repo}/sync`, {}), 202);
    // Detach it (DELETE without purge keeps the records).
    ok(await admin.del(`/api/v1/repositories/${repo}`));
    assert.equal(ok(await admin.get(`/api/v1/repositories/${repo}`)).detached, true);
    const writes = [
      ["PUT", `/api/v1/repositories/${repo}/objects/new.jpg`, { body: "new\n" }],
      ["DELETE", `/api/v1/repositories/${repo}/objects/1.jpg`, {}],
      ["POST", `/api/v1/repositories/${repo}/move`, { json: { from: "a", to: "b" } }],
      ["POST", `/api/v1/repositories/${repo}/repairs`, { json: { orphaned: "adopt" } }],
    ];
    for (const [method, route, opts] of writes) {
      const res = await request(server.base, method, route, { token: TOKENS.admin, ...opts });
      assertError(res, 409, "conflict", `${method} ${route}`);
      assert.match(res.json.error, /detached/);
    }
    assert.equal(existsSync(at("allowed", "photos", "new.jpg")), false, "nothing was uploaded");
    assert.equal(existsSync(at("allowed", "photos", "1.jpg")), true, "nothing was deleted");
    ok(await admin.get(`/api/v1/repositories/${repo}/files`));
  });
});
