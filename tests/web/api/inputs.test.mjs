// Every boolean and number a client sends goes through one strict parser
// (common/strict_parse.h; DESIGN.md, safety rule 6): query booleans take
// "true" or "false" only (`?dry_run=1` deleted a folder, `?dry_run=yes`
// wrote a file), numbers are whole decimals in range, JSON booleans are
// JSON booleans. Each bad value is 400 invalid_argument naming the
// parameter, and changes nothing.
//   docs   truth=catalog: a.txt, dir/x.txt, dir/y.txt
//   cars   the cars layout, one car
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { after, before, test } from "node:test";

import { makeTmp, removeTmp, startServer, tidemark, writeCar, writeTree } from "../harness.mjs";
import { apiDescribe, assertError, client, ok, rawRequest, request, tinyWebRoot } from "./api_harness.mjs";

// What a human might mean either way, and what no one means.
const BAD_BOOLEANS = [
  "1", "0", "yes", "no", "YES", "TRUE", "True", "FALSE", "on", "off", "t", "f", "", "tru", "truee",
  "%20true", "true%20", "%00", "true%00", "null",
  // A pair is split at its first '=' and pairs at '&' only: these are one
  // value each, never "true" (httplib read "true;dry_run=true" as "true").
  "true;dry_run=true", "yes=true", "true=true", "x=true",
];
const BAD_NUMBERS = [
  "abc", "-1", "1e3", "0x10", "+5", "5abc", "", "%205", "5%20", "1.5", "nan", "inf", "99999999999999999999", "%00",
  "abc=2", "2;x=2",
];

apiDescribe("inputs", () => {
  let tmp;
  let server;
  let api;
  const docs = () => path.join(tmp, "docs");

  before(async () => {
    tmp = await makeTmp();
    const db = path.join(tmp, "catalog.db");
    await writeTree(docs(), { "a.txt": "a\n", "dir/x.txt": "x\n", "dir/y.txt": "y\n" });
    await tidemark(db, ["repo", "add", "docs", docs(), "--truth", "catalog"]);
    await tidemark(db, ["repair", "docs", "--adopt-orphaned", "--json"]);
    const photos = path.join(tmp, "cars");
    await writeCar(photos, { region: "MSK", make: "VW", model: "Golf", vin: "WVWZZZ1JZXW000001", files: { "dealer/1": 1 } });
    await tidemark(db, ["repo", "add", "cars", photos, "--layout", "cars"]);
    server = await startServer({ db, dir: tmp, web: await tinyWebRoot(tmp) });
    api = client(server.base);
  });

  after(async () => {
    await server?.stop();
    await removeTmp(tmp);
  });

  async function assertNothingChanged(what) {
    assert.equal(existsSync(path.join(docs(), "new.txt")), false, `${what}: new.txt was not written`);
    assert.equal(existsSync(path.join(docs(), "dir/x.txt")), true, `${what}: dir/x.txt is still there`);
    assert.equal(existsSync(path.join(docs(), "dir/y.txt")), true, `${what}: dir/y.txt is still there`);
    const repo = ok(await api.get("/api/v1/repositories/docs"));
    assert.equal(repo.detached, false, `${what}: docs is still attached`);
    assert.equal(repo.totals.files, 3, `${what}: docs still has its 3 records`);
  }

  // [method, route with the parameter's value as VALUE, parameter, body]
  const BOOLEAN_ROUTES = [
    ["PUT", "/api/v1/repositories/docs/objects/new.txt?dry_run=VALUE", "dry_run", "new\n"],
    ["DELETE", "/api/v1/repositories/docs/objects/dir?recursive=true&dry_run=VALUE", "dry_run"],
    ["DELETE", "/api/v1/repositories/docs/objects/dir?recursive=VALUE", "recursive"],
    ["DELETE", "/api/v1/repositories/docs?purge=VALUE", "purge"],
    ["GET", "/api/v1/repositories/docs/entities?include_deleted=VALUE", "include_deleted"],
    ["GET", "/api/cars?include_deleted=VALUE", "include_deleted"],
  ];

  test("query booleans: only true or false; anything else is 400 naming the parameter and does nothing", async () => {
    for (const [method, route, name, body] of BOOLEAN_ROUTES) {
      for (const value of BAD_BOOLEANS) {
        const target = route.replace("VALUE", value);
        const res = await request(server.base, method, target, { body });
        assertError(res, 400, "invalid_argument", `${method} ${target}`);
        assert.ok(res.json.error.includes(name), `the 400 names ${name}: ${res.json.error}`);
        assert.match(res.json.error, /true or false/, `and says what is accepted: ${res.json.error}`);
      }
      await assertNothingChanged(`${method} ${route}`);
    }
  });

  test("a parameter given twice is 400, whichever comes first", async () => {
    for (const [method, route, name, body] of BOOLEAN_ROUTES) {
      for (const pair of [
        `${name}=true&${name}=false`, `${name}=false&${name}=true`, `${name}=true&${name}=1`,
        `${name}=true&${name}=true`, `${name}=false&${name}=false`,
      ]) {
        const target = route.replace(`${name}=VALUE`, pair);
        const res = await request(server.base, method, target, { body });
        assertError(res, 400, "invalid_argument", `${method} ${target}`);
        assert.match(res.json.error, /given 2 times/, res.json.error);
      }
    }
    assertError(await api.get("/api/v1/repositories/docs/files?limit=1&limit=2"), 400, "invalid_argument");
    assertError(await api.get("/api/v1/repositories/docs/files?prefix=a&prefix=dir"), 400, "invalid_argument");
    await assertNothingChanged("parameters given twice");
  });

  // A misspelt parameter was ignored: `?recursive=true&dryrun=true` deleted
  // the folder for real. Every route takes only what openapi.json declares.
  test("an unknown query parameter is 400 naming it and what the route takes, and does nothing", async () => {
    const cases = [
      ["DELETE", "/api/v1/repositories/docs/objects/dir?recursive=true&dryrun=true", "dryrun", /dry_run/],
      ["DELETE", "/api/v1/repositories/docs/objects/dir?recursive=true&dry-run=true", "dry-run", /dry_run/],
      ["DELETE", "/api/v1/repositories/docs/objects/dir?recursive=true&Dry_Run=true", "Dry_Run", /dry_run/],
      ["PUT", "/api/v1/repositories/docs/objects/new.txt?dryRun=true", "dryRun", /dry_run/],
      ["DELETE", "/api/v1/repositories/docs?purge=false&force=true", "force", /purge/],
      ["POST", "/api/v1/repositories/docs/sync?dry_run=true", "dry_run", /takes none/],
      ["GET", "/api/v1/repositories/docs/files?limt=5", "limt", /limit/],
    ];
    for (const [method, target, name, takes] of cases) {
      const res = await request(server.base, method, target, { body: method === "PUT" ? "new\n" : undefined });
      assertError(res, 400, "unknown_parameter", `${method} ${target}`);
      assert.ok(res.json.error.includes(`'${name}'`), `the 400 names ${name}: ${res.json.error}`);
      assert.match(res.json.error, takes, `and what the route takes: ${res.json.error}`);
    }
    await assertNothingChanged("unknown parameters");
  });

  // The same for JSON bodies: {"dryrun": true} ran the real repair.
  test("an unknown field in a JSON body is 400 naming it, and nothing starts", async () => {
    const jobsBefore = ok(await api.get("/api/v1/jobs")).jobs.length;
    const cases = [
      ["/api/v1/repositories/docs/repairs", { missing: "drop", dryrun: true }, "dryrun", /dry_run/],
      ["/api/v1/repositories/docs/repairs", { missing: "drop", dry_run: true, forse: true }, "forse", /force/],
      ["/api/v1/repositories/docs/move", { from: "dir", to: "moved", dryRun: true }, "dryRun", /dry_run/],
      ["/api/v1/repositories/docs/checks", { scopе: "dir" }, "scopе", /scope/],
      ["/api/v1/repositories", { name: "x", url: docs(), allowOffline: true }, "allowOffline", /allow_offline/],
    ];
    for (const [route, body, name, takes] of cases) {
      const res = await api.post(route, body);
      assertError(res, 400, "unknown_field", `${route} ${JSON.stringify(body)}`);
      assert.ok(res.json.error.includes(`'${name}'`), `the 400 names ${name}: ${res.json.error}`);
      assert.match(res.json.error, takes, `and what the body takes: ${res.json.error}`);
    }
    assert.equal(ok(await api.get("/api/v1/jobs")).jobs.length, jobsBefore, "no job was started");
    assert.equal(existsSync(path.join(docs(), "moved")), false, "nothing was moved");
    await assertNothingChanged("unknown fields");
  });

  // nlohmann keeps the last of two keys; a proxy, an audit log or a
  // reviewer may read the first: {"dry_run": true, "dry_run": false} ran
  // the real repair.
  test("a field given twice in a JSON body is 400 naming it, at any depth, and nothing starts", async () => {
    const jobsBefore = ok(await api.get("/api/v1/jobs")).jobs.length;
    const cases = [
      ["/api/v1/repositories/docs/repairs", '{"missing":"drop","dry_run":true,"dry_run":false}', "dry_run"],
      ["/api/v1/repositories/docs/repairs", '{"dry_run":false,"missing":"drop","dry_run":true}', "dry_run"],
      ["/api/v1/repositories/docs/move", '{"from":"dir","to":"moved","to":"other"}', "to"],
      ["/api/v1/repositories/docs/checks", '{"scope":"dir","scope":"a.txt"}', "scope"],
    ];
    for (const [route, body, name] of cases) {
      const res = await request(server.base, "POST", route, { body, headers: { "Content-Type": "application/json" } });
      assertError(res, 400, "invalid_argument", `${route} ${body}`);
      assert.ok(res.json.error.includes(`'${name}'`), `the 400 names ${name}: ${res.json.error}`);
      assert.match(res.json.error, /given twice/, res.json.error);
    }
    assert.equal(ok(await api.get("/api/v1/jobs")).jobs.length, jobsBefore, "no job was started");
    assert.equal(existsSync(path.join(docs(), "moved")), false, "nothing was moved");
    assert.equal(existsSync(path.join(docs(), "other")), false, "nothing was moved");
    await assertNothingChanged("fields given twice");
  });

  // curl --data-binary sends "application/x-www-form-urlencoded", and
  // httplib parsed such a body into the request's parameters: a file
  // holding "dry_run=true" was answered 200 and not stored, and a
  // .properties file was refused as an unknown parameter.
  test("an upload's bytes are the object whatever its Content-Type, never parameters", async () => {
    const form = { "Content-Type": "application/x-www-form-urlencoded" };
    const cases = [
      ["form1.txt", "dry_run=true"],
      ["app.properties", "name=tidemark\nversion=1\n"],
      ["both.txt", "recursive=true&dry_run=false"],
    ];
    for (const [name, body] of cases) {
      const route = `/api/v1/repositories/docs/objects/${name}`;
      const res = await request(server.base, "PUT", route, { body, headers: form });
      assert.ok(res.status === 200 || res.status === 201, `PUT ${name}: HTTP ${res.status} ${res.body}`);
      assert.equal(res.json.dry_run, false, `PUT ${name} was a real write: ${res.body}`);
      assert.equal(readFileSync(path.join(docs(), name), "utf8"), body, `${name} holds the bytes sent`);
      const file = ok(await api.get(`/api/v1/repositories/docs/files/${name}`));
      assert.equal(file.size, Buffer.byteLength(body), `${name}'s record has the size sent`);
    }
    // With a real parameter in the query, the body's look-alike is not a
    // second one.
    const res = await request(server.base, "PUT", "/api/v1/repositories/docs/objects/form2.txt?dry_run=true", {
      body: "dry_run=false",
      headers: form,
    });
    assert.equal(ok(res).dry_run, true, res.body);
    assert.equal(existsSync(path.join(docs(), "form2.txt")), false, "the dry run wrote nothing");
    for (const [name] of cases) ok(await api.del(`/api/v1/repositories/docs/objects/${name}`));
  });

  test("query booleans that are well formed still work", async () => {
    const dry = ok(await api.del("/api/v1/repositories/docs/objects/dir?recursive=true&dry_run=true"));
    assert.equal(dry.dry_run, true);
    assert.equal(dry.records_removed, 2, "the dry run says what it would remove");
    await assertNothingChanged("a dry run");
    ok(await api.get("/api/v1/repositories/docs/entities?include_deleted=false"));
    ok(await api.get("/api/cars?include_deleted=true&max_age=0"));
  });

  test("query numbers: whole decimals in range; anything else is 400 naming the parameter", async () => {
    // [route with VALUE, parameter, values out of its range]
    const routes = [
      ["/api/v1/repositories/docs/files?limit=VALUE", "limit", ["0", "10001"]],
      ["/api/v1/repositories/docs/operations?limit=VALUE", "limit", ["0", "1001"]],
      ["/api/v1/operations?limit=VALUE", "limit", ["0", "1001"]],
      ["/api/v1/repositories/docs/entities?limit=VALUE", "limit", ["0", "100001"]],
      ["/api/v1/repositories/docs/entities?after=VALUE", "after", []],
      ["/api/v1/jobs?limit=VALUE", "limit", ["0", "201"]],
      ["/api/cars?max_age=VALUE", "max_age", ["86401"]],
      ["/api/cars/vin/WVWZZZ1JZXW000001?max_age=VALUE", "max_age", ["86401"]],
    ];
    for (const [route, name, outOfRange] of routes) {
      for (const value of [...BAD_NUMBERS, ...outOfRange]) {
        const target = route.replace("VALUE", value);
        const res = await api.get(target);
        assertError(res, 400, "invalid_argument", target);
        assert.ok(res.json.error.includes(name), `the 400 names ${name}: ${res.json.error}`);
        assert.match(res.json.error, /from \d+ to \d+/, `and the range: ${res.json.error}`);
      }
    }
    for (const id of ["abc", "-1", "0", "1e3", "0x10", "99999999999999999999"]) {
      assertError(await api.get(`/api/v1/jobs/${id}`), 400, "invalid_argument", `job id ${id}`);
    }
  });

  test("the event stream's last_event_id is a number too", async () => {
    for (const value of ["abc", "-1", "1e3", "5abc"]) {
      const query = await rawRequest(
        server.base,
        `GET /api/v1/events?last_event_id=${value} HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n`,
      );
      assertError(query, 400, "invalid_argument", `?last_event_id=${value}`);
      const header = await rawRequest(
        server.base,
        `GET /api/v1/events HTTP/1.1\r\nHost: test\r\nLast-Event-ID: ${value}\r\nConnection: close\r\n\r\n`,
      );
      assertError(header, 400, "invalid_argument", `Last-Event-ID: ${value}`);
      assert.match(header.json.error, /Last-Event-ID/);
    }
  });

  // null was taken as false: {"dry_run": null} ran the real repair.
  test("JSON booleans are JSON booleans: 1, \"true\" and null are 400 naming the field, and nothing starts", async () => {
    const jobsBefore = ok(await api.get("/api/v1/jobs")).jobs.length;
    const cases = [
      ["/api/v1/repositories/docs/repairs", { missing: "drop" }, "dry_run"],
      ["/api/v1/repositories/docs/repairs", { missing: "drop", dry_run: true }, "force"],
      ["/api/v1/repositories/docs/repairs", { missing: "drop", dry_run: true }, "update_modified"],
      ["/api/v1/repositories/docs/checks", {}, "list_synced"],
      ["/api/v1/repositories/docs/move", { from: "dir", to: "moved" }, "dry_run"],
    ];
    for (const [route, base, field] of cases) {
      for (const value of [1, 0, "true", "false", "yes", null, [], {}, [true]]) {
        const res = await api.post(route, { ...base, [field]: value });
        assertError(res, 400, "invalid_argument", `${route} ${field}=${JSON.stringify(value)}`);
        assert.ok(res.json.error.includes(field), `the 400 names ${field}: ${res.json.error}`);
      }
    }
    assert.equal(ok(await api.get("/api/v1/jobs")).jobs.length, jobsBefore, "no job was started");
    assert.equal(existsSync(path.join(docs(), "moved")), false, "nothing was moved");
    await assertNothingChanged("JSON booleans");
  });
});
