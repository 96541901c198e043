// The harness's one reach past Pulumi's public mocks API (./registrationRequests.ts) still finds what it
// reads in this @pulumi/pulumi; when it no longer does, these tests say so, and say what changed.
import { createRequire } from "node:module";
import * as pulumi from "@pulumi/pulumi";
import { beforeAll, describe, expect, it } from "vitest";
import { valueOf } from "./pulumiMocks";
import { type EngineView, watchRegistrationRequests } from "./registrationRequests";

const { version } = createRequire(__filename)("@pulumi/pulumi/package.json") as { version: string };
const SDK = `@pulumi/pulumi ${version}`;
const THING = "netlab:test:Thing";

class Thing extends pulumi.CustomResource {
  constructor(name: string, props: pulumi.Inputs, opts: pulumi.CustomResourceOptions) {
    super(THING, name, props, opts);
  }
}

describe(`the registration requests of ${SDK}`, () => {
  const views: EngineView[] = [];
  const lost: string[] = [];
  /** Every field newResource was given, by any resource. */
  const given = new Set<string>();
  const urns: Record<string, string> = {};

  beforeAll(async () => {
    await pulumi.runtime.setMocks(
      {
        newResource: (args) => {
          for (const key of Object.keys(args)) given.add(key);
          return { id: `${args.name}-id`, state: args.inputs as Record<string, unknown> };
        },
        call: (args) => args.inputs as Record<string, unknown>,
      },
      "netlab-test",
      "dev",
      false,
    );
    watchRegistrationRequests(
      pulumi.runtime.getMonitor(),
      (view) => views.push(view),
      (why) => lost.push(why),
    );
    const group = new pulumi.ComponentResource("netlab:test:Group", "group");
    const input = new Thing("input", {}, { parent: group });
    const before = new Thing("before", {}, { parent: group });
    const after = new Thing("after", { from: input.id }, { parent: group, dependsOn: [before] });
    await valueOf(after.id);
    for (const [name, resource] of Object.entries({ group, input, before, after })) {
      urns[name] = await valueOf(resource.urn);
    }
  });

  const viewOf = (name: string) => views.find((view) => view.type === THING && view.name === name);

  it("are still readable", () => {
    expect(lost, `${SDK} changed what test/support/registrationRequests.ts reads`).toEqual([]);
    expect(viewOf("after"), `${SDK}: no registration request was seen for ${THING} after`).toBeDefined();
  });

  it("give the parent's URN", () => {
    expect(viewOf("after")?.parent, `${SDK}: getParent() no longer gives the parent's URN`).toBe(urns.group);
  });

  it("give the URNs of explicit dependencies and of the resources behind the inputs", () => {
    expect(
      [...(viewOf("after")?.dependencies ?? [])].sort(),
      `${SDK}: getDependenciesList() no longer lists dependsOn and the inputs' resources`,
    ).toEqual([urns.before, urns.input].sort());
  });

  it("are still needed: newResource is given neither parent nor dependencies", () => {
    const nowGiven = [...given].filter((key) => /parent|depend/i.test(key));
    expect(
      nowGiven,
      `${SDK} gives newResource ${nowGiven.join(", ")} (pulumi/pulumi#14421): read them there and ` +
        "remove test/support/registrationRequests.ts",
    ).toEqual([]);
  });
});

describe("a monitor of another shape", () => {
  it("is reported, not fatal", () => {
    const lost: string[] = [];
    watchRegistrationRequests(
      {},
      () => undefined,
      (why) => lost.push(why),
    );
    const monitor = { registerResource: (...args: unknown[]) => `passed on ${args.length}` };
    watchRegistrationRequests(
      monitor,
      () => undefined,
      (why) => lost.push(why),
    );
    expect(monitor.registerResource({ getType: () => THING }, undefined)).toBe("passed on 2");
    expect(lost).toEqual([
      "the mock monitor (pulumi.runtime.getMonitor()) has no registerResource method",
      "the registration request has no getName, getParent, getDependenciesList",
    ]);
  });
});
