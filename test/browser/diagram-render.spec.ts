// Renders the diagrams in real headless chromium with the mermaid package from node_modules, through
// scripts/render-diagram.mjs, and fails when Mermaid reports an error. Run: npm run test:browser
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { formatDiagram } from "../../lib/results/diagram";
import { labFixture, RESULTS_FIXTURES_DIR } from "../lib/results/fixtures";

const ROOT = path.resolve(__dirname, "..", "..");
const SCRIPT = path.join(ROOT, "scripts", "render-diagram.mjs");

function findChromium(): string | undefined {
  for (const candidate of [process.env.CHROMIUM, "chromium", "chromium-browser"]) {
    if (candidate === undefined || candidate === "") continue;
    const found = spawnSync("sh", ["-c", 'command -v "$1"', "sh", candidate], { encoding: "utf8" });
    if (found.status === 0 && found.stdout.trim() !== "") return found.stdout.trim();
  }
  return undefined;
}

const chromium = findChromium();
const NO_CHROMIUM =
  "chromium not found (apt-get install -y chromium, or set CHROMIUM): the diagram was not rendered";
const work = mkdtempSync(path.join(tmpdir(), "netlab-render-test-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

interface Rendered {
  status: number | null;
  stderr: string;
  texts: string[];
}

async function render(name: string, text: string, ...options: string[]): Promise<Rendered> {
  const file = path.join(work, `${name}.mmd`);
  writeFileSync(file, text);
  const child = spawn(
    process.execPath,
    [SCRIPT, file, "--json", "--chromium", chromium as string, ...options],
    {
      stdio: ["ignore", "pipe", "pipe"],
      timeout: 150_000,
    },
  );
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString("utf8")));
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString("utf8")));
  const status = await new Promise<number | null>((resolve, reject) => {
    child.on("error", reject);
    child.on("close", resolve);
  });
  const texts = status === 0 ? (JSON.parse(stdout) as { texts: string[] }).texts : [];
  return { status, stderr, texts };
}

describe.concurrent("the diagram in headless chromium", () => {
  it("renders a passing lab", async ({ skip }) => {
    skip(chromium === undefined, NO_CHROMIUM);
    const rendered = await render("passing", formatDiagram(labFixture("lab-passing")));
    expect(rendered.stderr).toBe("");
    expect(rendered.status).toBe(0);
    expect(rendered.texts).toContain("k8s-networking-lab 24/24 checks passed");
    expect(rendered.texts).toContain("pod pod-demo · 10.244.0.73");
    expect(rendered.texts).toContain(
      "svc-nodeport-httpd\nNodePort 10.96.191.234\nport 3050 → 80\nnode port 31000",
    );
    // 24 checks, 14 arrows: checks between the same two boxes share one.
    expect(rendered.texts.filter((text) => text.startsWith("✓ "))).toHaveLength(14);
    expect(rendered.texts).toContain("✓ 8 dns checks: 8 passed");
  });

  it("renders the diagram output of a real two-node run with one injected failure", async ({ skip }) => {
    skip(chromium === undefined, NO_CHROMIUM);
    // Captured when every check still had its own arrow: Mermaid text as a real run printed it.
    const text = readFileSync(path.join(RESULTS_FIXTURES_DIR, "e2e-two-node-one-failure.mmd"), "utf8");
    const rendered = await render("e2e-one-failure", text);
    expect(rendered.status).toBe(0);
    expect(rendered.texts).toContain("k8s-networking-lab 31/32 checks passed, 1 failed");
    expect(rendered.texts.filter((t) => t.startsWith("✓ "))).toHaveLength(31);
    expect(rendered.texts.filter((t) => t.startsWith("✗ "))).toEqual(["✗ cluster-ip: refused"]);
  });

  it("renders a lab with failures and skipped checks", async ({ skip }) => {
    skip(chromium === undefined, NO_CHROMIUM);
    const rendered = await render("failures", formatDiagram(labFixture("lab-with-failures")));
    expect(rendered.stderr).toBe("");
    expect(rendered.status).toBe(0);
    expect(rendered.texts).toContain("node kind-worker2");
    expect(rendered.texts).toContain("✗ pod-to-pod: timeout");
    expect(rendered.texts).toContain("✗ cluster-ip: refused");
    expect(rendered.texts).toContain("✗ 2 pod-demo checks: 1 failed (shared-network: exec-error), 1 passed");
    expect(rendered.texts).toContain(
      "✗ 8 dns checks: 1 failed (svc-nodeport-httpd.fqdn: dns-failure), 7 passed",
    );
    expect(rendered.texts).toContain("– node-port: skipped");
  });

  it("renders names and values that need escaping as the literal text", async ({ skip }) => {
    skip(chromium === undefined, NO_CHROMIUM);
    const rendered = await render("awkward", formatDiagram(labFixture("awkward-values")));
    expect(rendered.stderr).toBe("");
    expect(rendered.status).toBe(0);
    expect(rendered.texts).toEqual(
      expect.arrayContaining([
        "node node <1> & 'two' #35; end",
        'services in lab & "friends"',
        "pod café-✓ · 10.244.0.10",
        "a|b",
        "style:x#y;",
        "naïve 😀",
        "svc`md` %%comment\nClusterIP 10.96.0.99\nport 80 → http<>",
        "✗ \"double\" & 'single': refused",
        "– #quot;|pipes|%%: skipped",
        "✗ classDef:#fff;: exec-error",
      ]),
    );
  });

  it("writes a screenshot of the diagram", async ({ skip }) => {
    skip(chromium === undefined, NO_CHROMIUM);
    const png = path.join(work, "failures.png");
    const rendered = await render(
      "screenshot",
      formatDiagram(labFixture("lab-with-failures")),
      "--png",
      png,
      "--scale",
      "1",
    );
    expect(rendered.status).toBe(0);
    const image = readFileSync(png);
    expect(image.subarray(0, 8).toString("hex")).toBe("89504e470d0a1a0a");
    // IHDR: width and height, big-endian, at bytes 16 and 20; the page is the diagram plus its padding.
    expect(image.readUInt32BE(16)).toBeGreaterThan(1000);
    expect(image.readUInt32BE(20)).toBeGreaterThan(1000);
  });

  it("fails on a diagram with a syntax error", async ({ skip }) => {
    skip(chromium === undefined, NO_CHROMIUM);
    const broken = formatDiagram(labFixture("lab-passing")).replace('["cntr-httpd"]', '["cntr-httpd"');
    const rendered = await render("broken", broken);
    expect(rendered.status).toBe(1);
    expect(rendered.stderr).toMatch(/^Mermaid did not render the diagram \(error\): Parse error on line \d+/);
  });

  it("fails on labels and ids written without the diagram's escaping", async ({ skip }) => {
    skip(chromium === undefined, NO_CHROMIUM);
    const unescaped = await Promise.all(
      [
        'flowchart TB\n  a["x"] --> b["say "hi" now"]\n',
        "flowchart TB\n  a -->|a|b| c\n",
        "flowchart TB\n  end --> b\n",
      ].map((text, i) => render(`unescaped-${i}`, text)),
    );
    for (const rendered of unescaped) {
      expect(rendered.status).toBe(1);
      expect(rendered.stderr).toMatch(/Parse error/);
    }
  });
});
