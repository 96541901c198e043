#!/usr/bin/env node
// Renders Mermaid text in headless chromium with the mermaid package from node_modules (no network),
// and says whether Mermaid accepted it; with --png, also writes a screenshot of the diagram.
//
//   pulumi stack output diagram | node scripts/render-diagram.mjs --png docs/diagram.png
//   node scripts/render-diagram.mjs diagram.mmd            # only check that it renders
//
// Options:
//   --png FILE     also write a screenshot of the diagram
//   --scale N      device pixels per CSS pixel of the screenshot (default 2)
//   --json         print the size, every label's text and the PNG's path as one JSON object
//   --chromium P   the browser (default: $CHROMIUM, else chromium or chromium-browser on PATH)
// Exit status: 0 rendered, 1 Mermaid reported an error (printed on stderr), 2 usage or setup error,
// 3 chromium not found.
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { Buffer } from "node:buffer";
import process from "node:process";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const MERMAID_SCRIPT = path.join(ROOT, "node_modules", "mermaid", "dist", "mermaid.min.js");
const PADDING = 16;

class Exit extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

function fail(status, message) {
  throw new Exit(status, message);
}

function parseArgs(argv) {
  const options = { input: undefined, png: undefined, scale: 2, chromium: undefined, json: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = () => {
      if (i + 1 >= argv.length) fail(2, `${arg} needs a value`);
      return argv[++i];
    };
    if (arg === "--png") options.png = value();
    else if (arg === "--scale") options.scale = Number(value());
    else if (arg === "--chromium") options.chromium = value();
    else if (arg === "--json") options.json = true;
    else if (arg === "-h" || arg === "--help") {
      process.stdout.write(readFileSync(fileURLToPath(import.meta.url), "utf8").split("\nimport ")[0] + "\n");
      throw new Exit(0, "");
    } else if (arg.startsWith("--")) fail(2, `unknown option ${arg}`);
    else if (options.input === undefined) options.input = arg;
    else fail(2, `one input file at most, got ${options.input} and ${arg}`);
  }
  if (!(options.scale > 0 && options.scale <= 4)) fail(2, "--scale must be a number in (0, 4]");
  return options;
}

function findChromium(explicit) {
  const candidates = [explicit, process.env.CHROMIUM, "chromium", "chromium-browser"].filter(Boolean);
  for (const candidate of candidates) {
    if (candidate.includes("/")) {
      try {
        if (statSync(candidate).isFile()) return candidate;
      } catch {
        // not there; try the next one
      }
      continue;
    }
    const found = spawnSync("sh", ["-c", 'command -v "$1"', "sh", candidate], { encoding: "utf8" });
    if (found.status === 0 && found.stdout.trim() !== "") return found.stdout.trim();
  }
  return undefined;
}

/** A page that renders `text` and writes the outcome into its title and into #result. */
function page(text) {
  // JSON inside a script element: no "<" may appear, so "</script>" in the text cannot end it.
  const source = JSON.stringify(text)
    .replace(/</g, "\\u003c")
    .replace(/\u2028|\u2029/g, (c) => `\\u${c.charCodeAt(0).toString(16)}`);
  return `<!doctype html>
<html><head><meta charset="utf-8"><title>pending</title>
<style>body{margin:0;background:#fff} #diagram{display:inline-block;padding:${PADDING}px} #result{display:none}</style>
<script src="${pathToFileURL(MERMAID_SCRIPT).href}"></script>
</head><body><div id="diagram"></div><pre id="result"></pre>
<script>
const report = (status, detail) => {
  document.title = status;
  document.getElementById("result").textContent = detail;
};
try {
  mermaid.initialize({ startOnLoad: false, securityLevel: "strict", flowchart: { useMaxWidth: false } });
  mermaid
    .render("netlab-diagram", ${source})
    .then(({ svg }) => {
      document.getElementById("diagram").innerHTML = svg;
      const element = document.querySelector("#diagram svg");
      if (element === null || element.querySelector(".error-icon") !== null) {
        report("error", "Mermaid drew an error diagram");
        return;
      }
      const box = element.getBoundingClientRect();
      const selector = ".nodeLabel, .edgeLabel, .cluster-label, .flowchartTitleText";
      const texts = [...element.querySelectorAll(selector)]
        .filter((label) => label.querySelector(selector) === null)
        .map((label) => (label.innerText || label.textContent).trim())
        .filter((text) => text !== "");
      report("rendered", JSON.stringify({ width: Math.ceil(box.width), height: Math.ceil(box.height), texts }));
    })
    .catch((error) => report("error", String((error && error.message) || error)));
} catch (error) {
  report("error", String((error && error.message) || error));
}
</script></body></html>
`;
}

function chromium(binary, userDataDir, extra) {
  const args = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    `--user-data-dir=${userDataDir}`,
    "--allow-file-access-from-files",
    "--virtual-time-budget=5000",
    ...extra,
  ];
  return execFileSync(binary, args, {
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
    stdio: ["ignore", "pipe", "pipe"],
    timeout: 120_000,
  });
}

function decodeHtml(text) {
  return text
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, "&");
}

/** All of standard input; a plain readFileSync(0) fails with EAGAIN on a pipe that is not ready yet. */
async function readStdin() {
  const chunks = [];
  for await (const chunk of process.stdin) chunks.push(chunk);
  return Buffer.concat(chunks).toString("utf8");
}

async function main() {
  const options = parseArgs(process.argv.slice(2));
  const text = options.input === undefined ? await readStdin() : readFileSync(options.input, "utf8");
  if (text.trim() === "") fail(2, "no Mermaid text on input");
  try {
    statSync(MERMAID_SCRIPT);
  } catch {
    fail(2, `${MERMAID_SCRIPT} is missing: run npm ci`);
  }
  const binary = findChromium(options.chromium);
  if (binary === undefined)
    fail(3, "chromium not found: install it (apt-get install -y chromium) or set CHROMIUM");

  const work = mkdtempSync(path.join(tmpdir(), "netlab-diagram-"));
  try {
    const html = path.join(work, "diagram.html");
    writeFileSync(html, page(text));
    const dom = chromium(binary, path.join(work, "profile-dom"), ["--dump-dom", pathToFileURL(html).href]);
    const status = /<title>([^<]*)<\/title>/.exec(dom)?.[1];
    const detail = decodeHtml(/<pre id="result">([\s\S]*?)<\/pre>/.exec(dom)?.[1] ?? "");
    if (status !== "rendered")
      fail(1, `Mermaid did not render the diagram (${status ?? "no outcome"}): ${detail}`);
    const size = JSON.parse(detail);
    if (!options.json) process.stdout.write(`rendered: ${size.width}x${size.height}\n`);
    if (options.png !== undefined) {
      const width = size.width + 2 * PADDING;
      const height = size.height + 2 * PADDING;
      const png = path.resolve(options.png);
      chromium(binary, path.join(work, "profile-png"), [
        "--hide-scrollbars",
        `--window-size=${width},${height}`,
        `--force-device-scale-factor=${options.scale}`,
        `--screenshot=${png}`,
        pathToFileURL(html).href,
      ]);
      if (!options.json) process.stdout.write(`wrote ${png}\n`);
      size.png = png;
    }
    if (options.json) process.stdout.write(`${JSON.stringify(size)}\n`);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

try {
  await main();
} catch (error) {
  if (!(error instanceof Exit)) throw error;
  process.stderr.write(`${error.message}\n`);
  process.exitCode = error.status;
}
