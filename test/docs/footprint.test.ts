// docs/footprint.md repeats the requests and limits of lib/labels.ts and adds them up per lab: it must say
// what the code sets.
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import {
  CLIENT_CONTAINER_RESOURCES,
  type ContainerResources,
  SERVER_CONTAINER_RESOURCES,
} from "../../lib/labels";

const doc = readFileSync(path.resolve(__dirname, "../../docs/footprint.md"), "utf8");
/** The cells of each table row of the doc. */
const rows = doc
  .split("\n")
  .filter((line) => line.startsWith("| "))
  .map((line) =>
    line
      .slice(2, -2)
      .split(" | ")
      .map((cell) => cell.trim()),
  );

const KINDS: Record<string, ContainerResources> = {
  server: SERVER_CONTAINER_RESOURCES,
  client: CLIENT_CONTAINER_RESOURCES,
};
const millicores = (cpu: string) => (cpu.endsWith("m") ? Number(cpu.slice(0, -1)) : Number(cpu) * 1000);
const mebibytes = (memory: string) => {
  expect(memory).toMatch(/^\d+Mi$/);
  return Number(memory.slice(0, -2));
};

/** A lab's totals with `probes` node probes: pod-demo's two containers, two servers, the DNS probe. */
function labTotals(probes: number): string[] {
  const containers = [
    ...Array<ContainerResources>(3).fill(SERVER_CONTAINER_RESOURCES),
    ...Array<ContainerResources>(2 + probes).fill(CLIENT_CONTAINER_RESOURCES),
  ];
  const sum = (value: (c: ContainerResources) => number) => containers.reduce((s, c) => s + value(c), 0);
  return [
    String(4 + probes),
    `${sum((c) => millicores(c.requests.cpu))}m`,
    `${sum((c) => mebibytes(c.requests.memory))}Mi`,
    `${sum((c) => millicores(c.limits.cpu))}m`,
    `${sum((c) => mebibytes(c.limits.memory))}Mi`,
  ];
}

describe("docs/footprint.md", () => {
  it("gives each container the requests and limits of its kind", () => {
    const containers = rows.filter((cells) => cells[2] !== undefined && cells[2] in KINDS);
    expect(containers).toHaveLength(6);
    for (const [pod, container, kind, requests, limits] of containers) {
      const resources = KINDS[kind ?? ""] as ContainerResources;
      expect({ pod, container, requests, limits }).toEqual({
        pod,
        container,
        requests: `${resources.requests.cpu}, ${resources.requests.memory}`,
        limits: `${resources.limits.cpu}, ${resources.limits.memory}`,
      });
    }
  });

  it("adds them up per lab, for 1 to 4 probe pods, and for the quota that admits one lab", () => {
    const labs = rows.filter((cells) => /^\d: /.test(cells[0] ?? ""));
    expect(labs.map((cells) => cells[0]?.charAt(0))).toEqual(["1", "2", "3", "4"]);
    for (const [first, ...totals] of labs) expect(totals).toEqual(labTotals(Number(first?.charAt(0))));
    const [pods, requestsCpu, requestsMemory, limitsCpu, limitsMemory] = labTotals(4);
    expect(doc.replace(/\s+/g, " ")).toContain(
      `\`pods: ${pods}\`, \`requests.cpu: ${requestsCpu}\`, \`requests.memory: ${requestsMemory}\`, ` +
        `\`limits.cpu: ${limitsCpu}\`, \`limits.memory: ${limitsMemory}\``,
    );
  });
});
