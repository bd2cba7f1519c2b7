// The resources of /api/v1 against what the CLI says of the same catalog:
// repositories (list, add, get, remove with and without purge), the files
// listing with prefix and paging, one file, the operations history,
// entities, check and repair jobs, and writes (upload, delete, move).
// Runs on SQLite, and once more on PostgreSQL when TIDEMARK_TEST_PG_URL is
// set (scripts/test.sh exports it), in a schema of its own.
//   photos  truth=catalog: nothing syncs it behind the test's back
//   shop    the products layout, truth=catalog (entities)
import assert from "node:assert/strict";
import { existsSync, readlinkSync } from "node:fs";
import { readFile, rm } from "node:fs/promises";
import path from "node:path";
import { after, before, test } from "node:test";

import { ci, makeTmp, removeTmp, startServer, tidemark, tidemarkJson, writeTree } from "../harness.mjs";
import { apiDescribe, assertError, client, ok, postgresSchema, runJob, tinyWebRoot, writeConfig } from "./api_harness.mjs";

const PHOTOS = {
  "a/1.jpg": "one\n",
  "a/2.jpg": "two two\n",
  "a/b/3.jpg": "three\n",
  "a/b/4.jpg": "four four\n",
  "a/фото 5.jpg": "five, Cyrillic and a space\n",
  "ab/6.jpg": "six\n",
  "ab/7.jpg": "seven\n",
  "c/8.jpg": "eight\n",
  "c/d/9.jpg": "nine\n",
  "c/d/10.jpg": "ten\n",
  "z.txt": "zed\n",
};

const encodePath = (p) => p.split("/").map(encodeURIComponent).join("/");

function resourcesSuite(kind) {
  apiDescribe(`resources (${kind})`, () => {
    let tmp;
    let db;
    let schema;
    let server;
    let api;
    const photos = () => path.join(tmp, "photos");
    const cliFiles = async (args = []) => tidemarkJson(db, ["files", "photos", ...args]);
    const runCheck = (name) => runJob(server.base, `/api/v1/repositories/${name}/checks`, {});

    before(async () => {
      tmp = await makeTmp();
      if (kind === "postgres") {
        schema = await postgresSchema();
        db = schema.url;
      } else {
        db = path.join(tmp, "catalog.db");
      }
      await writeTree(photos(), PHOTOS);
      await tidemark(db, ["repo", "add", "photos", photos(), "--truth", "catalog"]);
      await tidemark(db, ["repair", "photos", "--adopt-orphaned", "--json"]);
      await writeTree(path.join(tmp, "shop"), {
        "products/p1/500ml/hero-card/a.jpg": "a\n",
        "products/p1/500ml/info-card/b.jpg": "b\n",
        "products/p2/1kg/hero-card/c.jpg": "c\n",
      });
      await tidemark(db, ["repo", "add", "shop", path.join(tmp, "shop"), "--layout", "products", "--truth", "catalog"]);
      await tidemark(db, ["repair", "shop", "--adopt-orphaned", "--json"]);
      const config = await writeConfig(tmp, ["[serve]", `allowed_roots = [${JSON.stringify(tmp)}]`]);
      server = await startServer({ db, dir: tmp, web: await tinyWebRoot(tmp), globalArgs: ["--config", config] });
      api = client(server.base);
    });

    after(async () => {
      await server?.stop();
      await schema?.drop();
      await removeTmp(tmp);
    });

    test("GET /repositories and /repositories/{name} agree with status --json", async () => {
      const list = ok(await api.get("/api/v1/repositories")).repositories;
      assert.deepEqual(list.map((r) => r.name).sort(), ["photos", "shop"]);
      const status = (await tidemarkJson(db, ["status"])).repositories;
      for (const r of list) {
        const cli = status.find((s) => s.name === r.name);
        assert.equal(r.totals.files, cli.totals.files, `${r.name}: files`);
        assert.equal(r.totals.bytes, cli.totals.bytes, `${r.name}: bytes`);
      }
      const one = ok(await api.get("/api/v1/repositories/photos"));
      assert.equal(one.name, "photos");
      assert.equal(one.truth, "catalog");
      assert.equal(one.detached, false);
      assert.equal(one.degraded, false);
      assert.equal(one.totals.files, Object.keys(PHOTOS).length);
      assert.equal(
        one.totals.bytes,
        Object.values(PHOTOS).reduce((n, s) => n + Buffer.byteLength(s), 0),
      );
      assert.equal(one.last_operation?.type, "repair", JSON.stringify(one.last_operation));
      assert.equal(ok(await api.get("/api/v1/repositories/shop")).layout, "products");
    });

    test("the files listing pages through exactly what files --json lists", async () => {
      const cli = await cliFiles();
      assert.equal(cli.length, Object.keys(PHOTOS).length);
      const all = ok(await api.get("/api/v1/repositories/photos/files"));
      assert.equal(all.next, null, "one page holds them all");
      assert.deepEqual(all.files, cli, "the records are files --json's");

      const paged = [];
      let after = null;
      let pages = 0;
      do {
        const q = `limit=4${after === null ? "" : `&after=${encodeURIComponent(after)}`}`;
        const page = ok(await api.get(`/api/v1/repositories/photos/files?${q}`));
        assert.ok(page.files.length <= 4);
        paged.push(...page.files);
        after = page.next;
        if (after !== null) assert.equal(after, page.files.at(-1).path, "next is the last path of the page");
        pages++;
      } while (after !== null && pages < 10);
      assert.equal(pages, Math.ceil(cli.length / 4));
      assert.deepEqual(paged.map((f) => f.path), cli.map((f) => f.path), "pages in order, none twice, none lost");
    });

    test("?prefix= of a folder lists what files --prefix lists; without '/' it is a name prefix", async () => {
      for (const prefix of ["a/", "a/b/", "c/d/", "ab/", "nothing/"]) {
        const cli = await cliFiles(["--prefix", prefix]);
        const res = ok(await api.get(`/api/v1/repositories/photos/files?prefix=${encodeURIComponent(prefix)}`));
        assert.deepEqual(res.files.map((f) => f.path), cli.map((f) => f.path), `prefix ${prefix}`);
      }
      // files --prefix takes a folder; the API matches the start of the
      // path, so "a" is a/... and ab/..., and "a/" only a/....
      const named = ok(await api.get("/api/v1/repositories/photos/files?prefix=a")).files.map((f) => f.path);
      const cliA = (await cliFiles(["--prefix", "a/"])).map((f) => f.path);
      const cliAb = (await cliFiles(["--prefix", "ab/"])).map((f) => f.path);
      assert.deepEqual(named, [...cliA, ...cliAb]);
      const z = ok(await api.get("/api/v1/repositories/photos/files?prefix=z.t")).files.map((f) => f.path);
      assert.deepEqual(z, ["z.txt"]);
      const folder = ok(await api.get("/api/v1/repositories/photos/files?prefix=a%2F&limit=2"));
      assert.equal(folder.files.length, 2);
      assert.ok(folder.files.every((f) => f.path.startsWith("a/")));
      const rest = ok(
        await api.get(`/api/v1/repositories/photos/files?prefix=a%2F&limit=100&after=${encodeURIComponent(folder.next)}`),
      );
      assert.ok(rest.files.every((f) => f.path.startsWith("a/")), "the next page keeps to the prefix");
      assert.equal(folder.files.length + rest.files.length, (await cliFiles(["--prefix", "a/"])).length);
    });

    test("GET files/{path}: one record, names with spaces and Cyrillic included", async () => {
      const cli = await cliFiles();
      for (const p of ["a/b/3.jpg", "a/фото 5.jpg", "z.txt"]) {
        const one = ok(await api.get(`/api/v1/repositories/photos/files/${encodePath(p)}`));
        assert.deepEqual(one, cli.find((f) => f.path === p), p);
      }
      assertError(await api.get("/api/v1/repositories/photos/files/a/none.jpg"), 404, "not_found");
      assertError(await api.get("/api/v1/repositories/photos/files/a"), 404, "not_found", "a folder is not a file");
    });

    test("the operations history is history --json's, newest first across repositories", async () => {
      const mine = ok(await api.get("/api/v1/repositories/photos/operations")).operations;
      const cli = await tidemarkJson(db, ["history", "photos"]);
      assert.deepEqual(mine.map((o) => o.id), cli.map((o) => o.id));
      assert.ok(mine.every((o) => o.repository === "photos"));
      const all = ok(await api.get("/api/v1/operations?limit=50")).operations;
      assert.deepEqual([...new Set(all.map((o) => o.repository))].sort(), ["photos", "shop"]);
      const times = all.map((o) => o.start_time);
      assert.deepEqual(times, [...times].sort().reverse(), "newest first");
      assert.equal(ok(await api.get("/api/v1/operations?limit=1")).operations.length, 1);
    });

    test("entities: the products layout's products, by kind and prefix", async () => {
      const products = ok(await api.get("/api/v1/repositories/shop/entities?kind=product")).entities;
      assert.deepEqual(products.map((e) => e.key).sort(), ["p1", "p2"]);
      assert.ok(products.every((e) => e.kind === "product"));
      const p1 = products.find((e) => e.key === "p1");
      assert.equal(p1.file_count, 2);
      const under = ok(await api.get("/api/v1/repositories/shop/entities?prefix=products%2Fp2")).entities;
      assert.ok(under.length >= 1);
      assert.ok(under.every((e) => e.path.startsWith("products/p2")), JSON.stringify(under.map((e) => e.path)));
      assert.deepEqual(ok(await api.get("/api/v1/repositories/photos/entities")).entities, []);
    });

    test("entities page with limit and after until next is null", async () => {
      const all = ok(await api.get("/api/v1/repositories/shop/entities"));
      assert.equal(all.next, null);
      assert.ok(all.entities.length >= 3, "products and their variants");
      const paged = [];
      let after = null;
      for (let pages = 0; pages <= all.entities.length; pages++) {
        const page = ok(
          await api.get(`/api/v1/repositories/shop/entities?limit=2${after === null ? "" : `&after=${after}`}`),
        );
        assert.ok(page.entities.length <= 2);
        paged.push(...page.entities);
        after = page.next;
        if (after === null) break;
        assert.equal(after, page.entities.at(-1).id, "next is the last id of the page");
      }
      assert.equal(after, null, "the paging ends");
      assert.deepEqual(paged.map((e) => e.id), all.entities.map((e) => e.id));
    });

    test("a check finds a file removed on disk; a repair drops it; the next check is clean", async () => {
      const first = await runCheck("photos");
      assert.equal(first.status, "succeeded", JSON.stringify(first));
      assert.equal(first.kind, "check");
      assert.equal(first.repository, "photos");
      assert.equal(first.result.totals.missing, 0);
      assert.equal(first.result.totals.synced, Object.keys(PHOTOS).length);

      await rm(path.join(photos(), "c/d/9.jpg"));
      await writeTree(photos(), { "new/stray.jpg": "stray\n" });
      const drift = await runCheck("photos");
      assert.equal(drift.result.totals.missing, 1, JSON.stringify(drift.result.totals));
      assert.equal(drift.result.totals.orphaned, 1);
      assert.deepEqual(drift.result.missing, ["c/d/9.jpg"]);
      assert.deepEqual(drift.result.orphaned, ["new/stray.jpg"]);
      const summary = ok(await api.get("/api/v1/repositories/photos"));
      assert.equal(summary.drift?.missing, 1, "the summary carries the last check's drift");

      const repair = await runJob(server.base, "/api/v1/repositories/photos/repairs", {
        missing: "drop",
        orphaned: "adopt",
      });
      assert.equal(repair.status, "succeeded", JSON.stringify(repair));
      assert.equal(repair.kind, "repair");
      const clean = await runCheck("photos");
      assert.equal(clean.result.totals.missing, 0);
      assert.equal(clean.result.totals.orphaned, 0);
      const paths = (await cliFiles()).map((f) => f.path);
      assert.ok(!paths.includes("c/d/9.jpg"), "the missing record was dropped");
      assert.ok(paths.includes("new/stray.jpg"), "the orphan was adopted");
      const jobs = ok(await api.get("/api/v1/jobs")).jobs;
      assert.equal(jobs[0].id, clean.id, "GET /jobs lists the newest first");
    });

    test("a dry-run repair plans and changes nothing", async () => {
      await writeTree(photos(), { "dry/run.jpg": "dry\n" });
      const before = (await cliFiles()).length;
      const job = await runJob(server.base, "/api/v1/repositories/photos/repairs", {
        orphaned: "adopt",
        dry_run: true,
      });
      assert.equal(job.status, "succeeded", JSON.stringify(job));
      assert.match(JSON.stringify(job.result), /dry\/run\.jpg/, "the plan names the file");
      assert.equal((await cliFiles()).length, before, "nothing was adopted");
      await rm(path.join(photos(), "dry"), { recursive: true });
    });

    test("PUT uploads onto disk and into the catalog; again replaces; DELETE removes both", async () => {
      const up = ok(await api.put("/api/v1/repositories/photos/objects/up/new%20one.jpg", "uploaded bytes\n"), 201);
      assert.equal(up.record.path, "up/new one.jpg");
      assert.equal(up.record.size, 15);
      assert.equal(await readFile(path.join(photos(), "up/new one.jpg"), "utf8"), "uploaded bytes\n");
      const cli = (await cliFiles(["--prefix", "up/"])).map((f) => [f.path, f.size]);
      assert.deepEqual(cli, [["up/new one.jpg", 15]]);
      assert.equal(ok(await api.get("/api/v1/repositories/photos/files/up/new%20one.jpg")).id, up.record.id);

      const again = ok(await api.put("/api/v1/repositories/photos/objects/up/new%20one.jpg", "v2\n"));
      assert.equal(again.replaced, true);
      assert.equal(await readFile(path.join(photos(), "up/new one.jpg"), "utf8"), "v2\n");
      assert.equal(ok(await api.get("/api/v1/repositories/photos/files/up/new%20one.jpg")).size, 3);

      const gone = ok(await api.del("/api/v1/repositories/photos/objects/up/new%20one.jpg"));
      assert.equal(gone.records_removed, 1);
      assert.equal(existsSync(path.join(photos(), "up/new one.jpg")), false);
      assertError(await api.get("/api/v1/repositories/photos/files/up/new%20one.jpg"), 404, "not_found");
    });

    test("leftovers of a dead writer: a check reports them, a write in their folder and a repair settle them", async () => {
      // The names a writer of this host that is gone would have left: this
      // process's pid, started at another time (docs/ARCHITECTURE.md).
      const boot = (await readFile("/proc/sys/kernel/random/boot_id", "utf8")).replace(/[^0-9a-f]/g, "");
      const ns = readlinkSync("/proc/self/ns/pid").match(/\[(\d+)\]/)[1];
      const stat = (await readFile("/proc/self/stat", "utf8")).split(")").pop().trim().split(" ");
      const writer = `${boot}.${ns}.${process.pid}.${Number(stat[19]) + 1}`;
      const partial = `left/.tidemark-${writer}-1.tmp`;
      const elsewhere = `elsewhere/.tidemark-${writer}-2.tmp`;
      await writeTree(photos(), { [partial]: "half an upl", [elsewhere]: "half" });

      const check = await runCheck("photos");
      assert.equal(check.result.clean, false);
      assert.equal(check.result.totals.leftovers, 2);
      assert.deepEqual(
        check.result.leftovers.map((l) => [l.path, l.kind, l.action, l.writer_gone]),
        [
          [elsewhere, "temporary", "remove", true],
          [partial, "temporary", "remove", true],
        ],
      );
      assert.ok(!check.result.orphaned.includes(partial), "never an orphaned file");

      const up = ok(await api.put("/api/v1/repositories/photos/objects/left/next.jpg", "next\n"), 201);
      assert.deepEqual(up.leftovers.removed, [partial], "the upload settles its folder");
      assert.equal(existsSync(path.join(photos(), partial)), false);
      assert.equal(existsSync(path.join(photos(), elsewhere)), true, "and only its folder");

      const repair = await runJob(server.base, "/api/v1/repositories/photos/repairs", { remove_leftovers: true });
      assert.equal(repair.status, "succeeded", JSON.stringify(repair));
      assert.deepEqual(repair.result.leftovers.removed, [elsewhere]);
      assert.equal(existsSync(path.join(photos(), elsewhere)), false);
      assert.equal((await runCheck("photos")).result.totals.leftovers, 0);
      ok(await api.del("/api/v1/repositories/photos/objects/left/next.jpg"));
    });

    test("names with +, %, ?, # and a literal %41 go to disk and back as they are", async () => {
      for (const name of ["a+b.txt", "100%.txt", "what?.txt", "n#1.txt", "%41.txt"]) {
        const route = `/api/v1/repositories/photos/objects/odd/${encodeURIComponent(name)}`;
        const up = ok(await api.put(route, `${name}\n`), 201);
        assert.equal(up.record.path, `odd/${name}`);
        assert.equal(await readFile(path.join(photos(), "odd", name), "utf8"), `${name}\n`, name);
        const one = ok(await api.get(`/api/v1/repositories/photos/files/odd/${encodeURIComponent(name)}`));
        assert.equal(one.id, up.record.id, name);
      }
      assert.equal(ok(await api.del("/api/v1/repositories/photos/objects/odd?recursive=true")).records_removed, 5);
      for (const name of ["a+b.txt", "%41.txt", "A.txt"]) assert.equal(existsSync(path.join(photos(), "odd", name)), false);
    });

    test("DELETE of a folder needs ?recursive=true, then removes every file below it", async () => {
      assertError(await api.del("/api/v1/repositories/photos/objects/a/b"), 400, "invalid_argument");
      assert.equal(existsSync(path.join(photos(), "a/b/3.jpg")), true, "the refused delete removed nothing");
      const res = ok(await api.del("/api/v1/repositories/photos/objects/a/b?recursive=true"));
      assert.equal(res.records_removed, 2);
      assert.equal(existsSync(path.join(photos(), "a/b/3.jpg")), false);
      assert.equal(existsSync(path.join(photos(), "a/b/4.jpg")), false);
      assert.deepEqual(await cliFiles(["--prefix", "a/b/"]), []);
      assert.equal(existsSync(path.join(photos(), "a/1.jpg")), true, "a sibling stays");
    });

    test("move of a prefix moves the files on disk and their records", async () => {
      const before = (await cliFiles(["--prefix", "c/"])).map((f) => f.path.slice(2)).sort();
      assert.ok(before.length > 0);
      const res = ok(await api.post("/api/v1/repositories/photos/move", { from: "c", to: "moved/c" }));
      assert.equal(res.moved, before.length);
      assert.deepEqual(await cliFiles(["--prefix", "c/"]), []);
      const after = (await cliFiles(["--prefix", "moved/c/"])).map((f) => f.path.slice("moved/c/".length)).sort();
      assert.deepEqual(after, before);
      assert.equal(await readFile(path.join(photos(), "moved/c/8.jpg"), "utf8"), "eight\n");
      assert.equal(existsSync(path.join(photos(), "c/8.jpg")), false);
    });

    test("POST, GET and DELETE a repository: detached keeps its records, purge removes them", async () => {
      const extra = path.join(tmp, "extra");
      await writeTree(extra, { "e1.txt": "e1\n", "e2.txt": "e2\n" });
      const added = ok(await api.post("/api/v1/repositories", { name: "extra", url: extra, truth: "catalog" }), 201);
      assert.equal(added.name, "extra");
      assert.equal(added.truth, "catalog");
      assert.match(added.url, /extra$/);
      assert.ok((await tidemarkJson(db, ["repo", "list"])).some((r) => r.name === "extra"), "repo list shows it");
      ok(await api.get("/api/v1/repositories/extra"));
      const adopted = await runJob(server.base, "/api/v1/repositories/extra/repairs", { orphaned: "adopt" });
      assert.equal(adopted.status, "succeeded", JSON.stringify(adopted));

      const detached = ok(await api.del("/api/v1/repositories/extra"));
      assert.deepEqual(detached, { name: "extra", purged: false });
      const kept = ok(await api.get("/api/v1/repositories/extra"));
      assert.equal(kept.detached, true, "a removed repository without purge is detached");
      assert.equal(kept.totals.files, 2, "and keeps its records");
      assert.equal(existsSync(path.join(extra, "e1.txt")), true, "its files stay on disk");

      const purged = ok(await api.del("/api/v1/repositories/extra?purge=true"));
      assert.deepEqual(purged, { name: "extra", purged: true });
      assertError(await api.get("/api/v1/repositories/extra"), 404, "not_found");
      assert.ok(!(await tidemarkJson(db, ["repo", "list"])).some((r) => r.name === "extra"));
      assert.equal(existsSync(path.join(extra, "e1.txt")), true, "purge leaves the files on disk");
    });
  });
}

resourcesSuite("sqlite");
if (process.env.TIDEMARK_TEST_PG_URL) {
  resourcesSuite("postgres");
} else if (ci) {
  test("resources (postgres): prerequisites", () =>
    assert.fail("CI=true and TIDEMARK_TEST_PG_URL is unset (scripts/test.sh starts a PostgreSQL cluster)"));
}
