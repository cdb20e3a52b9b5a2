import { randomBytes } from "crypto";
// `doctor --stack <name>` against a machine made of temporary folders (./world.ts): a fake `pulumi`
// on PATH, a home folder, generated tokens. Every check passes on the ready machine; each test takes
// one prerequisite away and asserts that check's line exactly, and that no credential is ever shown.
// What this does not prove: that a real Pulumi CLI, backend, GCP or platform accepts these.
import * as fs from "fs";
import * as path from "path";
import { Check, doctorLines, runDoctor } from "../../../cli/doctor";
import { render } from "../../../cli/plan/layout";
import { runCli } from "../../helpers";
import { ready, World, world } from "./world";

/** The report as `doctor` prints it into a pipe. */
const text = (stack: string, checks: Check[], online = false) =>
  render(doctorLines({ stack, online }, checks), { width: 100 });

const byName = (checks: Check[], name: string) => checks.find((c) => c.name === name);

describe("doctor on a ready machine", () => {
  let w: World;
  beforeAll(() => {
    w = ready(["staging", "production"], { bin: true });
  });
  afterAll(() => w.cleanup());

  it("passes every check of staging, offline, asking the Pulumi CLI only its version", async () => {
    const checks = await runDoctor(w.input("staging"));
    const sdk = require("@pulumi/pulumi/package.json").version;
    expect(checks.map((c) => [c.status, c.name, c.detail])).toEqual([
      ["ok", "Node.js", `${process.version} (package.json asks >=20.18.1).`],
      ["ok", "Pulumi CLI", `v9.0.0 (this project's SDK: ${sdk}).`],
      ["ok", "backend", "gs://pegasus-state (the login itself is checked with --online)."],
      [
        "ok",
        "secrets provider",
        "gcpkms: gcpkms://projects/pegasus-staging/locations/global/keyRings/pulumi/cryptoKeys/staging.",
      ],
      [
        "ok",
        "GCP credentials",
        `application-default credentials in ${path.join(w.home, ".config/gcloud/application_default_credentials.json")}.`,
      ],
      ["ok", "stack config", "Pulumi.staging.yaml is valid."],
      ["ok", "placeholders", "none: every target ID and URL is yours."],
      [
        "ok",
        "external values",
        "all 5 set as secrets (openaiApiKeyApi, openaiApiKeyWorker, openaiApiKeyCi, redisUrl, webhookSharedSecret).",
      ],
      ["ok", "RENDER_API_KEY", "set for Render (not shown)."],
      ["ok", "FLY_API_TOKEN", "set for Fly.io (not shown)."],
      ["ok", "RAILWAY_API_TOKEN", "set for Railway (not shown)."],
      ["ok", "where", "staging may be applied from this machine."],
    ]);
    // Offline means offline: `pulumi whoami` would ask the backend.
    expect(w.pulumiCalls()).toEqual(["version"]);
    const out = text("staging", checks);
    expect(out.split("\n").slice(-1)).toEqual([
      "Ready: no check failed. Next: pulumi preview --stack staging --policy-pack policy",
    ]);
    for (const s of w.secrets) expect(out).not.toContain(s);
  });

  it("as the real CLI (a child process), exits 0", async () => {
    const r = await runCli(w.project, ["doctor", "--stack", "staging"], {
      env: { ...w.env, HOME: w.home },
    });
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("  ok    RENDER_API_KEY     set for Render (not shown).\n");
    for (const s of w.secrets) expect(r.stdout).not.toContain(s);
  });

  it("production refuses outside CI, and passes in a CI run", async () => {
    const local = await runDoctor(w.input("production"));
    expect(byName(local, "where")).toEqual({
      name: "where",
      status: "FAIL",
      detail: "Refusing pulumi up --stack production outside CI.",
      fix: "production credentials are never used on a workstation (secrets-management guide). Push the change to main: the push workflow applies staging, then production behind its GitHub environment approval. During an incident, run the break-glass workflow with its incident ID.",
    });
    const ci = await runDoctor({
      ...w.input("production"),
      env: { ...w.env, GITHUB_ACTIONS: "true", GITHUB_RUN_ID: "4242" },
    });
    expect(ci.filter((c) => c.status !== "ok")).toEqual([]);
    expect(byName(ci, "where")?.detail).toBe("CI run 4242 may apply production.");
  });
});

describe("doctor, one prerequisite missing at a time", () => {
  let w: World;
  beforeEach(() => {
    w = ready(["staging", "production"]);
  });
  afterEach(() => w.cleanup());

  const failing = async (stack = "staging") =>
    (await runDoctor(w.input(stack))).filter((c) => c.status !== "ok");

  it("no pulumi on PATH: the child process exits 1 with the check's line and the verdict", async () => {
    const full = ready(["staging"], { bin: true });
    fs.rmSync(path.join(full.bin, "pulumi"));
    const r = await runCli(full.project, ["doctor", "--stack", "staging"], {
      env: { ...full.env, HOME: full.home },
    }).finally(() => full.cleanup());
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(
      "  FAIL  Pulumi CLI         pulumi is not on PATH. Fix: install the Pulumi CLI:\n                           https://www.pulumi.com/docs/install/, then open a new shell.\n",
    );
    expect(r.stderr).toBe(
      "error: 1 of 12 checks failed: fix them from the top (each line says how), then run npx pegasus-secrets doctor --stack staging again.\n",
    );
  });

  it.each<[string, (w: World) => void, Check]>([
    [
      "an old Pulumi CLI",
      (w) => w.fakePulumi({ version: "v3.1.0" }),
      {
        name: "Pulumi CLI",
        status: "FAIL",
        detail: `v3.1.0 is older than this project's SDK (@pulumi/pulumi ${require("@pulumi/pulumi/package.json").version}).`,
        fix: "update it: pulumi self-update, or install the Pulumi CLI: https://www.pulumi.com/docs/install/",
      },
    ],
    [
      "a Pulumi CLI that fails",
      (w) => w.fakePulumi({ versionExit: 1 }),
      {
        name: "Pulumi CLI",
        status: "FAIL",
        detail: "pulumi version failed (exit 1).",
        fix: "reinstall it: install the Pulumi CLI: https://www.pulumi.com/docs/install/",
      },
    ],
    [
      "no backend login",
      (w) => fs.rmSync(path.join(w.home, ".pulumi"), { recursive: true }),
      {
        name: "backend",
        status: "FAIL",
        detail: "not logged in to any backend.",
        fix: "pulumi login gs://<state-bucket> (README, 'First deploy: checklist', step 3)",
      },
    ],
    [
      "no secrets provider in the stack file",
      (w) => w.edit("staging", (t) => t.replace(/^secretsprovider: .*\n/m, "")),
      {
        name: "secrets provider",
        status: "FAIL",
        detail:
          "Pulumi.staging.yaml names no secrets provider: a pulumi up would ask for a passphrase.",
        fix: 'pulumi stack change-secrets-provider "gcpkms://projects/<p>/locations/<l>/keyRings/<r>/cryptoKeys/<k>" --stack staging, then commit Pulumi.staging.yaml (a stack not created yet: pulumi stack init staging --secrets-provider=<that URL>)',
      },
    ],
    [
      "a passphrase provider in staging (a warning)",
      (w) =>
        w.edit("staging", (t) =>
          t.replace(/^secretsprovider: .*\n/m, "encryptionsalt: v1:c2FsdA==\n"),
        ),
      {
        name: "secrets provider",
        status: "warn",
        detail:
          "Pulumi.staging.yaml uses a passphrase: whoever holds it can decrypt every secret of the stack.",
        fix: 'pulumi stack change-secrets-provider "gcpkms://projects/<p>/locations/<l>/keyRings/<r>/cryptoKeys/<k>" --stack staging, then commit Pulumi.staging.yaml',
      },
    ],
    [
      "no GCP application-default credentials",
      (w) => fs.rmSync(path.join(w.home, ".config"), { recursive: true }),
      {
        name: "GCP credentials",
        status: "FAIL",
        detail: "no application-default credentials.",
        fix: "gcloud auth application-default login (CI: workload identity federation, docs/review.md)",
      },
    ],
    [
      "GOOGLE_APPLICATION_CREDENTIALS naming a missing file",
      (w) => {
        w.env.GOOGLE_APPLICATION_CREDENTIALS = path.join(w.home, "nope.json");
      },
      {
        name: "GCP credentials",
        status: "FAIL",
        detail: "GOOGLE_APPLICATION_CREDENTIALS names {home}/nope.json, which does not exist.",
        fix: "gcloud auth application-default login (CI: workload identity federation, docs/review.md)",
      },
    ],
    [
      "a platform token missing",
      (w) => {
        delete w.env.FLY_API_TOKEN;
      },
      {
        name: "FLY_API_TOKEN",
        status: "FAIL",
        detail: "not set: the Fly.io delivery stops at pulumi up.",
        fix: "export FLY_API_TOKEN=<your Fly.io token> in the shell or CI job of pulumi up (docs/platforms.md)",
      },
    ],
    [
      "a platform token pasted with a line break",
      (w) => {
        w.env.RENDER_API_KEY = `${w.env.RENDER_API_KEY}\n`;
      },
      {
        name: "RENDER_API_KEY",
        status: "FAIL",
        detail: "is set but has spaces or a line break around it (a paste?).",
        fix: "export RENDER_API_KEY=<your Render token> in the shell or CI job of pulumi up (docs/platforms.md)",
      },
    ],
    [
      "a placeholder left",
      (w) => w.edit("staging", (t) => t.replace(/ownerId: \S+/, "ownerId: tea-examplestaging0")),
      {
        name: "placeholders",
        status: "FAIL",
        detail: "1 example value(s) to replace: targets.render.ownerId.",
        fix: "pulumi config set --path 'targets.render.ownerId' tea-<your workspace ID> --stack staging",
      },
    ],
    [
      "an external value not set",
      (w) =>
        w.edit("staging", (t) => t.replace(/ {2}pegasus-secrets:redisUrl:\n {4}secure: \S+\n/, "")),
      {
        name: "external values",
        status: "FAIL",
        detail: "1 of 5 not set: redisUrl.",
        fix: "pulumi config set --secret redisUrl --stack staging   (paste the value at the prompt)",
      },
    ],
    [
      "an external value neither encrypted nor sealed, where the stack seals its values",
      (w) =>
        w.edit("staging", (t) =>
          t.replace(
            / {2}pegasus-secrets:redisUrl:\n {4}secure: \S+\n/,
            "  pegasus-secrets:sealedValues:\n    key: projects/pegasus-staging/locations/global/keyRings/ops/cryptoKeys/seal\n",
          ),
        ),
      {
        name: "external values",
        status: "FAIL",
        detail: "1 of 5 not set: redisUrl.",
        fix: "npx pegasus-secrets seal REDIS_URL --stack staging --operator <you>   (paste the value at the prompt)",
      },
    ],
    [
      "a deploy freeze",
      (w) => {
        fs.mkdirSync(path.join(w.project, "operations"), { recursive: true });
        fs.writeFileSync(
          path.join(w.project, "operations", "FREEZE"),
          "since: 2026-11-29T03:00:00Z\n",
        );
        w.env.GITHUB_ACTIONS = "true";
        w.env.GITHUB_RUN_ID = "7";
      },
      {
        name: "where",
        status: "FAIL",
        detail: "Refusing pulumi up --stack production.",
        fix: "deploys are frozen since 2026-11-29T03:00:00Z (operations/FREEZE). Only a break-glass run for that incident applies now (the break-glass workflow with its incident ID); otherwise lift the freeze first: npx pegasus-secrets lift-freeze --operator <you>.",
      },
    ],
  ])("%s: that check alone does not pass", async (what, take, expected) => {
    take(w);
    const stack = what === "a deploy freeze" ? "production" : "staging";
    const bad = await failing(stack);
    expect(bad).toEqual([{ ...expected, detail: expected.detail.replace("{home}", w.home) }]);
    const out = text(stack, await runDoctor(w.input(stack)));
    for (const s of w.secrets) expect(out).not.toContain(s);
  });

  it("external values sealed with the stack's KMS key count as set", async () => {
    const ciphertext = () => randomBytes(48).toString("base64");
    w.edit("staging", (t) => {
      const keys = [...t.matchAll(/^ {2}pegasus-secrets:(\w+):\n {4}secure: \S+\n/gm)].map(
        (m) => m[1],
      );
      expect(keys).toHaveLength(5);
      const values = keys.map((k) => `      ${k}: ${ciphertext()}\n`).join("");
      return (
        t.replace(/^ {2}pegasus-secrets:\w+:\n {4}secure: \S+\n/gm, "") +
        `  pegasus-secrets:sealedValues:\n    key: projects/pegasus-staging/locations/global/keyRings/ops/cryptoKeys/seal\n    values:\n${values}`
      );
    });
    const checks = await runDoctor(w.input("staging"));
    expect(byName(checks, "external values")).toEqual({
      name: "external values",
      status: "ok",
      detail:
        "all 5 sealed (openaiApiKeyApi, openaiApiKeyWorker, openaiApiKeyCi, redisUrl, webhookSharedSecret).",
    });
    expect(checks.filter((c) => c.status !== "ok")).toEqual([]);
  });

  it("a passphrase provider in production is an error", async () => {
    w.edit("production", (t) =>
      t.replace(/^secretsprovider: .*\n/m, "secretsprovider: passphrase\n"),
    );
    const checks = await runDoctor({
      ...w.input("production"),
      env: { ...w.env, GITHUB_ACTIONS: "true", GITHUB_RUN_ID: "9" },
    });
    expect(checks.filter((c) => c.status !== "ok")).toEqual([
      {
        name: "secrets provider",
        status: "FAIL",
        detail:
          "Pulumi.production.yaml uses a passphrase: whoever holds it can decrypt every secret of the stack.",
        fix: 'pulumi stack change-secrets-provider "gcpkms://projects/<p>/locations/<l>/keyRings/<r>/cryptoKeys/<k>" --stack production, then commit Pulumi.production.yaml',
      },
    ]);
  });

  it("an invalid stack file fails the config check and skips what needs it", async () => {
    w.edit("staging", (t) => t.replace(/gcp:project: \S+/, "gcp:project: Not_A_Project"));
    expect(await failing()).toEqual([
      {
        name: "stack config",
        status: "FAIL",
        detail: "Pulumi.staging.yaml is invalid (1 problem: `gcp:project`).",
        fix: "npx pegasus-secrets plan --stack staging names each problem and its fix",
      },
      {
        name: "the rest",
        status: "skip",
        detail: "placeholders, external values and platform tokens need a valid stack config.",
      },
    ]);
  });
});

test("a machine with nothing set up fails every check it can, and says what to run first", async () => {
  const w = world();
  try {
    const checks = await runDoctor(w.input("staging"));
    expect(checks.filter((c) => c.status === "ok").map((c) => c.name)).toEqual([
      "Node.js",
      "stack config",
      "placeholders",
      "where",
    ]);
    expect(byName(checks, "Pulumi CLI")?.detail).toBe("pulumi is not on PATH.");
    expect(w.pulumiCalls()).toEqual([]);
  } finally {
    w.cleanup();
  }
});
