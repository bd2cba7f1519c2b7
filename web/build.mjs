// Builds the dashboard into $OUT (default: build/web at the repository
// root): index.html, app.js and app.css, each asset named with a content hash
// query so a browser never mixes an old script with a new page.
//
//   node build.mjs            (npm run build)
//   OUT=/some/dir node build.mjs
//
// Works offline: everything comes from src/ and node_modules.
import { createHash } from "node:crypto";
import { mkdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";

import * as esbuild from "esbuild";

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, "..");
const out = path.resolve(root, process.env.OUT || "build/web");

const result = await esbuild.build({
  entryPoints: { app: path.join(here, "src/main.ts") },
  bundle: true,
  minify: true,
  sourcemap: "linked",
  format: "iife",
  target: ["es2020"],
  outdir: out,
  write: false,
  logLevel: "warning",
  legalComments: "none",
});

await mkdir(out, { recursive: true });

// Write every file beside its final name first, then rename, so a server
// reading the folder meanwhile sees either the old file or the new one.
async function put(name, contents) {
  const file = path.join(out, name);
  const tmp = `${file}.tmp-${process.pid}`;
  await writeFile(tmp, contents);
  await rename(tmp, file);
}

const hashes = {};
for (const file of result.outputFiles) {
  const name = path.relative(out, file.path);
  hashes[name] = createHash("sha256").update(file.contents).digest("hex").slice(0, 12);
  await put(name, file.contents);
}
// An app.css from an older build that imported no CSS would be stale.
if (!hashes["app.css"]) await rm(path.join(out, "app.css"), { force: true });

const template = await readFile(path.join(here, "src/index.html"), "utf8");
const html = template
  .replace("{{APP_JS}}", `app.js?v=${hashes["app.js"]}`)
  .replace("{{APP_CSS}}", `app.css?v=${hashes["app.css"] ?? "none"}`);
await put("index.html", html);

const size = result.outputFiles.reduce((n, f) => n + f.contents.length, 0) + html.length;
console.log(`dashboard built into ${out} (${(size / 1024).toFixed(1)} KiB)`);
