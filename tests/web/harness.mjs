// What the dashboard tests share: the real tidemark binary (its CLI to set
// catalogs up, `serve` to run the API and the dashboard), Debian's chromium
// driven through playwright-core, and the folder trees they look at.
//
// Environment:
//   TIDEMARK_BIN       the binary (default build/tidemark at the repo root)
//   TIDEMARK_WEB_ROOT  the built dashboard (default build/web)
//   CHROMIUM           the browser (default /usr/bin/chromium)
//   CI=true            a missing binary, browser or bundle fails the tests
//                      instead of skipping them
//   TIDEMARK_KEEP_TMP=1 keep the temp folder (catalog, trees, server log)
import { execFile, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import http from "node:http";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

const run = promisify(execFile);

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
export const bin = path.resolve(repoRoot, process.env.TIDEMARK_BIN || "build/tidemark");
export const webRoot = path.resolve(repoRoot, process.env.TIDEMARK_WEB_ROOT || "build/web");
export const chromiumPath = process.env.CHROMIUM || "/usr/bin/chromium";
export const artifacts = path.resolve(repoRoot, process.env.TIDEMARK_TEST_ARTIFACTS || "build/test-artifacts");

export const ci = /^(true|1|yes)$/i.test(process.env.CI || "");

// Why the tests cannot run here ("" when they can). With CI=true the caller
// fails instead of skipping.
export async function missingPrerequisite() {
  if (!existsSync(bin)) return `no tidemark binary at ${bin} (build it: scripts/build.sh, or set TIDEMARK_BIN)`;
  if (!existsSync(path.join(webRoot, "index.html"))) {
    return `no dashboard at ${webRoot} (build it: scripts/build-web.sh, or set TIDEMARK_WEB_ROOT)`;
  }
  if (!existsSync(chromiumPath)) return `no browser at ${chromiumPath} (apt-get install -y chromium, or set CHROMIUM)`;
  try {
    await run(bin, ["serve", "--help"], { timeout: 10000 });
  } catch (e) {
    return `${bin} has no 'serve' subcommand yet: ${(e.stderr || e.message).toString().trim().split("\n")[0]}`;
  }
  // An old CLI11 prints the top-level help for an unknown subcommand and
  // exits 0; a binary with `serve` names --listen.
  const { stdout } = await run(bin, ["serve", "--help"], { timeout: 10000 });
  if (!stdout.includes("--listen")) return `${bin} has no 'serve' subcommand yet (its help names no --listen)`;
  return "";
}

export async function tidemark(db, args, { okCodes = [0] } = {}) {
  try {
    const { stdout, stderr } = await run(bin, ["--db", db, ...args], { timeout: 60000, maxBuffer: 64 << 20 });
    return { code: 0, stdout, stderr };
  } catch (e) {
    if (typeof e.code === "number" && okCodes.includes(e.code)) {
      return { code: e.code, stdout: e.stdout, stderr: e.stderr };
    }
    throw new Error(`tidemark ${args.join(" ")} failed (${e.code}): ${e.stderr || e.message}`);
  }
}

export async function tidemarkJson(db, args, opts) {
  const { stdout } = await tidemark(db, [...args, "--json"], opts);
  return JSON.parse(stdout);
}

export async function makeTmp() {
  return mkdtemp(path.join(os.tmpdir(), "tidemark-web-"));
}

export async function removeTmp(dir) {
  if (!dir) return;
  if (process.env.TIDEMARK_KEEP_TMP) {
    console.log(`# kept ${dir}`);
    return;
  }
  await rm(dir, { recursive: true, force: true });
}

// Writes {relative path: contents} under `root`.
export async function writeTree(root, files) {
  for (const [rel, contents] of Object.entries(files)) {
    const file = path.join(root, rel);
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, contents);
  }
}

// Seed 000's tree under `photoRoot` (the repository root, the "Фото"
// folder): <region>/<Make> <Model> <VIN>/ with the dealer slot, 8 buyout
// and 5 dummies slots; `locked` lists "type/index" slots that get a
// _LOCK.json, `files` maps "type/index" to how many photos it holds.
export async function writeCar(photoRoot, { region, make, model, vin, locked = [], files = {} }) {
  const car = `${make} ${model} ${vin}`;
  const base = path.join(photoRoot, region, car);
  const slots = [["dealer", 1, path.join("1. Дилер фото", car)]];
  for (let i = 1; i <= 8; i++) slots.push(["buyout", i, path.join("2. Выкуп фото", `${i}. ${car}`)]);
  for (let i = 1; i <= 5; i++) slots.push(["dummies", i, path.join("3. Муляги фото", `${i}. ${car}`)]);
  for (const [type, index, rel] of slots) {
    const dir = path.join(base, rel);
    await mkdir(dir, { recursive: true });
    const key = `${type}/${index}`;
    for (let n = 1; n <= (files[key] ?? 0); n++) {
      await writeFile(path.join(dir, `${n}.jpg`), `photo ${n} of ${vin} ${key}\n`);
    }
    if (locked.includes(key)) {
      await writeFile(path.join(dir, "_LOCK.json"), JSON.stringify({ by: "e2e", note: "locked by the test" }));
    }
  }
  return base;
}

export async function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// `tidemark --db DB serve --listen 127.0.0.1:PORT --web-root WEB`, up once
// /healthz answers 200. Its output goes to `log` (shown when it fails).
// `web` is the dashboard folder to serve (default: the built one).
export async function startServer({ db, dir, globalArgs = [], extraArgs = [], web = webRoot }) {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const logFile = path.join(dir, "serve.log");
  const args = [
    "--db",
    db,
    ...globalArgs,
    "serve",
    "--listen",
    `127.0.0.1:${port}`,
    "--web-root",
    web,
    ...extraArgs,
  ];
  const child = spawn(bin, args, { cwd: dir, stdio: ["ignore", "pipe", "pipe"] });
  let log = "";
  const keep = (chunk) => {
    log += chunk.toString();
    if (log.length > 1 << 20) log = log.slice(-(1 << 19));
  };
  child.stdout.on("data", keep);
  child.stderr.on("data", keep);
  let exited = null;
  const exitedPromise = new Promise((resolve) => {
    child.on("exit", (code, signal) => {
      exited = { code, signal };
      resolve(exited);
    });
  });
  const server = {
    base,
    port,
    child,
    get log() {
      return log;
    },
    get exited() {
      return exited;
    },
    async stop() {
      if (exited) return exited;
      child.kill("SIGTERM");
      // A pending timer would keep node alive for its 5 s after the exit.
      let timer;
      const timeout = new Promise((resolve) => (timer = setTimeout(() => resolve(null), 5000)));
      const done = await Promise.race([exitedPromise, timeout]);
      clearTimeout(timer);
      if (!done) {
        child.kill("SIGKILL");
        await exitedPromise;
        log += "\n[test] the server did not stop within 5 s of SIGTERM; killed it\n";
        console.log(`# tidemark serve (port ${port}) did not stop within 5 s of SIGTERM; sent SIGKILL`);
      }
      await writeFile(logFile, log).catch(() => {});
      return exited;
    },
  };
  const deadline = Date.now() + 20000;
  let last = "";
  while (Date.now() < deadline) {
    if (exited) {
      throw new Error(`tidemark serve exited (${JSON.stringify(exited)}) before /healthz answered:\n${log}`);
    }
    try {
      const res = await httpGet(`${base}/healthz`);
      if (res.status === 200) return server;
      last = `HTTP ${res.status}`;
    } catch (e) {
      last = e.cause?.code || e.message;
    }
    await sleep(100);
  }
  await server.stop();
  throw new Error(`tidemark serve did not answer /healthz within 20 s (last: ${last}):\n${log}`);
}

// GET on a connection of its own that closes after the answer: an idle
// keep-alive connection (fetch's pool) would hold the server's shutdown.
// With `headOnly` it resolves at the headers and drops the connection (for
// the event stream). Resolves {status, headers, body}.
export function httpGet(url, { headers = {}, headOnly = false } = {}) {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { agent: false, headers: { Connection: "close", ...headers } }, (res) => {
      if (headOnly) {
        resolve({ status: res.statusCode, headers: res.headers, body: "" });
        res.destroy();
        return;
      }
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (c) => (body += c));
      res.on("end", () => resolve({ status: res.statusCode, headers: res.headers, body }));
      res.on("error", reject);
    });
    req.setTimeout(30000, () => req.destroy(new Error(`GET ${url}: no answer within 30 s`)));
    req.on("error", reject);
  });
}

export async function getJson(base, route, headers = {}) {
  const res = await httpGet(base + route, { headers: { Accept: "application/json", ...headers } });
  if (res.status !== 200) throw new Error(`GET ${route}: HTTP ${res.status}: ${res.body}`);
  return JSON.parse(res.body);
}

export async function launchBrowser(dir) {
  // Imported here so a machine without the test deps reports a skip, not a
  // crash, when the prerequisites are missing anyway.
  const { chromium } = await import("playwright-core");
  const userDataDir = await mkdtemp(path.join(dir, "chromium-profile-"));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: chromiumPath,
    headless: true,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
    viewport: { width: 1400, height: 1000 },
    timeout: 30000,
  });
  return context;
}

// Polls `fn` until it returns a truthy value; fails with `what` and the
// last value seen.
export async function eventually(what, fn, { timeout = 15000, interval = 200 } = {}) {
  const deadline = Date.now() + timeout;
  let last;
  let error;
  while (Date.now() < deadline) {
    try {
      last = await fn();
      if (last) return last;
      error = undefined;
    } catch (e) {
      error = e;
    }
    await sleep(interval);
  }
  throw new Error(`${what}: not so within ${timeout} ms (last: ${error ? error.message : JSON.stringify(last)})`);
}
