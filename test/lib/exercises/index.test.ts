// The exercises as data: the config key that names one, the mistake each puts in the lab's settings, and
// the rules they expect, which must be rules the diagnosis has.
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { RULES } from "../../../lib/checks/diagnosis";
import { LabConfigError, parseLabConfig } from "../../../lib/config";
import {
  clientDnsFor,
  EXERCISE_NAMES,
  EXERCISES,
  exerciseLab,
  exerciseOf,
  exercisePlan,
  selectorFor,
  withExercise,
} from "../../../lib/exercises";
import { misspelt } from "../../../lib/exercises/selectorTypo";

const parse = (raw: Record<string, string>) => parseLabConfig(raw, { fileExists: () => true });
const problemOf = (raw: Record<string, string>) => {
  try {
    parse(raw);
  } catch (error) {
    if (error instanceof LabConfigError) return error.message;
    throw error;
  }
  return undefined;
};

describe("the exercise key", () => {
  it("is none by default and when empty", () => {
    expect(parse({}).exercise).toBeUndefined();
    expect(parse({ exercise: "" }).exercise).toBeUndefined();
  });

  it.each(EXERCISE_NAMES)("accepts %s", (name) => {
    expect(parse({ exercise: name }).exercise).toBe(name);
  });

  it("rejects an unknown name, listing the exercises", () => {
    expect(problemOf({ exercise: "wrong-port" })).toContain(
      '- exercise: "wrong-port" is not allowed; allowed: wrong-target-port, selector-typo, dns-nowhere, or "" for none.',
    );
  });

  it("needs the labs whose objects the exercise breaks", () => {
    expect(problemOf({ labs: "eg1,eg2", exercise: "selector-typo" })).toContain(
      '- exercise: "selector-typo" breaks objects of "services"; add them to labs.',
    );
    expect(problemOf({ labs: "eg2,services", exercise: "dns-nowhere" })).toContain(
      '- exercise: "dns-nowhere" breaks objects of "eg1"; add them to labs.',
    );
  });

  it("needs the checks, which judge it", () => {
    expect(problemOf({ checks: "false", exercise: "wrong-target-port" })).toContain(
      '- exercise: "wrong-target-port" is judged by the checks; set checks true.',
    );
  });
});

describe("the exercises", () => {
  it("are the ones the key names, and e2e/lab/run.sh proves each", () => {
    expect(Object.keys(EXERCISES)).toEqual([...EXERCISE_NAMES]);
    for (const [name, exercise] of Object.entries(EXERCISES)) expect(exercise.name).toBe(name);
    const runSh = readFileSync(path.resolve(__dirname, "../../../e2e/lab/run.sh"), "utf8");
    expect(/for name in ([a-z -]+); do/.exec(runSh)?.[1]?.split(" ")).toEqual([...EXERCISE_NAMES]);
  });

  it("are listed in docs/exercises.md with the checks they break and the rule", () => {
    const doc = readFileSync(path.resolve(__dirname, "../../../docs/exercises.md"), "utf8");
    const lab = exerciseLab(parse({}));
    for (const exercise of Object.values(EXERCISES)) {
      const row = doc.split("\n").find((line) => line.startsWith(`| \`${exercise.name}\``)) ?? "";
      const { failing, rule } = exercise.expected(lab);
      expect(row.split("|")[3]?.match(/[a-z0-9.-]+\.[a-z0-9.-]+/g), exercise.name).toEqual(failing);
      expect(row.split("|")[4]?.trim(), exercise.name).toBe(`\`${rule}\``);
    }
  });

  it("expect failures diagnosed by rules the diagnosis has", () => {
    const lab = exerciseLab(parse({}));
    const names = RULES.map((rule) => rule.name);
    for (const exercise of Object.values(EXERCISES)) expect(names).toContain(exercise.expected(lab).rule);
  });

  it("change nothing without an exercise", () => {
    const config = parse({});
    expect(exerciseOf(config)).toBeUndefined();
    expect(withExercise(config)).toBe(config);
    expect(selectorFor(undefined, "nginx", { pod: "pod-nginx" })).toEqual({ pod: "pod-nginx" });
    expect(clientDnsFor(undefined, exerciseLab(config))).toBeUndefined();
    expect(exercisePlan(undefined, exerciseLab(config))).toBeUndefined();
  });

  it("wrong-target-port: the nginx Service's targetPort becomes 8080, nothing else", () => {
    const config = parse({ exercise: "wrong-target-port" });
    const broken = withExercise(config);
    expect(broken.services.nginx).toEqual({ ...config.services.nginx, targetPort: 8080 });
    expect(broken.services.httpd).toEqual(config.services.httpd);
    expect(exercisePlan(exerciseOf(config), exerciseLab(broken))).toEqual({
      name: "wrong-target-port",
      mistake: EXERCISES["wrong-target-port"].mistake,
      failing: ["service.svc-clusterip-nginx.cluster-ip"],
      rule: "nothing-listens",
    });
  });

  it("selector-typo: the nginx Service's selector value misspelt, the httpd one's as it was", () => {
    const typo = exerciseOf(parse({ exercise: "selector-typo" }));
    const selector = { "k8s-networking-lab/pod": "pod-nginx" };
    expect(selectorFor(typo, "nginx", selector)).toEqual({ "k8s-networking-lab/pod": "pod-ngnix" });
    expect(selectorFor(typo, "httpd", selector)).toBe(selector);
    expect(misspelt("ab")).toBe("abx");
  });

  it("dns-nowhere: pod-demo's nameserver is an address nothing answers, with the cluster's search domains", () => {
    const config = parse({ exercise: "dns-nowhere", namespace: "class-1", clusterDomain: "lab.example" });
    expect(clientDnsFor(exerciseOf(config), exerciseLab(config))).toEqual({
      dnsPolicy: "None",
      dnsConfig: {
        nameservers: ["192.0.2.53"],
        searches: ["class-1.svc.lab.example", "svc.lab.example", "lab.example"],
        options: [{ name: "ndots", value: "5" }],
      },
    });
    expect(exercisePlan(exerciseOf(config), exerciseLab(config))?.failing).toEqual([
      "dns.resolv-conf.pod-demo",
      "service.svc-nodeport-httpd.cluster-ip",
      "service.svc-clusterip-nginx.cluster-ip",
    ]);
  });
});
