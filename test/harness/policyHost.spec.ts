// Self-tests of the policy harness: a TypeScript policy pack is started through the SDK's
// run-policy-pack entry point (ts-node, type-checked) and asked about compliant and violating
// resources over the Analyzer protocol.
import * as path from "node:path";
import { StagedDir, secret, stageDir } from "./engine";
import { PolicyHost, startPolicyHost } from "./policyHost";

const FIXTURE = path.join(__dirname, "fixtures", "policy");
const WIDGET = "harness:index:Widget";

describe("policy host", () => {
  let staged: StagedDir | undefined;
  const hosts: PolicyHost[] = [];

  beforeAll(() => {
    staged = stageDir(FIXTURE);
  });

  afterAll(async () => {
    await Promise.all(hosts.map((h) => h.stop()));
    staged?.cleanup();
  });

  const start = async (): Promise<PolicyHost> => {
    // The pack is type-checked by ts-node at start: seconds, more on a busy machine.
    const h = await startPolicyHost({
      packDir: (staged as StagedDir).dir,
      stack: "dev",
      startTimeoutMs: 40_000,
    });
    hosts.push(h);
    return h;
  };

  test("reports the pack's policies, a compliant and a violating resource", async () => {
    const host = await start();

    const info = await host.info();
    expect(info).toMatchObject({ name: "harness-policy", version: "0.1.0", supportsConfig: true });
    expect(info.policies.map((p) => [p.name, p.enforcementLevel, p.type])).toEqual([
      ["widget-size-limit", "mandatory", "resource"],
      ["single-widget", "advisory", "stack"],
    ]);

    const compliant = { type: WIDGET, name: "small", properties: { size: 3 } };
    const violating = {
      type: WIDGET,
      name: "large",
      // Internal keys and secrets travel as the engine sends them; the pack sees plain values.
      properties: { size: secret(30), __defaults: [] },
    };
    expect(await host.analyze([compliant])).toEqual([]);
    expect(await host.analyze([compliant, violating])).toEqual([
      expect.objectContaining({
        policyName: "widget-size-limit",
        enforcementLevel: "mandatory",
        message: expect.stringContaining("size 30 exceeds 10"),
        urn: "urn:pulumi:dev::project::harness:index:Widget::large",
      }),
    ]);

    const stackDiags = await host.analyzeStack([compliant, violating]);
    expect(stackDiags).toEqual([
      expect.objectContaining({
        policyName: "single-widget",
        enforcementLevel: "advisory",
        message: expect.stringContaining("found 2 widgets"),
      }),
    ]);
  }, 60_000);

  test("policy config overrides the enforcement level as the CLI reconciles it", async () => {
    // Reconfiguring the running pack: a second start would pay the ts-node type check again.
    const host = hosts[0] ?? (await start());
    const large = { type: WIDGET, name: "large", properties: { size: 11 } };
    try {
      await host.configure({ "widget-size-limit": "advisory" });
      expect((await host.analyze([large])).map((d) => d.enforcementLevel)).toEqual(["advisory"]);
      await host.configure({ all: "disabled" });
      expect(await host.analyze([large])).toEqual([]);
    } finally {
      await host.configure({});
    }
    expect((await host.analyze([large])).map((d) => d.enforcementLevel)).toEqual(["mandatory"]);
  });
});
