// Request body framing through raw sockets, as a hostile or broken client
// sends it: a body is taken only with one Content-Length and only when it
// arrived whole (RFC 9112 section 6; DESIGN.md, safety rule 6). After every
// refusal the file on disk and its record are what they were.
//   docs   truth=catalog (nothing syncs it behind the test's back):
//          a.txt ("good content"), dir/x.txt, dir/y.txt
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { after, before, test } from "node:test";
import { gzipSync } from "node:zlib";

import { makeTmp, removeTmp, startServer, tidemark, writeTree } from "../harness.mjs";
import { apiDescribe, assertError, client, ok, rawRequest, tinyWebRoot } from "./api_harness.mjs";

const GOOD = "good content\n";
const OBJECT = "/api/v1/repositories/docs/objects";

apiDescribe("body framing", () => {
  let tmp;
  let server;
  let api;
  let record;
  const docs = () => path.join(tmp, "docs");
  const put = (name, headers, body = "") =>
    `PUT ${OBJECT}/${name} HTTP/1.1\r\nHost: test\r\n${headers.map((h) => h + "\r\n").join("")}\r\n${body}`;

  // a.txt and its record are untouched; no other object was created.
  async function assertUnchanged(what) {
    assert.equal(readFileSync(path.join(docs(), "a.txt"), "utf8"), GOOD, `${what}: a.txt on disk`);
    const now = ok(await api.get("/api/v1/repositories/docs/files/a.txt"));
    assert.deepEqual(
      { size: now.size, content_hash: now.content_hash, mtime: now.mtime },
      { size: record.size, content_hash: record.content_hash, mtime: record.mtime },
      `${what}: the record of a.txt`,
    );
    assert.equal(existsSync(path.join(docs(), "new.txt")), false, `${what}: new.txt was not created`);
    assertError(await api.get("/api/v1/repositories/docs/files/new.txt"), 404, "not_found");
  }

  before(async () => {
    tmp = await makeTmp();
    const db = path.join(tmp, "catalog.db");
    await writeTree(docs(), { "a.txt": GOOD, "dir/x.txt": "x\n", "dir/y.txt": "y\n" });
    await tidemark(db, ["repo", "add", "docs", docs(), "--truth", "catalog"]);
    await tidemark(db, ["repair", "docs", "--adopt-orphaned", "--json"]);
    server = await startServer({ db, dir: tmp, web: await tinyWebRoot(tmp) });
    api = client(server.base);
    record = ok(await api.get("/api/v1/repositories/docs/files/a.txt"));
  });

  after(async () => {
    await server?.stop();
    await removeTmp(tmp);
  });

  // cpp-httplib read such a body to the end of the connection and the
  // upload replaced a.txt with the fragment (or with nothing). A client
  // that closed its side may not see the 411 (the server, like httplib,
  // writes nothing to a closed connection); the file is what counts.
  test("an upload without Content-Length is 411, however the client ends, and replaces nothing", async () => {
    for (const [what, name, body, halfClose] of [
      ["8 bytes, then the client closes", "a.txt", "12345678", true],
      ["no bytes, then the client closes", "a.txt", "", true],
      ["8 bytes, the connection left open", "a.txt", "12345678", false],
      ["no bytes, the connection left open", "a.txt", "", false],
      ["a new object, 8 bytes, then the client closes", "new.txt", "12345678", true],
      ["a new object, 8 bytes", "new.txt", "12345678", false],
    ]) {
      const res = await rawRequest(server.base, put(name, [], body), { halfClose });
      if (!halfClose || res.status !== null) {
        assertError(res, 411, "length_required", what);
        assert.match(res.json.error, /Content-Length/, what);
      }
      await assertUnchanged(what);
    }
  });

  test("a body shorter than its Content-Length writes nothing", async () => {
    for (const name of ["a.txt", "new.txt"]) {
      for (const body of ["12345678", ""]) {
        const res = await rawRequest(server.base, put(name, ["Content-Length: 100"], body), { halfClose: true });
        assert.ok(res.status === null || res.status === 400, `${name} with ${body.length} of 100 bytes: ${res.status}`);
        await assertUnchanged(`${name}, ${body.length} of 100 bytes`);
      }
    }
  });

  test("two different Content-Length values are 400 and write nothing", async () => {
    for (const headers of [
      ["Content-Length: 3", "Content-Length: 8"],
      ["Content-Length: 8", "Content-Length: 3"],
      ["Content-Length: 3, 8"],
      ["Content-Length: 8", "Content-Length: 8, 9"],
    ]) {
      const res = await rawRequest(server.base, put("a.txt", [...headers, "Connection: close"], "12345678"));
      assertError(res, 400, "invalid_argument", headers.join(" / "));
      assert.match(res.json.error, /Content-Length/);
      await assertUnchanged(headers.join(" / "));
    }
    // The same length twice is one length.
    const same = await rawRequest(
      server.base,
      put("same.txt", ["Content-Length: 8", "Content-Length: 8", "Connection: close"], "12345678"),
    );
    assert.equal(same.status, 201, same.body);
    assert.equal(readFileSync(path.join(docs(), "same.txt"), "utf8"), "12345678");
  });

  // strtoull read "abc" as 0 (an empty upload over the file) and "8abc" as 8.
  test("a Content-Length that is not a plain number is 400 and writes nothing", async () => {
    for (const value of ["abc", "8abc", "-1", "-0", "+8", "0x8", "8 8", "1e1", "8.0", "８"]) {
      const res = await rawRequest(server.base, put("a.txt", [`Content-Length: ${value}`, "Connection: close"], "12345678"));
      assertError(res, 400, "invalid_argument", `Content-Length: ${value}`);
      await assertUnchanged(`Content-Length: ${value}`);
    }
  });

  test("Transfer-Encoding is refused whatever its case, also a chunked body cut short", async () => {
    for (const [what, headers, body, halfClose] of [
      ["chunked, cut short", ["Transfer-Encoding: chunked"], "5\r\nabc", false],
      ["CHUNKED with a Content-Length", ["Transfer-Encoding: CHUNKED", "Content-Length: 3"], "3\r\nabc\r\n0\r\n\r\n", false],
      ["gzip, chunked", ["Transfer-Encoding: gzip, chunked"], "3\r\nabc\r\n0\r\n\r\n", false],
    ]) {
      const res = await rawRequest(server.base, put("a.txt", [...headers, "Connection: close"], body), { halfClose });
      assertError(res, 400, "invalid_argument", what);
      assert.match(res.json.error, /Content-Length/, what);
      await assertUnchanged(what);
    }
  });

  // httplib inflated it with no bound: 64 MiB of gzip can be gigabytes.
  test("a coded body (Content-Encoding: gzip) is 415 and writes nothing", async () => {
    const zipped = gzipSync(Buffer.from("inflated\n"));
    const head = put("a.txt", ["Content-Encoding: gzip", `Content-Length: ${zipped.length}`, "Connection: close"]);
    const res = await rawRequest(server.base, [head, zipped]);
    assertError(res, 415, "unsupported_encoding", "Content-Encoding: gzip");
    await assertUnchanged("Content-Encoding: gzip");
  });

  // The server does not read a GET's body: it would have been taken as
  // the next request on the connection, here a DELETE no proxy saw.
  test("a body on a GET is refused, not run as the next request", async () => {
    const smuggled = `DELETE ${OBJECT}/a.txt HTTP/1.1\r\nHost: test\r\nContent-Length: 0\r\nConnection: close\r\n\r\n`;
    const res = await rawRequest(
      server.base,
      `GET /healthz HTTP/1.1\r\nHost: test\r\nContent-Length: ${Buffer.byteLength(smuggled)}\r\n\r\n${smuggled}`,
      { untilClose: true },
    );
    assert.deepEqual(
      res.answers.map((a) => a.status),
      [400],
      `one answer, the refusal: ${res.answers.map((a) => a.body).join(" | ")}`,
    );
    await assertUnchanged("a DELETE in a GET's body");
  });

  test("a client waiting for 100 Continue gets the refusal instead", async () => {
    const res = await rawRequest(
      server.base,
      put("a.txt", ["Content-Length: 999999999999", "Expect: 100-continue", "Connection: close"]),
      { untilClose: true },
    );
    assert.deepEqual(
      res.answers.map((a) => a.status),
      [413],
    );
    await assertUnchanged("a 413 to Expect: 100-continue");
  });

  // curl -X POST sends no Content-Length: that is an empty body, answered
  // at once (httplib waited for the end of the connection, then said 400).
  test("POST without a body is an empty body: sync and check answer without waiting", async () => {
    for (const route of ["/api/v1/repositories/docs/sync", "/api/v1/repositories/docs/checks"]) {
      const res = await rawRequest(server.base, `POST ${route} HTTP/1.1\r\nHost: test\r\n\r\n`);
      assert.equal(res.status, 202, `${route}: ${res.body}`);
    }
  });
});
