// What the API end-to-end tests share, on top of ../harness.mjs: raw HTTP
// requests (paths sent byte for byte, so '..' and '%2e%2e' reach the
// server unnormalized), bearer tokens from a config file, the event stream
// read as it arrives, /metrics parsed, jobs polled, and a PostgreSQL
// schema of its own when TIDEMARK_TEST_PG_URL is set.
//
// The API tests need the tidemark binary only: no browser, no built
// dashboard (a one-page stand-in is served at "/").
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { writeFile, mkdir } from "node:fs/promises";
import http from "node:http";
import net from "node:net";
import path from "node:path";
import { describe, test } from "node:test";
import { promisify } from "node:util";

import { bin, ci, eventually } from "../harness.mjs";

const run = promisify(execFile);

// Why the API tests cannot run here ("" when they can).
export async function apiPrerequisite() {
  if (!existsSync(bin)) return `no tidemark binary at ${bin} (build it: scripts/build.sh, or set TIDEMARK_BIN)`;
  try {
    const { stdout } = await run(bin, ["serve", "--help"], { timeout: 10000 });
    if (!stdout.includes("--listen")) return `${bin} has no 'serve' subcommand (its help names no --listen)`;
  } catch (e) {
    return `${bin} has no 'serve' subcommand: ${(e.stderr || e.message).toString().trim().split("\n")[0]}`;
  }
  return "";
}

const missingWhy = await apiPrerequisite();

// describe() that skips without the binary, and fails instead with CI=true
// (CI runs every test: a missing prerequisite is a failure there).
export function apiDescribe(name, fn) {
  if (missingWhy && ci) {
    test(`${name}: prerequisites`, () => assert.fail(`CI=true and ${missingWhy}`));
    return;
  }
  describe(name, { skip: missingWhy || false, concurrency: false }, fn);
}

// Tokens of each role, as a [serve.tokens] table.
export const TOKENS = {
  reader: "reader-token-0123456789",
  operator: "operator-token-0123456789",
  admin: "admin-token-0123456789",
};

export function tokensToml() {
  return ["[serve.tokens]", ...Object.entries(TOKENS).map(([role, t]) => `"${t}" = "${role}"`)].join("\n");
}

// Writes `lines` (a string or lines) as DIR/tidemark.toml; returns its path.
export async function writeConfig(dir, lines) {
  const file = path.join(dir, "tidemark.toml");
  await writeFile(file, (Array.isArray(lines) ? lines.join("\n") : lines) + "\n");
  return file;
}

// A dashboard stand-in, so the tests need no built bundle.
export async function tinyWebRoot(dir) {
  const web = path.join(dir, "web");
  await mkdir(web, { recursive: true });
  await writeFile(path.join(web, "index.html"), "<!doctype html><title>tidemark</title><p>stand-in\n");
  return web;
}

// One request on a connection of its own (closed after the answer, so no
// idle keep-alive holds the server's shutdown). `route` goes on the wire
// as given. `json` sends a JSON body; `body` raw bytes. Resolves {status,
// headers, body, json} (json undefined when the body is not JSON).
export function request(base, method, route, { token, headers = {}, body, json } = {}) {
  const { hostname, port } = new URL(base);
  const h = { Connection: "close", ...headers };
  let payload = body;
  if (json !== undefined) {
    payload = JSON.stringify(json);
    h["Content-Type"] = "application/json";
  }
  if (token) h.Authorization = `Bearer ${token}`;
  if (payload !== undefined) h["Content-Length"] = Buffer.byteLength(payload);
  return new Promise((resolve, reject) => {
    const req = http.request({ host: hostname, port, method, path: route, agent: false, headers: h }, (res) => {
      const chunks = [];
      res.on("data", (c) => chunks.push(c));
      res.on("end", () => {
        const text = Buffer.concat(chunks).toString("utf8");
        let parsed;
        try {
          parsed = JSON.parse(text);
        } catch {
          parsed = undefined;
        }
        resolve({ status: res.statusCode, headers: res.headers, body: text, json: parsed });
      });
      res.on("error", reject);
    });
    req.setTimeout(60000, () => req.destroy(new Error(`${method} ${route}: no answer within 60 s`)));
    req.on("error", reject);
    if (payload !== undefined) req.write(payload);
    req.end();
  });
}

// request() bound to a server and a token: api.get(route), api.post(route,
// json), api.put(route, bytes), api.del(route).
export function client(base, token) {
  return {
    get: (route, opts = {}) => request(base, "GET", route, { token, ...opts }),
    post: (route, json, opts = {}) => request(base, "POST", route, { token, json, ...opts }),
    put: (route, body, opts = {}) => request(base, "PUT", route, { token, body, ...opts }),
    del: (route, opts = {}) => request(base, "DELETE", route, { token, ...opts }),
  };
}

// Asserts `res` is the JSON error docs/API.md promises: the status, a
// non-empty message and the code.
export function assertError(res, status, code, what = "") {
  const where = `${what ? what + ": " : ""}HTTP ${res.status} ${res.body.slice(0, 300)}`;
  assert.equal(res.status, status, where);
  assert.match(res.headers["content-type"] || "", /application\/json/, where);
  assert.ok(res.json && typeof res.json === "object", `${where}: the body is JSON`);
  assert.equal(typeof res.json.error, "string", where);
  assert.ok(res.json.error.length > 0, `${where}: the error says what went wrong`);
  if (code) assert.equal(res.json.code, code, where);
  else assert.equal(typeof res.json.code, "string", where);
}

// The body of a 2xx answer, or a failure naming the answer.
export function ok(res, status = 200) {
  assert.equal(res.status, status, `expected ${status}: ${res.body.slice(0, 500)}`);
  return res.json;
}

// Polls GET /api/v1/jobs/{id} until the job ends; returns it.
export async function waitJob(base, id, token) {
  return eventually(
    `job ${id} ends`,
    async () => {
      const job = ok(await request(base, "GET", `/api/v1/jobs/${id}`, { token }));
      return job.status === "succeeded" || job.status === "failed" ? job : null;
    },
    { timeout: 30000, interval: 100 },
  );
}

// Starts a job (POST route with `json`, expecting 202) and waits for it.
export async function runJob(base, route, json, token) {
  const started = ok(await request(base, "POST", route, { token, json }), 202);
  assert.ok(started.id, "a job has an id");
  return waitJob(base, started.id, token);
}

// Prometheus text -> [{name, labels, value}].
export function parseMetrics(text) {
  const samples = [];
  for (const line of text.split("\n")) {
    if (!line || line.startsWith("#")) continue;
    let i = 0;
    while (i < line.length && line[i] !== "{" && line[i] !== " ") i++;
    const name = line.slice(0, i);
    const labels = {};
    if (line[i] === "{") {
      i++;
      while (line[i] !== "}") {
        const eq = line.indexOf("=", i);
        const key = line.slice(i, eq);
        i = eq + 2; // past ="
        let value = "";
        while (line[i] !== '"') {
          if (line[i] === "\\") {
            i++;
            value += line[i] === "n" ? "\n" : line[i];
          } else {
            value += line[i];
          }
          i++;
        }
        labels[key] = value;
        i++; // past the closing quote
        if (line[i] === ",") i++;
      }
      i++; // past }
    }
    samples.push({ name, labels, value: Number(line.slice(i).trim().split(" ")[0]) });
  }
  return samples;
}

// The sum of the samples called `name` whose labels include `labels`
// (0 when there is none).
export function metric(samples, name, labels = {}) {
  let sum = 0;
  for (const s of samples) {
    if (s.name !== name) continue;
    if (Object.entries(labels).every(([k, v]) => s.labels[k] === v)) sum += s.value;
  }
  return sum;
}

export async function scrape(base) {
  const res = await request(base, "GET", "/metrics");
  assert.equal(res.status, 200, res.body);
  return parseMetrics(res.body);
}

// GET /api/v1/events, read as it arrives. Resolves once the headers are
// in: {status, headers, events: [{id, type, data}], waitFor(pred, what),
// close()}. With `lastEventId` it resumes after that id.
export function openEvents(base, { token, lastEventId, query = "" } = {}) {
  const { hostname, port } = new URL(base);
  const headers = { Accept: "text/event-stream", Connection: "close" };
  if (token) headers.Authorization = `Bearer ${token}`;
  if (lastEventId !== undefined) headers["Last-Event-ID"] = String(lastEventId);
  return new Promise((resolve, reject) => {
    const req = http.get({ host: hostname, port, path: `/api/v1/events${query}`, agent: false, headers }, (res) => {
      const stream = {
        status: res.statusCode,
        headers: res.headers,
        events: [],
        raw: "",
        waitFor(pred, what, timeout = 15000) {
          return eventually(what, async () => stream.events.find(pred), { timeout, interval: 50 });
        },
        close() {
          res.destroy();
          req.destroy();
        },
      };
      let buffer = "";
      res.setEncoding("utf8");
      res.on("data", (chunk) => {
        stream.raw += chunk;
        buffer += chunk;
        let end;
        while ((end = buffer.indexOf("\n\n")) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const event = { id: undefined, type: undefined, data: undefined, rawData: undefined };
          let fields = 0;
          for (const line of block.split("\n")) {
            if (line.startsWith(":")) continue;
            const colon = line.indexOf(":");
            const key = colon < 0 ? line : line.slice(0, colon);
            const value = colon < 0 ? "" : line.slice(colon + 1).replace(/^ /, "");
            if (key === "id") event.id = Number(value);
            else if (key === "event") event.type = value;
            else if (key === "data") event.rawData = event.rawData === undefined ? value : `${event.rawData}\n${value}`;
            else continue;
            fields++;
          }
          if (fields === 0) continue;
          try {
            event.data = JSON.parse(event.rawData);
          } catch {
            event.data = undefined;
          }
          stream.events.push(event);
        }
      });
      res.on("error", () => {});
      resolve(stream);
    });
    req.on("error", reject);
  });
}

// The event streams a suite opens on the server that base() names, so that
// its after() hook closes them all at once.
export function eventStreams(base) {
  const streams = [];
  return {
    open: async (opts) => {
      const s = await openEvents(base(), opts);
      streams.push(s);
      return s;
    },
    closeAll() {
      for (const s of streams) s.close();
      streams.length = 0;
    },
  };
}

// A fresh PostgreSQL schema in the test cluster (TIDEMARK_TEST_PG_URL), as
// tests/testing/postgres_test_database.h makes them: {url (the catalog
// URL, search_path set to the schema), drop()}. null when the variable is
// unset.
export async function postgresSchema() {
  const base = process.env.TIDEMARK_TEST_PG_URL;
  if (!base) return null;
  const name = `t_web_${randomBytes(8).toString("hex")}`;
  await run("psql", [base, "-v", "ON_ERROR_STOP=1", "-q", "-c", `CREATE SCHEMA ${name}`], { timeout: 30000 });
  return {
    name,
    url: `${base}${base.includes("?") ? "&" : "?"}options=-csearch_path%3D${name}`,
    async drop() {
      await run("psql", [base, "-q", "-c", `DROP SCHEMA IF EXISTS ${name} CASCADE`], { timeout: 30000 }).catch(
        (e) => console.log(`# could not drop schema ${name}: ${e.stderr || e.message}`),
      );
    },
  };
}

// Parses the first HTTP answer in `buffer`: {status, headers, body, json},
// or null while it is not all in.
function parseAnswer(buffer) {
  const end = buffer.indexOf("\r\n\r\n");
  if (end < 0) return null;
  const lines = buffer.subarray(0, end).toString("latin1").split("\r\n");
  const status = Number(lines[0].split(" ")[1]);
  const headers = {};
  for (const line of lines.slice(1)) {
    const colon = line.indexOf(":");
    headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  const length = Number(headers["content-length"] ?? 0);
  if (buffer.length < end + 4 + length) return null;
  const body = buffer.subarray(end + 4, end + 4 + length).toString("utf8");
  let json;
  try {
    json = JSON.parse(body);
  } catch {
    json = undefined;
  }
  return { status, headers, body, json };
}

// Every whole answer at the start of `buffer`, in order.
function parseAnswers(buffer) {
  const answers = [];
  let rest = buffer;
  for (let answer = parseAnswer(rest); answer; answer = parseAnswer(rest)) {
    answers.push(answer);
    rest = rest.subarray(rest.indexOf("\r\n\r\n") + 4 + Number(answer.headers["content-length"] ?? 0));
  }
  return answers;
}

// Sends `parts` (strings or Buffers, one write each) on a TCP connection of
// its own, byte for byte: the framing tests need requests no HTTP client
// sends. With `halfClose` the client ends its side after the last part, as
// one that gives up in the middle of a body. Resolves at the first whole
// answer, or when the server closes: {status (null when it closed without
// answering), headers, body, json, answers}; with `untilClose` only when
// the server closes, `answers` holding every answer it sent.
// `localAddress` picks the client's address (127.0.0.2 is another client
// than 127.0.0.1).
export function rawRequest(base, parts, { halfClose = false, untilClose = false, localAddress, timeout = 30000 } = {}) {
  const { hostname, port } = new URL(base);
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: hostname, port: Number(port), localAddress });
    let buffer = Buffer.alloc(0);
    let done = false;
    const finish = (answer) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.destroy();
      const first = answer ?? { status: null, headers: {}, body: buffer.toString("utf8"), json: undefined };
      resolve({ ...first, answers: parseAnswers(buffer) });
    };
    const timer = setTimeout(() => {
      done = true;
      socket.destroy();
      reject(new Error(`no answer and no close within ${timeout} ms`));
    }, timeout);
    socket.on("connect", () => {
      for (const part of Array.isArray(parts) ? parts : [parts]) socket.write(part);
      if (halfClose) socket.end();
    });
    socket.on("data", (chunk) => {
      buffer = Buffer.concat([buffer, chunk]);
      const answer = parseAnswer(buffer);
      if (answer && !untilClose) finish(answer);
    });
    socket.on("error", () => finish(parseAnswer(buffer)));
    socket.on("close", () => finish(parseAnswer(buffer)));
  });
}

// A client that sends `prefix` at once, then `text` one byte every
// `intervalMs` (under the server's timeout for each read, so that alone
// never ends it) until the server answers or closes, or stop() is called.
// `answer` resolves like rawRequest's; `stopped` tells whether stop() came
// first.
export function trickle(base, text, { intervalMs, localAddress, prefix = "" }) {
  const { hostname, port } = new URL(base);
  const socket = net.connect({ host: hostname, port: Number(port), localAddress });
  let buffer = Buffer.alloc(0);
  let sent = 0;
  let timer;
  const client = { stopped: false, closedByServer: false };
  client.answer = new Promise((resolve) => {
    const finish = () => {
      clearInterval(timer);
      if (!client.stopped) client.closedByServer = true;
      socket.destroy();
      resolve(parseAnswer(buffer) ?? { status: null, headers: {}, body: "", json: undefined });
    };
    socket.on("connect", () => {
      if (prefix) socket.write(prefix);
      const next = () => {
        if (sent < text.length) socket.write(text[sent++]);
      };
      next();
      timer = setInterval(next, intervalMs);
    });
    socket.on("data", (chunk) => {
      buffer = Buffer.concat([buffer, chunk]);
      if (parseAnswer(buffer)) finish();
    });
    socket.on("error", finish);
    socket.on("close", finish);
  });
  client.connected = new Promise((resolve) => socket.once("connect", resolve));
  client.stop = () => {
    client.stopped = true;
    clearInterval(timer);
    socket.destroy();
  };
  return client;
}
