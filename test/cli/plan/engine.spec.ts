// The plan engine's two layers: what the program registered under the runtime mocks (values in the
// SDK's wire form), and the redacted evaluation every reader of the plan gets. A small program stands
// in for ours, so each layer is checked on exactly what it was given.
import * as kms from "@pulumi/gcp/kms";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { specialSecretSig, specialSigKey } from "@pulumi/pulumi/runtime/rpc";
import { evaluate, redact, REDACTED, runUnderMocks } from "../../../cli/plan";
import { fixtureProject, FixtureProject } from "../../fixtures";
import { canaryValueGenerator } from "../../helpers";

describe("the plan engine", () => {
  let fixture: FixtureProject;
  let dir: string;
  beforeAll(() => {
    fixture = fixtureProject();
    dir = fixture.dir;
  });
  afterAll(() => fixture.cleanup());

  /** A generated value stored as a secret input of a child resource, and exported as a secret. */
  const program = () => {
    const pw = new random.RandomPassword("pw", { length: 16 });
    const holder = new random.RandomPassword("holder", {
      length: 8,
      overrideSpecial: pulumi.secret(pw.result),
    });
    return { value: pulumi.secret(pw.result), name: holder.urn.apply(() => "holder") };
  };

  it("registers what the program declared, secret values in the SDK's wire form", async () => {
    const { gen, issued } = canaryValueGenerator();
    const r = await runUnderMocks({ projectDir: dir, stack: "staging", program, values: gen });
    const holder = r.registered.find((x) => x.name === "holder")!;
    expect(holder.inputs.length).toBe(8);
    expect(holder.inputs.overrideSpecial).toEqual({
      [specialSigKey]: specialSecretSig,
      value: issued[0],
    });
    expect(r.exported.value).toEqual({ [specialSigKey]: specialSecretSig, value: issued[0] });
    expect(r.exported.name).toBe("holder");
  });

  it("evaluates to the same resources with every secret value redacted", async () => {
    const { gen, issued } = canaryValueGenerator();
    const ev = await evaluate({ projectDir: dir, stack: "staging", program, values: gen });
    expect(ev.resources.map((x) => [x.type, x.name, x.parent])).toEqual([
      ["random:index/randomPassword:RandomPassword", "pw", null],
      ["random:index/randomPassword:RandomPassword", "holder", null],
    ]);
    expect(ev.resources[1].inputs).toEqual({ length: 8, overrideSpecial: REDACTED });
    expect(ev.outputs).toEqual({ value: REDACTED, name: "holder" });
    expect(issued.length).toBeGreaterThan(0);
    for (const v of issued) expect(JSON.stringify(ev)).not.toContain(v);
  });

  it("lists resources in the order the program declares them, not as their inputs resolve", async () => {
    // `late` is declared first, but its input waits on a timer: its registration reaches the monitor last.
    const declaring = () => {
      const slow = new Promise<number>((resolve) => setTimeout(() => resolve(12), 50));
      const parent = new pulumi.ComponentResource("test:index:Group", "group");
      new random.RandomPassword("late", { length: pulumi.output(slow) }, { parent });
      new random.RandomPassword("early", { length: 8 }, { parent });
      return {};
    };
    const r = await runUnderMocks({ projectDir: dir, stack: "staging", program: declaring });
    expect(r.registered.map((x) => x.name)).toEqual(["group", "late", "early"]);
  });

  it("fails with the data source's name when the program reads one the plan has no stand-in for", async () => {
    const reading = () => {
      const ring = kms.getKMSKeyRingOutput({ name: "ring", location: "europe-west1" });
      new random.RandomPassword("after", { length: ring.name.apply(() => 8) });
      return {};
    };
    await expect(evaluate({ projectDir: dir, stack: "staging", program: reading })).rejects.toThrow(
      "The offline plan has no stand-in for the data source gcp:kms/getKMSKeyRing:getKMSKeyRing, which the program reads",
    );
  });

  it("keeps a stack to the error's own line while the program runs, then restores the formatter", async () => {
    const formatter = (err: Error) => `formatted ${err.message}`;
    const { stackTraceLimit, prepareStackTrace } = Error;
    Error.prepareStackTrace = formatter;
    Error.stackTraceLimit = 50;
    const seen: (string | undefined)[] = [];
    const failing = () => {
      seen.push(new Error("inside").stack);
      throw new TypeError("the program failed");
    };
    try {
      await expect(
        evaluate({ projectDir: dir, stack: "staging", program: failing }),
      ).rejects.toThrow("the program failed");
      expect(seen).toEqual(["Error: inside"]);
      expect(Error.prepareStackTrace).toBe(formatter);
      expect(Error.stackTraceLimit).toBe(50);
      expect(new Error("after").stack).toBe("formatted after");
    } finally {
      Error.prepareStackTrace = prepareStackTrace;
      Error.stackTraceLimit = stackTraceLimit;
    }
  });

  it.each([
    ["a secret", { [specialSigKey]: specialSecretSig, value: "x" }, REDACTED],
    [
      "a resource reference",
      { [specialSigKey]: "5cf8f73096256a8f31e491e813e4eb8e", urn: "urn:pulumi:s::p::t::n" },
      "[resource urn:pulumi:s::p::t::n]",
    ],
    [
      "a serialized provider",
      { __provider: "abcdef" },
      { __provider: "[serialized provider, 6 bytes]" },
    ],
    [
      "secrets nested in lists and maps",
      { a: [1, { b: { [specialSigKey]: specialSecretSig, value: "x" } }], c: "plain" },
      { a: [1, { b: REDACTED }], c: "plain" },
    ],
  ])("redacts %s", (_, input, expected) => {
    expect(redact(input)).toEqual(expected);
  });
});
