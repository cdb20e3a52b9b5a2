import {
  advance,
  cli,
  logEntries,
  refusal,
  setStackConfig,
  TempProject,
  tempProject,
} from "./helpers";

describe("break-glass", () => {
  let p: TempProject;
  beforeEach(() => {
    p = tempProject("2026-11-29T03:00:00Z");
  });
  afterEach(() => p.cleanup());
  const bg = [
    "--operator",
    "bob",
    "--incident",
    "INC-7",
    "--reason",
    "key posted in a public channel",
  ];

  it("freezes, rotates in every stack at once without an overlap window, prints the commands, opens the incident", async () => {
    // An overlap window already open in staging is closed too: after a leak the old value must stop working.
    expect(
      (await cli(p, ["rotate", "JWT_SECRET", "--stack", "staging", "--operator", "alice"])).code,
    ).toBe(0);
    advance(p, 60);
    const r = await cli(p, ["break-glass", "JWT_SECRET", ...bg]);
    expect(r.code).toBe(0);
    expect(p.read("operations/FREEZE")).toContain("incident: INC-7");
    expect(p.read("Pulumi.production.yaml")).toContain('JWT_SECRET: "2026-11-29.1"');
    expect(p.read("Pulumi.staging.yaml")).toContain('JWT_SECRET: "2026-11-29.2"');
    expect(p.read("Pulumi.staging.yaml")).not.toContain("previousKeepers");
    expect(p.read("Pulumi.production.yaml")).not.toContain("previousKeepers");
    const log = logEntries(p);
    expect(log.map((e) => `${e.action} ${e.stack ?? ""}`.trim())).toEqual([
      "rotate staging",
      "freeze",
      "rotate production",
      "rotate staging",
      "break-glass",
    ]);
    expect(log[2]).toMatchObject({
      breakGlass: true,
      incident: "INC-7",
      previousKeeper: null,
      revokedKeeper: null,
      oldKeeper: "initial",
    });
    expect(log[3]).toMatchObject({
      breakGlass: true,
      previousKeeper: null,
      revokedKeeper: "initial",
      oldKeeper: "2026-11-29.1",
    });
    const up = (stack: string) => [
      "PEGASUS_BREAK_GLASS=INC-7",
      "pulumi",
      "up",
      "--stack",
      stack,
      "--yes",
    ];
    const own = (command: string, stack: string) => [
      "npx",
      "pegasus-secrets",
      command,
      "--stack",
      stack,
      "--operator",
      "bob",
    ];
    expect(log[4].commands).toEqual([
      up("production"),
      own("applied", "production"),
      own("verify", "production"),
      up("staging"),
      own("applied", "staging"),
      own("verify", "staging"),
    ]);
    expect(r.out).toContain(
      "  1. PEGASUS_BREAK_GLASS=INC-7 pulumi up --stack production --yes   # apply the new values to production (the program lets this run only under the freeze of INC-7; the break-glass workflow does the same in CI)\n" +
        "       (pulumi up restarts api on Render (deploy), api on Fly.io (machine update) and api on Railway (redeploy))\n" +
        "  2. npx pegasus-secrets applied --stack production --operator bob   # record what production now runs (verify counts only against it)\n" +
        "  3. npx pegasus-secrets verify --stack production --operator bob   # readiness and smoke checks of production\n",
    );
    const incident = p.read("operations/incidents/INC-7.md");
    expect(incident).toContain("# Incident INC-7: secret exposure");
    expect(incident).toContain("- **Reason:** key posted in a public channel");
    expect(incident).toContain(
      "### Impact window\n- **Exposure began (earliest possible):** _fill in_",
    );
    expect(incident).toContain(
      "| 2026-11-29T04:00:00Z | Deploys frozen (break-glass step 1) | bob | operations/FREEZE, operations/log.jsonl line 2 |",
    );
    expect(incident).toContain(
      "| _fill in_ | `pulumi up --stack production --yes` (production) | _fill in_ | _fill in_ |",
    );
    expect(p.executed).toEqual([]);
  });

  it("restarts, by the platform's API, a service whose delivery does not restart it, and names one with no target", async () => {
    setStackConfig(p, "production", "pegasus-secrets:targets", {
      render: {
        ownerId: "tea-exampleproduction0",
        activation: "none",
        services: { api: ["srv-exampleproductionapi0"] },
      },
      fly: { activation: "stage", apps: { api: "pegasus-production-api" } },
    });
    const r = await cli(p, ["break-glass", "DATABASE_URL", ...bg]);
    expect(r.code).toBe(0);
    const prod = logEntries(p)
      .find((e) => e.action === "break-glass")!
      .commands.slice(1, 3);
    expect(prod).toEqual([
      [
        "sh",
        "-c",
        'curl -fsS -X POST -H "Authorization: Bearer $RENDER_API_KEY" "${RENDER_API_URL:-https://api.render.com/v1}/services/srv-exampleproductionapi0/restart"',
      ],
      ["fly", "apps", "restart", "pegasus-production-api"],
    ]);
    expect(r.out).toContain(
      "by hand: restart worker where it runs (production has no platform target for it, so this tool cannot restart it)",
    );
  });

  it("--run runs the commands in order through the executor, records each, and stops at the first failure", async () => {
    p.exitCodes = [0, 3];
    const r = await cli(p, ["break-glass", "SIGNED_URL_KEY", ...bg, "--run"]);
    expect(r.code).toBe(1);
    expect(p.executed).toEqual([
      ["PEGASUS_BREAK_GLASS=INC-7", "pulumi", "up", "--stack", "production", "--yes"],
      ["npx", "pegasus-secrets", "applied", "--stack", "production", "--operator", "bob"],
    ]);
    expect(refusal(r)).toBe(
      "`npx pegasus-secrets applied --stack production --operator bob` exited with 3 (recorded in operations/log.jsonl line 6). The remaining steps did not run: fix the cause, then run them by hand in the order printed above. Deploys stay frozen.",
    );
    expect(
      logEntries(p)
        .filter((e) => e.action === "command")
        .map((e) => e.exitCode),
    ).toEqual([0, 3]);
    expect(p.exists("operations/FREEZE")).toBe(true);
  });

  it("--run refuses up front when an external value must be set by a person, and changes nothing", async () => {
    const before = p.read("Pulumi.production.yaml");
    const r = await cli(p, ["break-glass", "OPENAI_API_KEY", ...bg, "--run"]);
    expect(r.code).toBe(1);
    expect(refusal(r)).toBe(
      "--run cannot set the new value of OPENAI_API_KEY for you (the issuer creates it). Nothing was changed. Run break-glass without --run, then run the printed commands in order: the first ones store the new values (pulumi config set --secret, or seal).",
    );
    expect(p.read("Pulumi.production.yaml")).toBe(before);
    expect(p.exists("operations/FREEZE")).toBe(false);
    expect(logEntries(p)).toEqual([]);
    // Without --run, the commands that set the new values come first, before pulumi up.
    const printed = await cli(p, ["break-glass", "OPENAI_API_KEY", ...bg]);
    expect(printed.out).toContain(
      "  1. pulumi config set --secret openaiApiKeyApi --stack production   # new value of OPENAI_API_KEY\n" +
        "  2. pulumi config set --secret openaiApiKeyWorker --stack production   # new value of OPENAI_API_KEY\n" +
        "  3. pulumi config set --secret openaiApiKeyCi --stack production   # new value of OPENAI_API_KEY\n" +
        "  4. PEGASUS_BREAK_GLASS=INC-7 pulumi up --stack production --yes",
    );
  });

  it("the freeze: rotate and finalize refuse, freeze-status fails, lift-freeze records and removes it", async () => {
    expect((await cli(p, ["break-glass", "JWT_SECRET", ...bg])).code).toBe(0);
    const frozen =
      "Deploys are frozen since 2026-11-29T03:00:00Z by bob for incident INC-7 (key posted in a public channel) (operations/FREEZE).";
    const rot = await cli(p, ["rotate", "REDIS_URL", "--stack", "staging", "--operator", "alice"]);
    expect(rot.code).toBe(1);
    expect(refusal(rot)).toBe(
      `${frozen} Rotation waits until the freeze is lifted (npx pegasus-secrets lift-freeze --operator alice); a rotation for the incident goes through break-glass: npx pegasus-secrets break-glass REDIS_URL --operator alice --incident <id>.`,
    );
    const fin = await cli(p, [
      "finalize",
      "JWT_SECRET",
      "--stack",
      "staging",
      "--operator",
      "alice",
    ]);
    expect(refusal(fin)).toBe(
      `${frozen} Finalizing waits until the freeze is lifted (npx pegasus-secrets lift-freeze --operator alice).`,
    );
    const status = await cli(p, ["freeze-status"]);
    expect(status.code).toBe(1);
    expect(refusal(status)).toBe(
      `${frozen} Deploys wait until it is lifted: npx pegasus-secrets lift-freeze --operator <you>.`,
    );
    // A rotation for the incident itself still goes through.
    expect(
      (
        await cli(p, [
          "rotate",
          "REDIS_URL",
          "--stack",
          "staging",
          "--operator",
          "alice",
          "--break-glass",
          "--incident",
          "INC-7",
        ])
      ).code,
    ).toBe(0);

    advance(p, 90);
    const lift = await cli(p, [
      "lift-freeze",
      "--operator",
      "bob",
      "--reason",
      "all stacks verified",
    ]);
    expect(lift.code).toBe(0);
    expect(p.exists("operations/FREEZE")).toBe(false);
    expect(logEntries(p).pop()).toEqual({
      action: "lift-freeze",
      ts: "2026-11-29T04:30:00Z",
      operator: "bob",
      incident: "INC-7",
      frozenSince: "2026-11-29T03:00:00Z",
      reason: "all stacks verified",
    });
    expect((await cli(p, ["freeze-status"])).out).toBe("Deploys are not frozen.");
    expect(refusal(await cli(p, ["lift-freeze", "--operator", "bob"]))).toBe(
      "Deploys are not frozen (operations/FREEZE does not exist): nothing to lift.",
    );
  });

  it("a manual freeze, and a second break-glass for the same incident extends its record", async () => {
    expect((await cli(p, ["freeze", "--operator", "carol", "--incident", "INC-7"])).code).toBe(0);
    expect((await cli(p, ["break-glass", "JWT_SECRET", ...bg])).out).toContain(
      "1. Deploys frozen: already frozen since 2026-11-29T03:00:00Z.",
    );
    advance(p, 10);
    expect((await cli(p, ["break-glass", "SIGNED_URL_KEY", ...bg])).code).toBe(0);
    const incident = p.read("operations/incidents/INC-7.md");
    expect(incident.match(/^## Break-glass at /gm)).toHaveLength(2);
    expect(incident.indexOf("JWT_SECRET in production")).toBeLessThan(
      incident.indexOf("SIGNED_URL_KEY in production"),
    );
    expect(
      refusal(
        await cli(p, ["break-glass", "JWT_SECRET", "--operator", "bob", "--incident", "../x"]),
      ),
    ).toBe(
      '--incident "../x" is not valid: use your incident tracker\'s ID (letters, digits, . _ -, at most 64 characters), e.g. --incident INC-2041.',
    );
  });

  it("checks everything it needs before changing anything, and names each missing piece", async () => {
    const files = ["Pulumi.staging.yaml", "Pulumi.production.yaml"].map((f) => p.read(f));
    const dirty = await cli(p, ["break-glass", "JWT_SECRET", ...bg, "--run"], {
      probe: (command) =>
        command[0] === "git"
          ? { status: 0, stdout: " M Pulumi.staging.yaml\n M README.md\n" }
          : { status: null, stdout: "" },
    });
    expect(dirty.code).toBe(1);
    expect(refusal(dirty)).toBe(
      "Break-glass cannot start; nothing was changed:\n" +
        "  - the work tree has uncommitted changes (Pulumi.staging.yaml, README.md): commit or stash them, so the break-glass commit holds only the rotation\n" +
        "  - --run runs pulumi up, and the Pulumi CLI is not installed here (https://www.pulumi.com/docs/install/); run break-glass without --run and the printed commands where it is, or use the break-glass workflow",
    );
    const notGit = await cli(p, ["break-glass", "JWT_SECRET", ...bg], {
      probe: () => ({ status: 128, stdout: "" }),
    });
    expect(refusal(notGit)).toBe(
      `Break-glass cannot start; nothing was changed:\n  - ${p.dir} is not a git work tree: break-glass records its changes in git`,
    );
    expect(["Pulumi.staging.yaml", "Pulumi.production.yaml"].map((f) => p.read(f))).toEqual(files);
    expect(p.exists("operations/FREEZE")).toBe(false);
    expect(logEntries(p)).toEqual([]);
  });

  it("freeze-status --incident lets a break-glass deploy run only under the freeze of that incident", async () => {
    const none = await cli(p, ["freeze-status", "--incident", "INC-7"]);
    expect(none.code).toBe(1);
    expect(refusal(none)).toBe(
      "Deploys are not frozen. A break-glass deploy for INC-7 needs the freeze of that incident: npx pegasus-secrets break-glass <VARIABLE> --operator <you> --incident INC-7, committed and pushed.",
    );
    expect((await cli(p, ["break-glass", "JWT_SECRET", ...bg])).code).toBe(0);
    const same = await cli(p, ["freeze-status", "--incident", "INC-7"]);
    expect(same.code).toBe(0);
    expect(same.out).toMatch(/A break-glass deploy for INC-7 may run\.$/);
    const other = await cli(p, ["freeze-status", "--incident", "INC-8"]);
    expect(other.code).toBe(1);
    expect(refusal(other)).toMatch(
      /for incident INC-7 .* A break-glass deploy for INC-8 needs the freeze of that incident/,
    );
  });
});
