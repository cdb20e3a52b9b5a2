// Time-boxed emergency access, end to end: grant-access -> the plan (a conditional binding of one
// person on one secret, in the access rows the access diff compares) -> the expiry warning ->
// revoke-access, and lift-freeze removing an incident's grants; then each refusal.
import { evaluate, Evaluation, planJson } from "../../../cli/plan";
import { diffStack } from "../../../cli/review/accessDiff";
import { recorded, ok as recordedOk } from "../review/plans";
import { runProgram } from "../../../stacks";
import { advance, cli, logEntries, ok, refusal, TempProject, tempProject } from "./helpers";

describe("emergency access", () => {
  let p: TempProject;
  beforeEach(() => {
    p = tempProject("2026-11-29T03:00:00Z");
  });
  afterEach(() => p.cleanup());
  const member = "user:oncall@pegasus.example";
  const grant = (stack: string, ...extra: string[]) => [
    "grant-access",
    "DATABASE_URL",
    "--stack",
    stack,
    "--member",
    member,
    "--incident",
    "INC-9",
    "--for",
    "2h",
    "--operator",
    "bob",
    ...extra,
  ];
  const evaluateStaging = () =>
    evaluate({
      projectDir: p.dir,
      stack: "staging",
      program: () => runProgram({ now: p.clock.now, stackFilesDir: p.dir }),
    });

  it("grant -> plan -> access rows -> expiry warning -> revoke", async () => {
    const r = await ok(p, [
      ...grant("staging", "--consumer", "worker"),
      "--reason",
      "debug a stuck job",
    ]);
    expect(r.out).toContain(
      `Emergency access for INC-9: ${member} may read staging-database-url-worker (DATABASE_URL) in staging until 2026-11-29T05:00:00Z, once applied.`,
    );
    expect(logEntries(p)[0]).toMatchObject({
      action: "grant-access",
      stack: "staging",
      variable: "DATABASE_URL",
      consumer: "worker",
      secretId: "staging-database-url-worker",
      member,
      incident: "INC-9",
      expiresAt: "2026-11-29T05:00:00Z",
      reason: "debug a stuck job",
    });
    const granted = await evaluateStaging();
    const during = planJson(granted, { now: p.clock.now });
    expect(during.emergencyGrants).toEqual([
      {
        variable: "DATABASE_URL",
        secretId: "staging-database-url-worker",
        member,
        incident: "INC-9",
        expiresAt: "2026-11-29T05:00:00Z",
        expired: false,
      },
    ]);
    // One person, one secret: the only access row of the member.
    expect(during.access.filter((a) => a.member === member)).toEqual([
      {
        variable: "DATABASE_URL",
        secretId: "staging-database-url-worker",
        consumer: "(not a runtime identity)",
        member,
      },
    ]);
    const binding = during.resources.find(
      (x) =>
        x.type === "gcp:secretmanager/secretIamBinding:SecretIamBinding" &&
        (x.inputs.members as string[]).includes(member),
    )!;
    expect(binding.inputs.condition).toMatchObject({
      title: expect.stringContaining("INC-9"),
      expression: 'request.time < timestamp("2026-11-29T05:00:00Z")',
    });
    expect(during.warnings.filter((w) => w.includes("emergency grant"))).toEqual([]);
    // Three hours later the binding has stopped working; the plan says to remove it.
    const later = planJson(granted, { now: new Date("2026-11-29T06:00:00Z") });
    expect(later.warnings).toContain(
      `the emergency grant of DATABASE_URL to ${member} (incident INC-9) expired at 2026-11-29T05:00:00Z; remove it: npx pegasus-secrets revoke-access DATABASE_URL --stack staging --incident INC-9 --operator <you>`,
    );
    advance(p, 180);
    const revoked = await ok(p, [
      "revoke-access",
      "DATABASE_URL",
      "--stack",
      "staging",
      "--incident",
      "INC-9",
      "--operator",
      "bob",
    ]);
    expect(revoked.out).toContain(
      `Emergency access removed: ${member} on DATABASE_URL in staging (had expired); recorded in operations/log.jsonl.`,
    );
    expect(logEntries(p).pop()).toMatchObject({ action: "revoke-access", expired: true });
    expect(p.read("Pulumi.staging.yaml")).not.toContain("emergencyAccess:\n    -");
    const revokedEv = await evaluateStaging();
    const after = planJson(revokedEv, { now: p.clock.now });
    // The access diff of the pull request that grants it, and of the one that revokes it.
    const rec = (ev: Evaluation) =>
      recordedOk(
        recorded(
          ev.resources.map((r) => ({ type: r.type, name: r.name, inputs: r.inputs })),
          ev.files.values,
        ),
      );
    const granting = diffStack("staging", rec(revokedEv), rec(granted));
    expect(granting.emergency).toEqual([
      {
        change: "added",
        member,
        secretId: "staging-database-url-worker",
        variable: "DATABASE_URL",
        incident: "INC-9",
        expiresAt: "2026-11-29T05:00:00Z",
      },
    ]);
    expect(granting.policy.violations).toEqual([]);
    expect(
      diffStack("staging", rec(granted), rec(revokedEv)).emergency.map((g) => g.change),
    ).toEqual(["removed"]);
    expect(after.emergencyGrants).toEqual([]);
    expect(after.access.filter((a) => a.member === member)).toEqual([]);
  }, 30_000);

  it("production only under the freeze of its incident; lift-freeze removes the incident's grants", async () => {
    const outside = await cli(p, grant("production", "--consumer", "api"));
    expect(outside.code).toBe(1);
    expect(refusal(outside)).toBe(
      "Refusing emergency access to production outside the break-glass of INC-9: deploys are not frozen. Break glass first (npx pegasus-secrets freeze --incident INC-9 --operator bob, or break-glass to rotate as well), then grant it; the break-glass workflow applies it.",
    );
    await ok(p, ["freeze", "--operator", "bob", "--incident", "INC-8"]);
    expect(refusal(await cli(p, grant("production", "--consumer", "api")))).toMatch(
      /^Refusing emergency access to production outside the break-glass of INC-9: Deploys are frozen since .* for incident INC-8/,
    );
    await ok(p, ["lift-freeze", "--operator", "bob"]);
    await ok(p, ["freeze", "--operator", "bob", "--incident", "INC-9"]);
    await ok(p, grant("production", "--consumer", "api"));
    await ok(p, grant("staging", "--consumer", "api"));
    expect(p.read("Pulumi.production.yaml")).toContain("incident: INC-9");
    const lifted = await ok(p, ["lift-freeze", "--operator", "bob", "--reason", "resolved"]);
    expect(lifted.out).toContain(`${member} on DATABASE_URL in production`);
    expect(lifted.out).toContain(`${member} on DATABASE_URL in staging`);
    expect(p.read("Pulumi.production.yaml")).not.toContain("incident: INC-9");
    expect(p.read("Pulumi.staging.yaml")).not.toContain("incident: INC-9");
    expect(logEntries(p).filter((e) => e.action === "revoke-access")).toHaveLength(2);
  });

  describe("refusals, each naming the fix, nothing written", () => {
    /** `code` undefined: a usage error the argument parser reports (non-zero). */
    const refused = async (
      args: string[],
      message: string | RegExp,
      code: number | undefined = 1,
    ) => {
      const files = ["Pulumi.staging.yaml", "Pulumi.production.yaml"].map((f) => p.read(f));
      const r = await cli(p, args);
      if (typeof message === "string") expect(refusal(r)).toBe(message);
      else expect(refusal(r)).toMatch(message);
      if (code === undefined) expect(r.code).not.toBe(0);
      else expect(r.code).toBe(code);
      expect(["Pulumi.staging.yaml", "Pulumi.production.yaml"].map((f) => p.read(f))).toEqual(
        files,
      );
      expect(logEntries(p)).toEqual([]);
    };
    const without = (flag: string) => {
      const args = grant("staging", "--consumer", "api");
      const i = args.indexOf(flag);
      return [...args.slice(0, i), ...args.slice(i + 2)];
    };
    const withArg = (flag: string, value: string) => {
      const args = grant("staging", "--consumer", "api");
      args[args.indexOf(flag) + 1] = value;
      return args;
    };

    it("no incident, more than 24 hours, not a duration", async () => {
      await refused(
        without("--incident"),
        /^grant-access needs --incident <id>\.\nFix: npx pegasus-secrets grant-access DATABASE_URL .* --incident <id>$/,
        2,
      );
      await refused(
        withArg("--for", "25h"),
        "--for 25h is longer than 24h: an emergency grant lasts at most 24 hours. Grant it again later if the incident needs more.",
      );
      await refused(
        withArg("--for", "a day"),
        '--for "a day" is not a duration: use hours and minutes such as 2h, 90m or 1h30m.',
      );
    });

    it("a group, a service account, the public", async () => {
      await refused(
        withArg("--member", "group:oncall@pegasus.example"),
        "--member group:oncall@pegasus.example is a group: member; emergency access is for one person: --member user:<their email>. Groups, domains, service accounts and the public never get a break-glass read.",
      );
      await refused(withArg("--member", "allUsers"), /^--member allUsers is the public;/);
      await refused(
        withArg("--member", "serviceAccount:x@p.iam.gserviceaccount.com"),
        /is a serviceAccount: member;/,
      );
    });

    it("more than one secret: a variable with one value per consumer needs its consumer, and one variable per grant", async () => {
      await refused(
        without("--consumer"),
        "DATABASE_URL has one value per consumer in staging (api, worker, ci): a grant opens one secret, so name it: --consumer <api|worker|ci>.",
      );
      const two = grant("staging", "--consumer", "api");
      two.splice(2, 0, "REDIS_URL");
      await refused(two, /^grant-access takes 1 argument; got 2\.\nFix: /, 2);
    });
  });
});
