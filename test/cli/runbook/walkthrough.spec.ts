// The walkthrough of docs/runbook.md, command by command: a Cloud SQL credential (DATABASE_URL) and
// an external key (OPENAI_API_KEY), each rotated staging -> production -> finalize, then evidence.
// Every output block of the walkthrough in docs/runbook.md is the output recorded here; the test
// fails when the doc and the commands disagree. After a deliberate change of the output, rewrite
// the blocks with: PEGASUS_UPDATE_DOCS=1 PEGASUS_SPEC=1 npx jest test/cli/runbook/walkthrough.spec.ts
//
// Not run here: `pulumi up` (no Pulumi CLI on this machine). Between the commands, `pulumiUp`
// stands in for it: the stack's outputs become the keepers its file holds, which is what the
// program exports after a successful `up` (test/stacks/twoPhase.spec.ts checks what the program
// declares at each of these steps).
import * as fs from "fs";
import * as path from "path";
import { evaluate, Evaluation } from "../../../cli/plan";
import { runProgram } from "../../../stacks";
import { PROJECT_DIR } from "../../helpers";
import { LocalService, startLocalService, verifyConfig } from "../../runbook/server";
import {
  advance,
  cli,
  fakePulumiSecretSet,
  logEntries,
  pulumiUp,
  setStackConfig,
  TempProject,
  tempProject,
} from "./helpers";

const DOC = path.join(PROJECT_DIR, "docs", "runbook.md");
/** `<!-- output: <id> -->` followed by a fenced console block (Prettier puts a blank line between). */
const BLOCK = /<!-- output: ([a-z0-9-]+) -->\n\n?```console\n([\s\S]*?)^```$/gm;

/**
 * Targets with IDs of the right shape that are not the fixtures' placeholders, so the evidence can
 * be met. Fixed, so the doc's outputs are the same on every run; no platform is called here.
 */
function realTargets(stack: string) {
  const n = stack === "staging" ? "1" : "2";
  return {
    render: {
      ownerId: `tea-runbook${n}walkthrough`,
      activation: "deploy",
      services: { api: [`srv-runbook${n}api`], worker: [`srv-runbook${n}worker`] },
    },
    fly: {
      activation: "update-machines",
      apps: { api: `pegasus-${stack}-api`, worker: `pegasus-${stack}-worker` },
    },
    railway: {
      projectId: `3f0c9a5e-2b1d-4e7a-9c61-5d2e8b7a40${n}0`,
      environmentId: `3f0c9a5e-2b1d-4e7a-9c61-5d2e8b7a40${n}1`,
      activation: "redeploy",
      services: {
        api: `3f0c9a5e-2b1d-4e7a-9c61-5d2e8b7a40${n}2`,
        worker: `3f0c9a5e-2b1d-4e7a-9c61-5d2e8b7a40${n}3`,
      },
    },
  };
}

describe("the runbook walkthrough: a database credential and an external key, staging -> production -> finalize", () => {
  let p: TempProject;
  let svc: LocalService;
  /** Outputs by block ID, as the doc shows them. */
  const blocks = new Map<string, string>();

  beforeAll(async () => {
    svc = await startLocalService();
    p = tempProject("2026-11-29T03:00:00Z");
    p.env.PEGASUS_SMOKE_TOKEN = svc.token;
    for (const stack of ["staging", "production"]) {
      setStackConfig(p, stack, "pegasus-secrets:verify", verifyConfig(svc));
      setStackConfig(p, stack, "pegasus-secrets:targets", realTargets(stack));
    }
  });
  afterAll(async () => {
    await svc.stop();
    p.cleanup();
  });

  /** What a block shows: the local service's URL and the timings are the only things that vary. */
  const shown = (text: string) =>
    text
      .split(svc.url)
      .join("http://127.0.0.1:<port>")
      .replace(/\(\d+\.\d s\)/g, "(<t> s)")
      .replace(/, \d+\.\d s of /g, ", <t> s of ")
      .replace(/after (\d+\.\d) s \(/g, "after <t> s (")
      .trimEnd();

  /** Runs one command, records it under `id` for the doc, and returns its exit code and output. */
  const run = async (id: string, args: string[], expectCode = 0) => {
    advance(p, 5);
    const r = await cli(p, args);
    const text = [r.out, r.err.replace(/^error: /, "error: ")].filter(Boolean).join("\n");
    if (r.code !== expectCode) {
      throw new Error(`${args.join(" ")} exited ${r.code}, expected ${expectCode}:\n${text}`);
    }
    const q = (a: string) => (/^[A-Za-z0-9_@%+=:,./-]+$/.test(a) ? a : `"${a}"`);
    const entry = `$ npx pegasus-secrets ${args.map(q).join(" ")}\n${shown(text)}`;
    blocks.set(id, blocks.has(id) ? `${blocks.get(id)}\n\n${entry}` : entry);
    return r;
  };
  /** The push workflow: `pulumi up` (stand-in), then `applied`, shown as the workflow runs it. */
  const ci = async (id: string, stack: string) => {
    pulumiUp(p, stack);
    return run(id, ["applied", "--stack", stack, "--operator", "github-actions"]);
  };
  const alice = ["--operator", "alice"];

  it("rotates DATABASE_URL: the idle user gets the new password, the live one keeps its own until finalize", async () => {
    const rotated = await run("db-rotate-staging", [
      "rotate",
      "DATABASE_URL",
      "--stack",
      "staging",
      ...alice,
      "--reason",
      "scheduled rotation",
    ]);
    expect(rotated.out).toContain(
      "Rotated DATABASE_URL in staging: keeper initial -> 2026-11-29.1.",
    );
    expect(p.read("Pulumi.staging.yaml")).toMatch(/activeUsers:\n\s+DATABASE_URL: "?b"?/);
    // Out of order: production waits for staging's verify.
    await run(
      "db-early-production",
      ["rotate", "DATABASE_URL", "--stack", "production", ...alice],
      1,
    );
    await ci("db-applied-staging", "staging");
    await run("db-verify-staging", ["verify", "--stack", "staging", ...alice]);
    await run("db-rotate-production", [
      "rotate",
      "DATABASE_URL",
      "--stack",
      "production",
      ...alice,
    ]);
    await run("db-early-finalize", ["finalize", "DATABASE_URL", "--stack", "staging", ...alice], 1);
    await ci("db-applied-production", "production");
    await run("db-verify-production", ["verify", "--stack", "production", ...alice]);
    const status = await run("db-status", ["rotation-status", "--stack", "production"]);
    expect(status.out).toMatch(/DATABASE_URL .* production-verified/);
    await run("db-finalize", ["finalize", "DATABASE_URL", "--stack", "staging", ...alice]);
    await run("db-finalize", ["finalize", "DATABASE_URL", "--stack", "production", ...alice]);
    await ci("db-applied-final", "staging");
    await ci("db-applied-final", "production");
    await run("db-verify-final", ["verify", "--stack", "production", ...alice]);
    expect(p.read("Pulumi.production.yaml")).not.toMatch(/previousKeepers:\n\s+DATABASE_URL/);
  });

  it("rotates OPENAI_API_KEY: the operator sets the new keys, and confirms the old ones revoked at OpenAI", async () => {
    const keys = ["openaiApiKeyApi", "openaiApiKeyWorker", "openaiApiKeyCi"];
    for (const stack of ["staging", "production"]) {
      await run(`ext-start-${stack}`, ["rotate", "OPENAI_API_KEY", "--stack", stack, ...alice]);
      // The operator pastes each new key at `pulumi config set --secret`'s prompt.
      keys.forEach((k) => fakePulumiSecretSet(p, stack, k));
      await run(`ext-record-${stack}`, ["rotate", "OPENAI_API_KEY", "--stack", stack, ...alice]);
      await ci(`ext-applied-${stack}`, stack);
      await run(`ext-verify-${stack}`, ["verify", "--stack", stack, ...alice]);
    }
    await run(
      "ext-finalize-refused",
      ["finalize", "OPENAI_API_KEY", "--stack", "production", ...alice],
      1,
    );
    for (const stack of ["production", "staging"]) {
      await run("ext-finalize", [
        "finalize",
        "OPENAI_API_KEY",
        "--stack",
        stack,
        ...alice,
        "--revoked-at-issuer",
      ]);
    }
    expect(logEntries(p).filter((e) => e.action === "finalize")).toHaveLength(4);
  });

  it("evidence marks all three proof lines met, citing the rotation, its applied entry and its verify", async () => {
    let production: Evaluation | undefined;
    const evaluation = {
      evaluate: async () =>
        (production ??= await evaluate({
          projectDir: p.dir,
          stack: "production",
          program: () => runProgram({ now: p.clock.now, stackFilesDir: p.dir }),
        })),
    };
    advance(p, 5);
    const r = await cli(p, ["evidence", "--stack", "production"], evaluation);
    expect(r.code).toBe(0);
    blocks.set("evidence", `$ npx pegasus-secrets evidence --stack production\n${shown(r.out)}`);
    expect(r.out.split("\n").slice(1, 4)).toEqual([
      "  MET      Endpoint/UI: secret-store configuration for each deploy target",
      "  MET      Test: secret rotation rehearsal in staging with health and pipeline smoke checks",
      "  MET      Proof: dated secret version update plus successful readiness output",
    ]);
    const record = p.read(`operations/evidence/2026-11-29-production.md`);
    const lines = logEntries(p);
    // The latest staging rotation with a confirmed verify: OPENAI_API_KEY's, its applied and its verify.
    const line = (pred: (e: Record<string, any>) => boolean) =>
      lines.length - [...lines].reverse().findIndex(pred);
    const rot = line((e) => e.action === "rotate" && e.stack === "staging");
    const app = line(
      (e) =>
        e.action === "applied" &&
        e.stack === "staging" &&
        e.keepers.OPENAI_API_KEY === "2026-11-29.1" &&
        e.previousKeepers.OPENAI_API_KEY === "initial",
    );
    expect(record).toContain(
      `- Rotation of OPENAI_API_KEY in staging at ${lines[rot - 1].ts} by alice: keeper initial -> 2026-11-29.1 (operations/log.jsonl line ${rot}).`,
    );
    expect(record).toContain(
      `- Applied at ${lines[app - 1].ts} (operations/log.jsonl line ${app}).`,
    );
    expect(record).not.toContain(svc.token);
    expect(record).not.toContain(svc.canary);
  }, 30_000);

  it("docs/runbook.md shows exactly these outputs", () => {
    const doc = fs.readFileSync(DOC, "utf8");
    const ids = [...doc.matchAll(BLOCK)].map((m) => m[1]);
    if (process.env.PEGASUS_UPDATE_DOCS === "1") {
      fs.writeFileSync(
        DOC,
        doc.replace(BLOCK, (_all, id: string) =>
          blocks.has(id)
            ? `<!-- output: ${id} -->\n\n\`\`\`console\n${blocks.get(id)}\n\`\`\``
            : _all,
        ),
      );
    }
    const fresh = fs.readFileSync(DOC, "utf8");
    const inDoc = new Map([...fresh.matchAll(BLOCK)].map((m) => [m[1], m[2].trimEnd()]));
    // Every recorded output is in the doc once, and every output block of the doc was recorded.
    expect([...new Set(ids)].sort()).toEqual([...blocks.keys()].sort());
    expect(ids).toHaveLength(new Set(ids).size);
    for (const [id, text] of blocks) expect([id, inDoc.get(id)]).toEqual([id, text]);
  });
});
