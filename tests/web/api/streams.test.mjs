// Event streams may hold at most half of the server's threads ([serve]
// threads): past that, GET /api/v1/events answers 503 with Retry-After,
// the API keeps answering meanwhile, and a closed stream frees its place.
import assert from "node:assert/strict";
import path from "node:path";
import { after, before, test } from "node:test";

import { eventually, makeTmp, removeTmp, startServer, tidemark, writeTree } from "../harness.mjs";
import { apiDescribe, client, ok, openEvents, tinyWebRoot, writeConfig } from "./api_harness.mjs";

apiDescribe("event stream limit", () => {
  let tmp;
  let server;
  let api;
  const streams = [];

  before(async () => {
    tmp = await makeTmp();
    const db = path.join(tmp, "catalog.db");
    await writeTree(path.join(tmp, "plain"), { "a.txt": "a\n" });
    await tidemark(db, ["repo", "add", "plain", path.join(tmp, "plain")]);
    // 4 threads, the fewest the config takes: at most 2 streams.
    const config = await writeConfig(tmp, ["[serve]", "threads = 4"]);
    server = await startServer({ db, dir: tmp, globalArgs: ["--config", config], web: await tinyWebRoot(tmp) });
    api = client(server.base);
  });

  after(async () => {
    for (const s of streams) s.close();
    await server?.stop();
    await removeTmp(tmp);
  });

  test("half the threads may stream; the next stream gets 503 and the API still answers", async () => {
    for (let i = 0; i < 2; i++) {
      const s = await openEvents(server.base);
      streams.push(s);
      assert.equal(s.status, 200, `stream ${i + 1} of 2 opens`);
    }
    // Read like the others (resolves at the headers), so a stream that
    // was let in fails here instead of hanging the test.
    const third = await openEvents(server.base);
    streams.push(third);
    assert.equal(third.status, 503, "a third stream is refused");
    assert.equal(third.headers["retry-after"], "5");
    assert.match(third.headers["content-type"] || "", /application\/json/);
    const refusal = await eventually("the refusal's JSON body", async () => {
      try {
        return JSON.parse(third.raw);
      } catch {
        return undefined;
      }
    });
    assert.equal(refusal.code, "unavailable");
    assert.match(refusal.error, /\[serve\] threads/);
    ok(await api.get("/api/v1/repositories"));

    // A closed stream gives its place back.
    streams.shift().close();
    await eventually("a stream opens again once one closed", async () => {
      const s = await openEvents(server.base);
      if (s.status !== 200) {
        s.close();
        return false;
      }
      streams.push(s);
      return true;
    });
  });
});
