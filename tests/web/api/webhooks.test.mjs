// Webhooks ([[serve.webhooks]] url, secret): a receiver on 127.0.0.1 gets
// each event as a POST of {id, type, data, at}, signed with HMAC-SHA256 of
// the body under the secret (X-Tidemark-Signature: sha256=HEX), with
// X-Tidemark-Event and X-Tidemark-Delivery; a failed delivery is retried
// with the same delivery id, and /metrics counts the retries and the
// deliveries given up.
import assert from "node:assert/strict";
import { createHmac, timingSafeEqual } from "node:crypto";
import http from "node:http";
import path from "node:path";
import { after, before, test } from "node:test";

import { eventually, makeTmp, removeTmp, startServer, tidemark, writeTree } from "../harness.mjs";
import { apiDescribe, client, metric, ok, scrape, tinyWebRoot, writeConfig } from "./api_harness.mjs";

const SECRET = "webhook-secret-with-some-length";
const FAILING_SECRET = "another-secret-for-the-failing-one";

// An HTTP receiver; `answer(delivery)` picks each answer's status.
function receiver(answer) {
  const deliveries = [];
  const srv = http.createServer((req, res) => {
    const chunks = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", () => {
      const delivery = { method: req.method, url: req.url, headers: req.headers, body: Buffer.concat(chunks) };
      delivery.status = answer(delivery, deliveries);
      deliveries.push(delivery);
      res.writeHead(delivery.status, { "Content-Type": "text/plain", Connection: "close" });
      res.end("ok\n");
    });
  });
  return new Promise((resolve) => {
    srv.listen(0, "127.0.0.1", () =>
      resolve({
        url: `http://127.0.0.1:${srv.address().port}/hooks/tidemark`,
        deliveries,
        close: () => new Promise((r) => srv.close(r)),
      }),
    );
  });
}

const hmac = (secret, body) => "sha256=" + createHmac("sha256", secret).update(body).digest("hex");

apiDescribe("webhooks", () => {
  let tmp;
  let db;
  let server;
  let api;
  let good;
  let failing;

  before(async () => {
    tmp = await makeTmp();
    db = path.join(tmp, "catalog.db");
    await writeTree(path.join(tmp, "docs"), { "a.txt": "a\n" });
    await tidemark(db, ["repo", "add", "docs", path.join(tmp, "docs"), "--truth", "catalog"]);
    // The first attempt at each of the first two events is answered 500.
    good = await receiver((d, earlier) => {
      const id = d.headers["x-tidemark-delivery"];
      const tried = earlier.some((e) => e.headers["x-tidemark-delivery"] === id);
      const distinct = new Set(earlier.map((e) => e.headers["x-tidemark-delivery"]));
      return !tried && distinct.size < 2 ? 500 : 200;
    });
    failing = await receiver(() => 503);
    const config = await writeConfig(tmp, [
      "[serve]",
      "webhook_max_attempts = 2",
      "[[serve.webhooks]]",
      `url = "${good.url}"`,
      `secret = "${SECRET}"`,
      "[[serve.webhooks]]",
      `url = "${failing.url}"`,
      `secret = "${FAILING_SECRET}"`,
    ]);
    server = await startServer({ db, dir: tmp, web: await tinyWebRoot(tmp), globalArgs: ["--config", config] });
    api = client(server.base);
  });

  after(async () => {
    await server?.stop();
    await good?.close();
    await failing?.close();
    await removeTmp(tmp);
  });

  test("every delivery is signed with HMAC-SHA256 of its body and names its event", async () => {
    const up = ok(await api.put("/api/v1/repositories/docs/objects/hooked.txt", "hooked\n"), 201);
    const delivered = await eventually("the upload's event reaches the receiver", async () =>
      good.deliveries.find((d) => d.status === 200 && JSON.parse(d.body).data?.path === "hooked.txt"),
    );
    const event = JSON.parse(delivered.body);
    assert.equal(event.type, "ResourceChanged");
    assert.equal(event.data.id, up.record.id);
    assert.equal(event.data.repository, "docs");
    assert.equal(typeof event.at, "string");
    assert.ok(good.deliveries.length >= 2);
    for (const d of good.deliveries) {
      assert.equal(d.method, "POST");
      assert.equal(d.url, "/hooks/tidemark", "posted to the configured path");
      assert.match(d.headers["content-type"] || "", /application\/json/);
      const body = JSON.parse(d.body);
      const signature = d.headers["x-tidemark-signature"] || "";
      assert.match(signature, /^sha256=[0-9a-f]{64}$/);
      const expected = hmac(SECRET, d.body);
      assert.ok(timingSafeEqual(Buffer.from(signature), Buffer.from(expected)), `the signature of event ${body.id}`);
      assert.notEqual(signature, hmac(FAILING_SECRET, d.body), "each target signs with its own secret");
      assert.equal(d.headers["x-tidemark-event"], body.type);
      assert.equal(d.headers["x-tidemark-delivery"], String(body.id));
    }
    for (const d of failing.deliveries) {
      assert.equal(d.headers["x-tidemark-signature"], hmac(FAILING_SECRET, d.body));
    }
  });

  test("a delivery answered 500 is retried with the same delivery id and body", async () => {
    const firstId = good.deliveries[0].headers["x-tidemark-delivery"];
    const attempts = good.deliveries.filter((d) => d.headers["x-tidemark-delivery"] === firstId);
    assert.equal(attempts.length, 2, "one failed attempt, one retry");
    assert.deepEqual(
      attempts.map((d) => d.status),
      [500, 200],
    );
    assert.deepEqual(attempts[0].body, attempts[1].body, "the retry sends the same body");
    // Events reach a receiver in order.
    const ids = good.deliveries.filter((d) => d.status === 200).map((d) => Number(d.headers["x-tidemark-delivery"]));
    assert.deepEqual(ids, [...ids].sort((a, b) => a - b));
    assert.equal(new Set(ids).size, ids.length, "each event delivered once");
  });

  test("/metrics counts retried, delivered and given-up deliveries", async () => {
    // The failing target gives each event up after webhook_max_attempts = 2.
    await eventually("the failing target gave up on an event", async () => failing.deliveries.length >= 2);
    const samples = await eventually("the give-up is counted", async () => {
      const s = await scrape(server.base);
      return metric(s, "tidemark_webhook_deliveries_total", { result: "failed" }) >= 1 ? s : null;
    });
    const retried = metric(samples, "tidemark_webhook_deliveries_total", { result: "retried" });
    assert.ok(retried >= 2, `retried: the good target's 2 and the failing one's (${retried})`);
    const delivered = metric(samples, "tidemark_webhook_deliveries_total", { result: "delivered" });
    assert.ok(delivered >= 2, `delivered: ${delivered}`);
    const ids = new Set(failing.deliveries.map((d) => d.headers["x-tidemark-delivery"]));
    for (const id of ids) {
      const tries = failing.deliveries.filter((d) => d.headers["x-tidemark-delivery"] === id).length;
      assert.ok(tries <= 2, `event ${id} tried ${tries} times, more than webhook_max_attempts`);
    }
  });
});
