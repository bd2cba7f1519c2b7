// OpenAPI conformance: the document served at /api/v1/openapi.json says
// what the real `tidemark serve` does.
//
//   - the document is structurally sound OpenAPI 3.1 (refs resolve, path
//     parameters declared, operationIds unique, schemas use only JSON
//     Schema keywords);
//   - its paths and methods are the server's route table (`tidemark serve
//     --print-routes`, read from HttpServer::routes()), both ways, with the
//     same roles;
//   - every operation in it is called on a real catalog (a plain
//     repository, a `cars` one with two cars, a catalog-truth `products`
//     one) and every answer has a status the operation documents and a body
//     that validates against that status's schema (ajv, JSON Schema
//     2020-12, the dialect of OpenAPI 3.1);
//   - each documented error status (400 401 403 404 409 411 413 415 503) is
//     provoked at least once and validated, the 401/403/413/503 ones on a
//     second server with tokens, a small body limit and an offline
//     repository.
//
// An operation added to the document without an example request below
// fails the test, so a new route cannot go unchecked. Needs the tidemark
// binary and ajv (tests/web's packages); without them it skips, except with
// CI=true, where that fails.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { readFile, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { promisify } from "node:util";
import { gzipSync } from "node:zlib";

import {
  bin,
  ci,
  eventually,
  httpGet,
  makeTmp,
  removeTmp,
  repoRoot,
  startServer,
  tidemark,
  writeCar,
  writeTree,
} from "../harness.mjs";
import { rawRequest, request, tinyWebRoot, writeConfig } from "./api_harness.mjs";

const run = promisify(execFile);
const VIN1 = "WVWZZZ1JZXW000001";
const VIN2 = "XTA210990Y2766389";
const METHODS = ["get", "put", "post", "delete", "patch", "head", "options", "trace"];

// Why this file cannot run here ("" when it can).
async function missingPrerequisite() {
  if (!existsSync(bin)) return `no tidemark binary at ${bin} (build it: scripts/build.sh, or set TIDEMARK_BIN)`;
  try {
    await import("ajv/dist/2020.js");
    await import("ajv-formats");
  } catch {
    return "ajv is not installed (./scripts/build-web.sh --deps tests/web)";
  }
  let help = "";
  try {
    help = (await run(bin, ["serve", "--help"], { timeout: 10000 })).stdout;
  } catch (e) {
    return `${bin} serve --help failed: ${(e.stderr || e.message).toString().trim().split("\n")[0]}`;
  }
  if (!help.includes("--print-routes")) return `${bin} has no 'serve --print-routes' yet (rebuild it)`;
  return "";
}

const missingWhy = await missingPrerequisite();
if (missingWhy && ci) {
  test("prerequisites", () => assert.fail(`CI=true and ${missingWhy}`));
}

// "#/a/b~1c" -> the value at that JSON pointer in `doc`.
function resolvePointer(doc, ref) {
  assert.ok(ref.startsWith("#/") || ref === "#", `only local $refs are used: ${ref}`);
  let node = doc;
  for (const raw of ref.slice(2).split("/").filter((s, i, a) => a.length > 1 || s !== "")) {
    const key = decodeURIComponent(raw).replaceAll("~1", "/").replaceAll("~0", "~");
    if (node === null || typeof node !== "object" || !(key in node)) return undefined;
    node = node[key];
  }
  return node;
}

const escapePointer = (s) => s.replaceAll("~", "~0").replaceAll("/", "~1");

// A route template as the server writes it ("{path*}") or the document
// does ("{path}"), in one form.
const normalizeTemplate = (p) => p.replace(/\{([^}*]+)\*?\}/g, "{$1}");

// Every operation of the document: {key: "GET /path", method, path,
// pointer, op, params (path-level and operation-level, refs resolved)}.
function operationsOf(doc) {
  const out = [];
  for (const [p, item] of Object.entries(doc.paths)) {
    for (const method of METHODS) {
      const op = item[method];
      if (!op) continue;
      const params = [...(item.parameters ?? []), ...(op.parameters ?? [])].map((x) =>
        x.$ref ? resolvePointer(doc, x.$ref) : x,
      );
      out.push({
        key: `${method.toUpperCase()} ${p}`,
        method: method.toUpperCase(),
        path: p,
        pointer: `/paths/${escapePointer(p)}/${method}`,
        op,
        params,
      });
    }
  }
  return out;
}

// The response object of `op` for `status` and its JSON pointer, with a
// response-level $ref followed.
function responseOf(doc, operation, status) {
  let pointer = `${operation.pointer}/responses/${status}`;
  let response = operation.op.responses?.[String(status)];
  if (response?.$ref) {
    pointer = response.$ref.slice(1);
    response = resolvePointer(doc, response.$ref);
  }
  return response ? { response, pointer } : null;
}

const mediaType = (contentType) => (contentType || "").split(";")[0].trim().toLowerCase();

// Keywords a schema in the document may use: JSON Schema 2020-12 and the
// few OpenAPI adds. Anything else is most likely a typo that would quietly
// validate nothing ("addtionalProperties").
const SCHEMA_KEYWORDS = new Set([
  "$ref", "$defs", "$schema", "$id", "$comment", "$anchor", "$dynamicRef", "$dynamicAnchor",
  "type", "enum", "const", "multipleOf", "maximum", "exclusiveMaximum", "minimum", "exclusiveMinimum",
  "maxLength", "minLength", "pattern", "maxItems", "minItems", "uniqueItems", "maxContains", "minContains",
  "maxProperties", "minProperties", "required", "dependentRequired", "properties", "patternProperties",
  "additionalProperties", "propertyNames", "unevaluatedProperties", "items", "prefixItems", "contains",
  "unevaluatedItems", "allOf", "anyOf", "oneOf", "not", "if", "then", "else", "dependentSchemas",
  "format", "title", "description", "default", "deprecated", "readOnly", "writeOnly", "examples",
  "contentMediaType", "contentEncoding", "contentSchema",
  "discriminator", "xml", "externalDocs", "example",
]);

// Calls fn(schema, where) for `schema` and every schema inside it.
function walkSchema(schema, where, fn) {
  if (schema === true || schema === false) return;
  assert.equal(typeof schema, "object", `${where}: a schema is an object or a boolean`);
  fn(schema, where);
  const maps = ["properties", "patternProperties", "$defs", "dependentSchemas"];
  const single = ["additionalProperties", "propertyNames", "unevaluatedProperties", "items", "contains",
    "unevaluatedItems", "not", "if", "then", "else", "contentSchema"];
  const lists = ["allOf", "anyOf", "oneOf", "prefixItems"];
  for (const k of maps) for (const [n, s] of Object.entries(schema[k] ?? {})) walkSchema(s, `${where}/${k}/${n}`, fn);
  for (const k of single) if (k in schema) walkSchema(schema[k], `${where}/${k}`, fn);
  for (const k of lists) (schema[k] ?? []).forEach((s, i) => walkSchema(s, `${where}/${k}/${i}`, fn));
}

// Every schema position of the document (components, parameters, bodies,
// responses), as [schema, where].
function schemasOf(doc) {
  const out = [];
  for (const [n, s] of Object.entries(doc.components?.schemas ?? {})) out.push([s, `components/schemas/${n}`]);
  const fromContent = (content, where) => {
    for (const [mt, m] of Object.entries(content ?? {})) if (m.schema) out.push([m.schema, `${where}/content/${mt}`]);
  };
  for (const [n, p] of Object.entries(doc.components?.parameters ?? {})) if (p.schema) out.push([p.schema, `components/parameters/${n}`]);
  for (const [n, r] of Object.entries(doc.components?.responses ?? {})) fromContent(r.content, `components/responses/${n}`);
  for (const o of operationsOf(doc)) {
    for (const p of o.params) if (p?.schema) out.push([p.schema, `${o.key} parameter ${p.name}`]);
    fromContent(o.op.requestBody?.content, `${o.key} requestBody`);
    for (const [status, r] of Object.entries(o.op.responses ?? {})) if (!r.$ref) fromContent(r.content, `${o.key} ${status}`);
  }
  return out;
}

describe("OpenAPI document and server", { skip: missingWhy && !ci ? missingWhy : false, concurrency: false }, () => {
  let tmp;
  let db;
  let web; // a dashboard stand-in: this test needs no built bundle
  let server; // no tokens: every request is admin
  let guarded; // tokens, a 1 KiB body limit and an offline repository
  let doc;
  let ajv;
  const validators = new Map();
  // "GET /path" -> the statuses its answers had, for the coverage check.
  const seen = new Map();
  const errorStatusesSeen = new Set();
  const tokens = { reader: "read-secret-0001", operator: "ops-secret-0001", admin: "admin-secret-0001" };

  const validatorFor = (pointer) => {
    if (!validators.has(pointer)) validators.set(pointer, ajv.compile({ $ref: `openapi#${pointer}` }));
    return validators.get(pointer);
  };

  // The document's operation for `method route` (a concrete path) and the
  // path parameters it gives.
  const operationFor = (method, route) => {
    const pathOnly = route.split("?")[0];
    const matches = [];
    for (const o of operationsOf(doc)) {
      if (o.method !== method) continue;
      const names = [...o.path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]);
      const pattern = o.path
        .replace(/[.+?^$()[\]|\\]/g, "\\$&")
        .replace(/\{path\}/g, "(.+)")
        .replace(/\{[^}]+\}/g, "([^/]+)");
      const m = new RegExp(`^${pattern}$`).exec(pathOnly);
      if (m) matches.push({ ...o, pathParams: Object.fromEntries(names.map((n, i) => [n, decodeURIComponent(m[i + 1])])) });
    }
    // Should two templates fit, the one with fewer parameters is meant (a
    // literal segment beats a parameter).
    matches.sort((a, b) => Object.keys(a.pathParams).length - Object.keys(b.pathParams).length);
    assert.ok(matches.length > 0, `${method} ${route}: no operation in the document fits it`);
    return matches[0];
  };

  // A parameter's text as the value its schema describes ("3" -> 3,
  // "true" -> true), for validation.
  const typed = (schema, text) => {
    if (schema?.type === "integer" && /^-?\d+$/.test(text)) return Number(text);
    if (schema?.type === "boolean" && (text === "true" || text === "false")) return text === "true";
    return text;
  };

  // An example request must be one the document describes: every query
  // parameter declared, every parameter's value of its schema, the body of
  // a documented media type and (JSON) schema.
  function checkExample(operation, route, { headers = {}, body }) {
    const what = `example ${operation.method} ${route}`;
    const declared = (where, name) => operation.params.find((p) => p.in === where && p.name.toLowerCase() === name.toLowerCase());
    const values = [
      ...Object.entries(operation.pathParams).map(([n, v]) => ["path", n, v]),
      ...[...new URLSearchParams(route.split("?")[1] ?? "")].map(([n, v]) => ["query", n, v]),
    ];
    for (const [where, name, text] of values) {
      const p = declared(where, name);
      assert.ok(p, `${what}: ${where} parameter ${name} is not in the document`);
      const validate = ajv.compile(p.schema); // ajv caches by schema
      assert.ok(validate(typed(p.schema, text)), `${what}: ${name}=${text}: ${ajv.errorsText(validate.errors)}`);
    }
    for (const p of operation.params.filter((x) => x.required)) {
      assert.ok(values.some(([w, n]) => w === p.in && n === p.name), `${what}: the required ${p.in} parameter ${p.name} is missing`);
    }
    const rb = operation.op.requestBody;
    if (body === undefined) {
      assert.ok(!rb?.required, `${what}: the document says a body is required`);
      return;
    }
    assert.ok(rb, `${what} sends a body the document does not describe`);
    const type = Buffer.isBuffer(body) || typeof body === "string" ? mediaType(headers["Content-Type"]) : "application/json";
    const media = rb.content?.[type];
    assert.ok(media, `${what}: the body's ${type} is not among ${Object.keys(rb.content ?? {})}`);
    if (type === "application/json") {
      const validate = validatorFor(`${operation.pointer}/requestBody/content/${escapePointer(type)}/schema`);
      assert.ok(validate(body), `${what}: the body does not fit the document: ${ajv.errorsText(validate.errors)}`);
    }
  }

  // Sends the request, then checks the answer against the document: the
  // status is one the operation lists, the content type is the one it
  // documents for that status, and a JSON body validates against the
  // schema. Returns {status, headers, body, json}.
  async function call(srv, method, route, { expect, headers = {}, body, headOnly = false, raw } = {}) {
    const operation = operationFor(method, route);
    let res;
    if (raw !== undefined) {
      // Sent byte for byte: what no HTTP client sends (no Content-Length).
      res = await rawRequest(srv.base, `${method} ${route} HTTP/1.1\r\nHost: test\r\nConnection: close\r\n${raw}`);
    } else if (headOnly) {
      // The event stream does not end: its headers are the answer.
      res = await httpGet(srv.base + route, { headers, headOnly: true });
    } else {
      const raw = Buffer.isBuffer(body) || typeof body === "string";
      // A bodiless POST still says Content-Length: 0, as HTTP clients do.
      res = await request(srv.base, method, route, {
        headers: { Accept: "application/json", ...headers },
        ...(raw ? { body } : body !== undefined ? { json: body } : method === "GET" ? {} : { body: "" }),
      });
    }
    const what = `${method} ${route} (${operation.key}) answered ${res.status}`;
    if (expect !== undefined) assert.equal(res.status, expect, `${what}, expected ${expect}: ${res.body}`);
    if (!seen.has(operation.key)) seen.set(operation.key, new Set());
    seen.get(operation.key).add(res.status);
    if (res.status >= 400) errorStatusesSeen.add(res.status);
    const found = responseOf(doc, operation, res.status);
    assert.ok(found, `${what}, which the document does not list (it lists ${Object.keys(operation.op.responses)}): ${res.body}`);
    const got = mediaType(res.headers["content-type"]);
    const documented = Object.keys(found.response.content ?? {});
    assert.ok(documented.includes(got), `${what} as ${got}; the document says ${documented.join(", ") || "no body"}`);
    let json;
    if (got === "application/json" && !headOnly) {
      json = JSON.parse(res.body);
      const validate = validatorFor(`${found.pointer}/content/${escapePointer(got)}/schema`);
      if (!validate(json)) {
        assert.fail(`${what}: the body does not fit the schema:\n${ajv.errorsText(validate.errors, { separator: "\n" })}\nbody: ${res.body.slice(0, 4000)}`);
      }
    }
    return { ...res, json };
  }

  // Polls a job until it ends (each answer validated too); it must have
  // succeeded, so that its result is validated.
  const finishedJob = async (id) => {
    const job = await eventually(
      `job ${id} ends`,
      async () => {
        const { json } = await call(server, "GET", `/api/v1/jobs/${id}`, { expect: 200 });
        return json.status === "succeeded" || json.status === "failed" ? json : null;
      },
      { timeout: 30000, interval: 100 },
    );
    assert.equal(job.status, "succeeded", `job ${id}: ${JSON.stringify(job)}`);
    return job;
  };

  before(async () => {
    const { default: Ajv2020 } = await import("ajv/dist/2020.js");
    const { default: addFormats } = await import("ajv-formats");
    tmp = await makeTmp();
    db = path.join(tmp, "catalog.db");

    // plain: storage truth, scanned before the server starts.
    await writeTree(path.join(tmp, "plain"), { "x.txt": "x\n", "y/z.txt": "zz\n", "y/w.txt": "www\n" });
    await tidemark(db, ["repo", "add", "plain", path.join(tmp, "plain")]);
    // cars (seed 000): two cars in MSK, one locked buyout slot.
    const photoRoot = path.join(tmp, "disk", "Фото");
    await writeCar(photoRoot, { region: "MSK", make: "Volkswagen", model: "Golf", vin: VIN1, locked: ["buyout/2"], files: { "dealer/1": 2, "buyout/1": 1 } });
    await writeCar(photoRoot, { region: "MSK", make: "Lada", model: "Kalina", vin: VIN2, files: { "dummies/1": 1 } });
    await tidemark(db, ["repo", "add", "cars", photoRoot, "--layout", "cars"]);
    await tidemark(db, ["scan", "plain", "cars"]);
    // products (seed 003): catalog truth, so nothing syncs it behind the
    // test's back; p1's images are catalogued by a repair, then one more
    // file appears on storage (orphaned) and one catalogued file goes
    // (missing).
    const shop = path.join(tmp, "shop");
    await writeTree(shop, {
      "products/p1/500ml/hero-card/a.jpg": "a\n",
      "products/p1/500ml/info-card/b.jpg": "bb\n",
      "products/p1/1kg/hero-card/c.jpg": "ccc\n",
      "products/p2/250ml/hero-card/d.jpg": "dddd\n",
    });
    await tidemark(db, ["repo", "add", "shop", shop, "--layout", "products", "--truth", "catalog", "--public-url", "https://cdn.example.com/media"]);
    await tidemark(db, ["repair", "shop", "--adopt-orphaned", "--json"]);
    await writeTree(shop, { "products/p1/500ml/hero-card/new.jpg": "new\n" });
    await rm(path.join(shop, "products/p1/1kg/hero-card/c.jpg"));

    web = await tinyWebRoot(tmp);
    const config = await writeConfig(tmp, ["[serve]", `allowed_roots = [${JSON.stringify(tmp)}]`]);
    server = await startServer({ db, dir: tmp, web, globalArgs: ["--config", config] });
    const res = await request(server.base, "GET", "/api/v1/openapi.json");
    assert.equal(res.status, 200, res.body);
    doc = JSON.parse(res.body);
    ajv = new Ajv2020({ strict: false, allErrors: true });
    addFormats(ajv);
    ajv.addFormat("binary", true); // OpenAPI's, for raw request bodies
    ajv.addSchema(doc, "openapi");
  });

  after(async () => {
    for (const s of [server, guarded]) {
      const exited = await s?.stop();
      if (exited && exited.code !== 0 && exited.signal === null) {
        console.log(`# tidemark serve exited with ${exited.code} after SIGTERM; its log:\n${s.log}`);
      }
    }
    await removeTmp(tmp);
  });

  test("the served document is src/api/openapi.json (the binary is not stale)", async () => {
    const source = JSON.parse(await readFile(path.join(repoRoot, "src/api/openapi.json"), "utf8"));
    assert.deepEqual(doc, source, "the binary serves another document than src/api/openapi.json: rebuild it");
  });

  test("the document is structurally sound OpenAPI 3.1", () => {
    assert.match(doc.openapi, /^3\.1\.\d+$/);
    assert.equal(typeof doc.info?.title, "string");
    assert.equal(typeof doc.info?.version, "string");
    assert.equal(doc.components?.securitySchemes?.bearer?.type, "http");
    assert.equal(doc.components?.securitySchemes?.bearer?.scheme, "bearer");

    // Every $ref resolves.
    const refs = [];
    const collect = (node, where) => {
      if (Array.isArray(node)) node.forEach((n, i) => collect(n, `${where}/${i}`));
      else if (node && typeof node === "object") {
        for (const [k, v] of Object.entries(node)) {
          if (k === "$ref") refs.push([v, where]);
          else collect(v, `${where}/${escapePointer(k)}`);
        }
      }
    };
    collect(doc, "#");
    assert.ok(refs.length > 0);
    for (const [ref, where] of refs) {
      assert.equal(typeof ref, "string", `${where}: $ref is a string`);
      assert.notEqual(resolvePointer(doc, ref), undefined, `${where}: $ref ${ref} does not resolve`);
    }

    const ids = new Map();
    for (const o of operationsOf(doc)) {
      const { op, key } = o;
      assert.ok(o.path.startsWith("/"), `${key}: a path starts with /`);
      assert.match(op.operationId ?? "", /^[a-z][A-Za-z0-9]*$/, `${key}: an operationId`);
      assert.ok(!ids.has(op.operationId), `${key}: operationId ${op.operationId} is also ${ids.get(op.operationId)}'s`);
      ids.set(op.operationId, key);
      assert.ok(["public", "reader", "operator", "admin"].includes(op["x-tidemark-role"]), `${key}: x-tidemark-role`);

      // Path parameters: each {name} of the template is declared, required,
      // once, and nothing else is declared in the path.
      const inTemplate = [...o.path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]).sort();
      const declared = o.params.filter((p) => p.in === "path");
      assert.deepEqual(declared.map((p) => p.name).sort(), inTemplate, `${key}: path parameters`);
      for (const p of declared) assert.equal(p.required, true, `${key}: path parameter ${p.name} is required`);
      const names = o.params.map((p) => `${p.in}:${p.name}`);
      assert.equal(new Set(names).size, names.length, `${key}: a parameter is declared twice`);
      for (const p of o.params) {
        assert.ok(["path", "query", "header", "cookie"].includes(p.in), `${key}: parameter ${p.name} in ${p.in}`);
        assert.ok(p.schema || p.content, `${key}: parameter ${p.name} has a schema`);
      }

      // Responses: codes, descriptions, a success, and the errors every
      // route can give.
      const statuses = Object.keys(op.responses ?? {});
      assert.ok(statuses.some((s) => /^2\d\d$/.test(s)), `${key}: documents a success`);
      for (const s of statuses) {
        assert.match(s, /^([1-5]\d\d|[1-5]XX|default)$/, `${key}: response code ${s}`);
        const r = responseOf(doc, o, s).response;
        assert.equal(typeof r.description, "string", `${key} ${s}: a description`);
        if (/^[45]/.test(s)) {
          assert.ok(r.content?.["application/json"], `${key} ${s}: the JSON error body`);
        }
      }
      const role = op["x-tidemark-role"];
      if (role === "public") {
        assert.ok(!op.security || op.security.every((req) => Object.keys(req).length === 0), `${key}: public needs no token`);
      } else {
        assert.deepEqual(op.security, [{ bearer: [] }], `${key}: a token`);
        assert.ok(statuses.includes("401"), `${key}: documents 401`);
        if (role !== "reader") assert.ok(statuses.includes("403"), `${key}: documents 403`);
      }
      if (inTemplate.length > 0) assert.ok(statuses.includes("404"), `${key}: documents 404 (a path parameter can name nothing)`);
      if (op.requestBody) {
        assert.ok(statuses.includes("400"), `${key}: a body can be malformed: documents 400`);
        assert.ok(Object.keys(op.requestBody.content ?? {}).length > 0, `${key}: requestBody content`);
      }
    }

    // Schemas use only schema keywords, and each one compiles.
    for (const [schema, where] of schemasOf(doc)) {
      walkSchema(schema, where, (s, w) => {
        for (const k of Object.keys(s)) {
          assert.ok(SCHEMA_KEYWORDS.has(k) || k.startsWith("x-"), `${w}: '${k}' is not a JSON Schema keyword`);
        }
        if ("required" in s) {
          assert.ok(Array.isArray(s.required), `${w}: required is a list`);
          if (s.properties && s.additionalProperties === false) {
            for (const r of s.required) assert.ok(r in s.properties, `${w}: required '${r}' is not among its properties`);
          }
        }
      });
    }
    for (const n of Object.keys(doc.components.schemas)) {
      assert.doesNotThrow(() => validatorFor(`/components/schemas/${escapePointer(n)}`), `components/schemas/${n} compiles`);
    }
  });

  test("the document's paths and methods are the server's routes, with the same roles", async () => {
    const { stdout } = await run(bin, ["--db", db, "serve", "--print-routes", "--web-root", web], { timeout: 30000 });
    const table = JSON.parse(stdout);
    assert.ok(Array.isArray(table.routes) && table.routes.length > 0, stdout);
    // "GET /" answers only when no dashboard is installed (with one, the
    // dashboard's static files are a mount, not routes); it is the
    // dashboard, not the API, and the document leaves it out.
    const routes = new Map();
    for (const r of table.routes) {
      assert.deepEqual(Object.keys(r).sort(), ["method", "path", "role"], JSON.stringify(r));
      if (r.method === "GET" && r.path === "/") continue;
      const key = `${r.method} ${normalizeTemplate(r.path)}`;
      assert.ok(!routes.has(key), `the server declares ${key} twice`);
      routes.set(key, r.role);
    }
    const documented = new Map(operationsOf(doc).map((o) => [`${o.method} ${normalizeTemplate(o.path)}`, o.op["x-tidemark-role"]]));
    const undocumented = [...routes.keys()].filter((k) => !documented.has(k));
    const unserved = [...documented.keys()].filter((k) => !routes.has(k));
    assert.deepEqual(undocumented, [], "routes the server declares that the document lacks");
    assert.deepEqual(unserved, [], "operations in the document the server does not declare");
    for (const [key, role] of routes) assert.equal(documented.get(key), role, `${key}: x-tidemark-role is the route's role`);
  });

  test("every operation answers what the document says", async () => {
    const ctx = {};
    const plainFile = "y/z.txt";
    // One or more example requests per operationId, run in this order (later
    // ones use what earlier ones made). Each is [method, route, options].
    const examples = {
      getHealthz: [["GET", "/healthz", { expect: 200 }]],
      getReadiness: [["GET", "/readyz", { expect: 200 }]],
      getMetrics: [["GET", "/metrics", { expect: 200 }]],
      getOpenApi: [["GET", "/api/v1/openapi.json", { expect: 200 }]],
      streamEvents: [["GET", "/api/v1/events", { expect: 200, headOnly: true, headers: { Accept: "text/event-stream" } }]],
      listRepositories: [["GET", "/api/v1/repositories", { expect: 200 }]],
      getRepository: [
        ["GET", "/api/v1/repositories/plain", { expect: 200 }],
        ["GET", "/api/v1/repositories/cars", { expect: 200 }],
        ["GET", "/api/v1/repositories/shop", { expect: 200 }],
      ],
      addRepository: [
        ["POST", "/api/v1/repositories", { expect: 201, body: () => ({ name: "added", url: path.join(tmp, "added"), truth: "storage", allow_offline: true }) }],
      ],
      syncRepository: [["POST", "/api/v1/repositories/plain/sync", { expect: 202 }]],
      listFiles: [
        ["GET", "/api/v1/repositories/plain/files", { expect: 200 }],
        ["GET", "/api/v1/repositories/plain/files?prefix=y/&limit=1", { expect: 200, then: (r) => assert.equal(r.json.files.length, 1) }],
      ],
      getFile: [["GET", `/api/v1/repositories/plain/files/${plainFile}`, { expect: 200 }]],
      listRepositoryOperations: [["GET", "/api/v1/repositories/plain/operations?limit=5", { expect: 200 }]],
      listOperations: [["GET", "/api/v1/operations?limit=20", { expect: 200 }]],
      listEntities: [
        ["GET", "/api/v1/repositories/cars/entities?kind=car", { expect: 200, then: (r) => assert.equal(r.json.entities.length, 2) }],
        ["GET", "/api/v1/repositories/shop/entities?limit=2", { expect: 200 }],
      ],
      startCheck: [
        ["POST", "/api/v1/repositories/shop/checks", { expect: 202, body: { list_synced: true }, then: async (r) => (ctx.checkJob = await finishedJob(r.json.id)) }],
        ["POST", "/api/v1/repositories/plain/checks", { expect: 202, body: { scope: "y" }, then: (r) => finishedJob(r.json.id) }],
      ],
      startRepair: [
        ["POST", "/api/v1/repositories/shop/repairs", { expect: 202, body: { orphaned: "adopt", missing: "drop", dry_run: true }, then: async (r) => (ctx.dryRunJob = await finishedJob(r.json.id)) }],
        ["POST", "/api/v1/repositories/plain/repairs", { expect: 202, body: { orphaned: "adopt", update_modified: true }, then: async (r) => (ctx.repairJob = await finishedJob(r.json.id)) }],
      ],
      listJobs: [["GET", "/api/v1/jobs?limit=10", { expect: 200 }]],
      getJob: [["GET", () => `/api/v1/jobs/${ctx.checkJob.id}`, { expect: 200 }]],
      uploadObject: [
        ["PUT", "/api/v1/repositories/plain/objects/up/new.txt", { expect: 201, body: Buffer.from("new file\n"), headers: { "Content-Type": "application/octet-stream" } }],
        ["PUT", "/api/v1/repositories/plain/objects/up/new.txt", { expect: 200, body: Buffer.from("replaced\n"), headers: { "Content-Type": "application/octet-stream" } }],
        ["PUT", "/api/v1/repositories/plain/objects/up/dry.txt?dry_run=true", { expect: 200, body: Buffer.from("dry\n"), headers: { "Content-Type": "application/octet-stream" } }],
      ],
      deleteObject: [
        ["DELETE", "/api/v1/repositories/plain/objects/up/new.txt", { expect: 200 }],
        ["DELETE", "/api/v1/repositories/plain/objects/y?recursive=true&dry_run=true", { expect: 200 }],
      ],
      moveFolder: [["POST", "/api/v1/repositories/shop/move", { expect: 200, body: { from: "products/p2/250ml", to: "products/p2/300ml" } }]],
      listCars: [
        ["GET", "/api/cars", { expect: 200, then: (r) => assert.equal(r.json.length, 2) }],
        ["GET", "/api/cars?region=MSK&max_age=0", { expect: 200, then: (r) => (ctx.car = r.json.find((c) => c.vin === VIN1)) }],
      ],
      getCar: [["GET", () => `/api/cars/${ctx.car.id}`, { expect: 200 }]],
      getCarByVin: [["GET", `/api/cars/vin/${VIN2}`, { expect: 200 }]],
      getCarsSyncStatus: [["GET", "/api/cars/sync/status", { expect: 200 }]],
      syncCars: [["POST", "/api/cars/sync", { expect: 200, body: { region: "MSK" } }]],
      lockSlot: [["POST", () => `/api/cars/${ctx.car.id}/slots/buyout/3/lock`, { expect: 200, body: { by: "e2e", note: "shooting" } }]],
      unlockSlot: [["POST", () => `/api/cars/${ctx.car.id}/slots/buyout/3/unlock`, { expect: 200, body: { by: "e2e" } }]],
      markSlotUsed: [["POST", () => `/api/cars/${ctx.car.id}/slots/dealer/1/used`, { expect: 200, body: { is_used: true, by: "e2e" } }]],
      checkProduct: [["GET", "/admin/products/p1/images/sync/check", { expect: 200, then: (r) => assert.deepEqual(r.json.orphanedFiles, ["products/p1/500ml/hero-card/new.jpg"]) }]],
      checkAllProducts: [["GET", "/admin/products/sync/check-all", { expect: 200 }]],
      syncProduct: [["POST", "/admin/products/p1/images/sync", { expect: 200, body: { recreateMissing: true } }]],
      syncAllProducts: [["POST", "/admin/products/sync/sync-all", { expect: 200, body: { removeOrphaned: true, recreateMissing: true } }]],
      removeRepository: [["DELETE", "/api/v1/repositories/added?purge=true", { expect: 200 }]],
    };

    const operations = operationsOf(doc);
    const without = operations.filter((o) => !examples[o.op.operationId]).map((o) => `${o.op.operationId} (${o.key})`);
    assert.deepEqual(without, [], "operations without an example request in this test");
    const stale = Object.keys(examples).filter((id) => !operations.some((o) => o.op.operationId === id));
    assert.deepEqual(stale, [], "examples for operationIds the document does not have");

    for (const [id, list] of Object.entries(examples)) {
      const operation = operations.find((o) => o.op.operationId === id);
      for (const [method, routeOf, { then, body, ...opts }] of list) {
        const route = typeof routeOf === "function" ? routeOf() : routeOf;
        const concrete = { ...opts, body: typeof body === "function" ? body() : body };
        const fits = operationFor(method, route);
        assert.equal(fits.op.operationId, id, `${method} ${route} is ${id}'s example`);
        checkExample(fits, route, concrete);
        const res = await call(server, method, route, concrete);
        if (operation.path === "/metrics") assert.match(res.body, /^# (HELP|TYPE) /m);
        if (then) await then(res);
      }
    }
    for (const o of operations) {
      assert.ok(seen.has(o.key), `${o.key} was called`);
      // A success status the document lists but no example gets is either
      // stale or untested.
      for (const s of Object.keys(o.op.responses).filter((x) => /^2/.test(x))) {
        assert.ok(seen.get(o.key).has(Number(s)), `${o.key}: no example answered the documented ${s}`);
      }
    }
  });

  test("documented errors: 400, 404, 409 on the open server", async () => {
    const err = async (method, route, expect, opts = {}) => {
      const res = await call(server, method, route, { expect, ...opts });
      assert.equal(typeof res.json.error, "string");
      return res;
    };
    await err("GET", "/api/v1/repositories/plain/files/a/%2e%2e/%2e%2e/etc", 400);
    await err("GET", "/api/v1/repositories/plain/files?limit=lots", 400);
    await err("GET", "/api/v1/jobs/first", 400);
    await err("POST", "/api/v1/repositories", 400, { body: "{not json" });
    await err("POST", "/api/v1/repositories/plain/repairs", 400, { body: { orphaned: "burn" } });
    await err("POST", "/admin/products/p1/images/sync", 400, { body: {} });
    await err("GET", "/api/v1/repositories/nope", 404);
    await err("GET", "/api/v1/repositories/plain/files/not/there.txt", 404);
    await err("GET", "/api/v1/jobs/999999", 404);
    await err("GET", `/api/cars/vin/AAAAAAAAAAAAAAAAA`, 404);
    await err("POST", "/api/v1/repositories", 409, { body: { name: "plain", url: path.join(tmp, "plain") } });
    // Outside [serve] allowed_roots.
    await err("POST", "/api/v1/repositories", 403, { body: { name: "etc", url: "/etc" } });
    // An upload needs a body with Content-Length, and no coding.
    await err("PUT", "/api/v1/repositories/plain/objects/none.txt", 411, { raw: "\r\n" });
    await err("PUT", "/api/v1/repositories/plain/objects/zipped.txt", 415, {
      headers: { "Content-Encoding": "gzip", "Content-Type": "application/octet-stream" },
      body: gzipSync(Buffer.from("zipped\n")),
    });
    // buyout/2 is locked on storage (_LOCK.json): locking it again is refused.
    const cars = (await call(server, "GET", "/api/cars", { expect: 200 })).json;
    const car = cars.find((c) => c.vin === VIN1);
    await err("POST", `/api/cars/${car.id}/slots/buyout/2/lock`, 409, { body: { by: "e2e" } });
  });

  test("documented errors: 401, 403, 413, 503 on a server with tokens", async () => {
    const gdb = path.join(tmp, "guarded.db");
    const gone = path.join(tmp, "gone");
    await writeTree(path.join(tmp, "kept"), { "k.txt": "k\n" });
    await writeTree(gone, { "g.txt": "g\n" });
    await tidemark(gdb, ["repo", "add", "kept", path.join(tmp, "kept")]);
    await tidemark(gdb, ["repo", "add", "gone", gone]);
    await tidemark(gdb, ["scan", "kept", "gone"]);
    // A repository whose root went away is offline: /readyz says 503.
    await rm(gone, { recursive: true, force: true });
    await tidemark(gdb, ["scan", "gone"], { okCodes: [0, 1, 2, 3, 4, 5] });
    const config = path.join(tmp, "guarded.toml");
    await writeFile(
      config,
      [
        "[serve]",
        "max_body_bytes = 1024",
        "[serve.tokens]",
        ...Object.entries(tokens).map(([role, token]) => `"${token}" = "${role}"`),
        "",
      ].join("\n"),
    );
    guarded = await startServer({ db: gdb, dir: tmp, web, globalArgs: ["--config", config] });
    const as = (role) => ({ Authorization: `Bearer ${tokens[role]}` });

    let res = await call(guarded, "GET", "/api/v1/repositories", { expect: 401 });
    assert.equal(res.json.code, "unauthenticated");
    res = await call(guarded, "GET", "/api/v1/repositories", { expect: 401, headers: { Authorization: "Bearer not-a-token-at-all" } });
    await call(guarded, "GET", "/api/v1/repositories", { expect: 200, headers: as("reader") });
    res = await call(guarded, "POST", "/api/v1/repositories/kept/sync", { expect: 403, headers: as("reader") });
    assert.equal(res.json.code, "forbidden");
    // A repair that runs needs admin; an operator may only preview it.
    await call(guarded, "POST", "/api/v1/repositories/kept/repairs", { expect: 403, headers: as("operator"), body: { orphaned: "adopt" } });
    await call(guarded, "DELETE", "/api/v1/repositories/kept", { expect: 403, headers: as("operator") });
    res = await call(guarded, "PUT", "/api/v1/repositories/kept/objects/big.bin", {
      expect: 413,
      headers: { ...as("operator"), "Content-Type": "application/octet-stream" },
      body: Buffer.alloc(4096, 1),
    });
    assert.equal(res.json.code, "payload_too_large");
    res = await call(guarded, "GET", "/readyz", { expect: 503 });
    assert.deepEqual(res.json.repositories.map((r) => r.name), ["gone"]);
    // The public routes need no token even here.
    await call(guarded, "GET", "/healthz", { expect: 200 });
    await call(guarded, "GET", "/metrics", { expect: 200 });
    await call(guarded, "GET", "/api/v1/openapi.json", { expect: 200 });
  });

  test("every documented error status was provoked and validated", () => {
    for (const s of [400, 401, 403, 404, 409, 411, 413, 415, 503]) assert.ok(errorStatusesSeen.has(s), `no ${s} was provoked`);
  });
});
