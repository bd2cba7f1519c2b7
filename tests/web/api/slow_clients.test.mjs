// Slow clients cannot take the server: each sends its request header one
// byte every 4 s, under httplib's 5 s timeout for one read (which alone
// never ends them: 40 such clients kept /healthz waiting 37 s). The server
// here has 4 threads, lets one address hold 2 connections and gives a
// whole header 6 s ([serve] threads, connections_per_address,
// header_timeout_ms). /healthz is asked from 127.0.0.1 while they trickle
// from other loopback addresses (127.0.0.2 and up are other clients).
//
// The assertions are about order, not time: /healthz must answer while
// every slow client is still trickling (they stop only when the server
// closes them, or when the test gives up on /healthz).
import assert from "node:assert/strict";
import path from "node:path";
import { after, before, test } from "node:test";

import { makeTmp, removeTmp, startServer } from "../harness.mjs";
import { apiDescribe, assertError, rawRequest, tinyWebRoot, trickle, writeConfig } from "./api_harness.mjs";

const HEADER = "GET /healthz HTTP/1.1\r\nHost: test\r\nX-Slow: 1\r\n\r\n";
const TRICKLE_MS = 4000; // under the 5 s timeout of one read
const GIVE_UP_MS = 40000; // the test's own limit, far past the header deadline

apiDescribe("slow clients", () => {
  let tmp;
  let server;

  before(async () => {
    tmp = await makeTmp();
    const db = path.join(tmp, "catalog.db");
    const config = await writeConfig(tmp, [
      "[serve]",
      "threads = 4",
      "connections_per_address = 2",
      "header_timeout_ms = 6000",
    ]);
    server = await startServer({ db, dir: tmp, web: await tinyWebRoot(tmp), globalArgs: ["--config", config] });
  });

  after(async () => {
    await server?.stop();
    await removeTmp(tmp);
  });

  // Asks /healthz from 127.0.0.1 while `clients` trickle; gives up (and
  // stops them) after GIVE_UP_MS. Resolves the answer and whether every
  // client was still trickling when it came.
  async function healthWhileTrickling(clients) {
    await Promise.all(clients.map((c) => c.connected));
    // Their first bytes are in, so each holds (or waits for) a thread.
    await new Promise((r) => setTimeout(r, 300));
    let giveUp;
    const gaveUp = new Promise((resolve) => {
      giveUp = setTimeout(() => {
        for (const c of clients) c.stop();
        resolve();
      }, GIVE_UP_MS);
    });
    const health = rawRequest(server.base, "GET /healthz HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n", {
      timeout: GIVE_UP_MS + 10000,
    });
    const answer = await Promise.race([health, gaveUp.then(() => null)]);
    const whileTrickling = answer !== null && clients.every((c) => !c.stopped);
    clearTimeout(giveUp);
    return { answer: answer ?? (await health), whileTrickling };
  }

  // /healthz answers while every client still trickles; then each is
  // closed by the server with a 408 whose message matches `says`.
  async function expectHealthyThenCutOff(clients, what, says) {
    try {
      const { answer, whileTrickling } = await healthWhileTrickling(clients);
      assert.equal(answer.status, 200, answer.body);
      assert.ok(whileTrickling, "/healthz answered while the slow clients were still trickling");
      for (const c of clients) {
        const r = await c.answer;
        assert.ok(c.closedByServer, "the server closed the slow client");
        assertError(r, 408, "request_timeout", what);
        assert.match(r.json.error, says);
      }
    } finally {
      for (const c of clients) c.stop();
    }
  }

  test("one address past connections_per_address gets 503 at once; /healthz answers meanwhile", async () => {
    const clients = Array.from({ length: 6 }, () =>
      trickle(server.base, HEADER, { intervalMs: TRICKLE_MS, localAddress: "127.0.0.2" }),
    );
    try {
      const { answer, whileTrickling } = await healthWhileTrickling(clients);
      assert.equal(answer.status, 200, answer.body);
      assert.ok(whileTrickling, "/healthz answered while the slow clients were still trickling");
      // Two were let in (and end at the header deadline); the other four
      // were refused before anything of theirs was read.
      const answers = await Promise.all(clients.map((c) => c.answer));
      assert.deepEqual(
        answers.map((a) => a.status).sort(),
        [408, 408, 503, 503, 503, 503],
        "2 of 6 connections from 127.0.0.2 served, 4 refused",
      );
      for (const r of answers.filter((a) => a.status === 503)) {
        assertError(r, 503, "unavailable", "over connections_per_address");
        assert.match(r.json.error, /connections_per_address/);
        assert.equal(r.headers["retry-after"], "1");
      }
    } finally {
      for (const c of clients) c.stop();
    }
  });

  // A body had no deadline at all: a client sending its header whole and
  // then a byte of its body every 4 s held its thread for as long as it
  // liked. A body gets the header's deadline again plus a second per 16 KiB.
  test("clients trickling a body into every thread are cut off with 408 naming the body; /healthz answers", async () => {
    const put = (n) =>
      `PUT /api/v1/repositories/none/objects/slow${n} HTTP/1.1\r\nHost: test\r\nContent-Length: 1000\r\n\r\n`;
    const clients = [2, 3, 4, 5].map((n) =>
      trickle(server.base, "x".repeat(1000), { prefix: put(n), intervalMs: TRICKLE_MS, localAddress: `127.0.0.${n}` }),
    );
    await expectHealthyThenCutOff(clients, "a body past its deadline", /body/);
  });

  test("clients that fill every thread are cut off at the header deadline with 408; /healthz answers", async () => {
    // One per address, so the per-address limit does not stop them: the
    // four hold all four threads. Two trickle from the request line on, two
    // send it whole and trickle a header field.
    const line = HEADER.slice(0, HEADER.indexOf("\r\n") + 2);
    const clients = [2, 3, 4, 5].map((n) =>
      n % 2 === 0
        ? trickle(server.base, HEADER, { intervalMs: TRICKLE_MS, localAddress: `127.0.0.${n}` })
        : trickle(server.base, HEADER.slice(line.length), { prefix: line, intervalMs: TRICKLE_MS, localAddress: `127.0.0.${n}` }),
    );
    await expectHealthyThenCutOff(clients, "a header past header_timeout_ms", /header_timeout_ms/);
  });
});
