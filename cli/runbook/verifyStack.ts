import { promises as dns } from "dns";
import * as os from "os";
import {
  ConfigError,
  describeProgress,
  nextCommand,
  placeholdersOf,
  reached,
  rotationProgress,
  VerifyConfig,
} from "../../model";
import { checkOperator, checkText, ops, OpsContext, utc } from "./context";
import {
  AppliedEntry,
  appendLog,
  CheckResult,
  LOG_FILE,
  Logged,
  readLog,
  VerifyEntry,
} from "./log";
import { stackKeepers } from "./rotation";
import { loadModel } from "./stackEdit";
import { resolveHeaders, runVerify } from "./verify";

/** The options of `verify`. */
export interface VerifyOptions {
  stack: string;
  operator?: string;
  /** Run although the deploy cannot be confirmed; recorded as unconfirmed, with this reason. */
  unconfirmedDeploy?: string;
}

/** One line per check: `  ok    ready     api  https://...  ready: HTTP 200 after 1 attempt (0.0 s)`. */
export const checkLine = (c: CheckResult): string =>
  `  ${c.ok ? "ok  " : "FAIL"}  ${c.kind.padEnd(8)}  ${c.name}  ${c.url}  ${c.detail}`;

const defaultOperator = (): string => {
  try {
    return os.userInfo().username || "unknown";
  } catch {
    return "unknown";
  }
};

const same = (a: Record<string, string>, b: Record<string, string>): boolean =>
  JSON.stringify(Object.entries(a).sort()) === JSON.stringify(Object.entries(b).sort());

/**
 * Whether the stack runs what its file says, from the latest `applied` entry: every keeper and
 * every previous keeper. Without such an entry nothing confirms it, and a verify would check
 * whatever ran before.
 */
export function deployState(
  log: Logged[],
  stack: string,
  want: { keepers: Record<string, string>; previousKeepers: Record<string, string> },
): { confirmed: boolean; applied: Logged<AppliedEntry> | null; why: string } {
  let applied: Logged<AppliedEntry> | null = null;
  for (const l of log) {
    if (l.entry.action === "applied" && l.entry.stack === stack)
      applied = l as Logged<AppliedEntry>;
  }
  if (!applied) {
    return {
      confirmed: false,
      applied,
      why: `no \`applied\` entry of ${stack} is recorded in ${LOG_FILE}`,
    };
  }
  const a = applied.entry;
  const differ = Object.keys({ ...want.keepers, ...a.keepers })
    .filter((v) => a.keepers[v] !== want.keepers[v])
    .map(
      (v) =>
        `${v} runs ${a.keepers[v] ?? "nothing"} but the file says ${want.keepers[v] ?? "nothing"}`,
    );
  const prevDiffer = !same(a.previousKeepers, want.previousKeepers);
  if (differ.length === 0 && !prevDiffer) {
    return {
      confirmed: true,
      applied,
      why: `${stack} runs every keeper of Pulumi.${stack}.yaml (${LOG_FILE} line ${applied.line}, applied ${a.ts})`,
    };
  }
  const previous = prevDiffer
    ? [
        `its previous values live are ${Object.keys(a.previousKeepers).join(", ") || "none"}, the file's ${Object.keys(want.previousKeepers).join(", ") || "none"}`,
      ]
    : [];
  return {
    confirmed: false,
    applied,
    why: `the latest applied entry of ${stack} (${LOG_FILE} line ${applied.line}, ${a.ts}) does not match Pulumi.${stack}.yaml: ${[...differ, ...previous].join("; ")}`,
  };
}

/** How the stack's latest change gets applied and recorded, for the refusal's next step. */
const applyHint = (stack: string, operator: string): string =>
  stack === "production"
    ? "push the change to main: CI applies production behind its approval and records it"
    : `push the change to main (CI applies ${stack} and records it), or pulumi up --stack ${stack}, then npx pegasus-secrets applied --stack ${stack} --operator ${operator}`;

/** Checks the verify config before any request: a flow to run, no placeholder, every token set. */
function preflight(
  stack: string,
  cfg: VerifyConfig | undefined,
  env: Record<string, string | undefined>,
  model: ReturnType<typeof loadModel>,
): VerifyConfig {
  const key = "pegasus-secrets:verify";
  if (!cfg || Object.keys(cfg.ready).length === 0) {
    throw new ConfigError(`Stack ${stack} cannot be verified`, [
      {
        key: `${key}.ready`,
        problem: "lists no readiness URL, so there is nothing to check.",
        fix: `pulumi config set --path 'verify.ready.api' https://<api host>/health/ready --stack ${stack} (docs/runbook.md, "what verify checks").`,
      },
    ]);
  }
  if (cfg.smoke.length === 0) {
    throw new ConfigError(`Stack ${stack} cannot be verified`, [
      {
        key: `${key}.smoke`,
        problem:
          "is empty: the guide's check after a change is /health/ready plus one ingest -> generate flow, and readiness alone is not it.",
        fix: `add the flow's HTTP steps under pegasus-secrets:verify.smoke in Pulumi.${stack}.yaml (docs/runbook.md shows an example).`,
      },
    ]);
  }
  const placeholders = placeholdersOf(model.config).filter((p) => p.key.startsWith(key));
  if (placeholders.length > 0) {
    throw new ConfigError(
      `Stack ${stack} cannot be verified: its verify URLs are the committed placeholders`,
      placeholders,
    );
  }
  const missing = new Set<string>();
  for (const step of cfg.smoke) {
    try {
      resolveHeaders(step.headers, env);
    } catch (err) {
      const name = /environment variable ([A-Za-z_][A-Za-z0-9_]*)/.exec(
        (err as Error).message,
      )?.[1];
      if (name) missing.add(name);
    }
  }
  if (missing.size > 0) {
    throw new ConfigError(`Stack ${stack} cannot be verified yet`, [
      ...[...missing].map((name) => ({
        key: `environment:${name}`,
        problem: "is not set, and the smoke flow sends it (its headers reference it).",
        fix: `export ${name}=<the smoke-test token of ${stack}> in this shell, then run verify again.`,
      })),
    ]);
  }
  return cfg;
}

/** Hosts that do not resolve: a typo or a placeholder fails here at once, not after the polling. */
async function unresolvable(cfg: VerifyConfig): Promise<string[]> {
  const hosts = new Set<string>();
  const add = (u: string) => {
    try {
      hosts.add(new URL(u.replace(/\{\{[A-Za-z][A-Za-z0-9_]*\}\}/g, "x")).hostname);
    } catch {
      // The config schema already refused a URL that does not parse.
    }
  };
  Object.values(cfg.ready).forEach((u) => u && add(u));
  cfg.smoke.forEach((s) => add(s.url));
  const bad: string[] = [];
  await Promise.all(
    [...hosts].map(async (h) => {
      const timeout = new Promise<"timeout">((r) => setTimeout(() => r("timeout"), 5_000).unref());
      const found = await Promise.race([
        dns.lookup(h.replace(/^\[|\]$/g, "")).then(
          () => "ok" as const,
          () => "no" as const,
        ),
        timeout,
      ]);
      if (found !== "ok") bad.push(h);
    }),
  );
  return bad.sort();
}

/**
 * `verify --stack <name>`: the guide's validation after a change (rotation runbook step 2,
 * break-glass step 4): every service's `/health/ready`, then the ingest-to-generate smoke flow.
 * Fails closed: it runs only when the latest `applied` entry shows the stack running its file's
 * keepers, unless the operator passes `--unconfirmed-deploy "<reason>"`, and then the result is
 * recorded as unconfirmed and never moves a rotation on. Progress is printed while it waits.
 */
export async function verifyStack(ctx: OpsContext, opts: VerifyOptions): Promise<void> {
  const o = ops(ctx);
  const { stack } = opts;
  const operator = checkOperator(opts.operator ?? defaultOperator());
  const unconfirmedReason = checkText("--unconfirmed-deploy", opts.unconfirmedDeploy);
  const model = loadModel(o.projectDir, stack);
  const cfg = preflight(stack, model.config.verify, o.env, model);
  const log = readLog(o.projectDir);
  const keepers = stackKeepers(model);
  const deploy = deployState(log, stack, keepers);
  if (!deploy.confirmed && unconfirmedReason === null) {
    throw new Error(
      `Refusing to verify ${stack}: nothing confirms that it runs the keepers of Pulumi.${stack}.yaml (${deploy.why}), so the checks would test whatever ran before. Next: ${applyHint(stack, operator)}; then verify. To check anyway, recorded as unconfirmed (it never unlocks production or finalize): --unconfirmed-deploy "<reason>".`,
    );
  }
  const bad = await unresolvable(cfg);
  if (bad.length > 0) {
    throw new Error(
      `Cannot verify ${stack}: ${bad.join(", ")} ${bad.length === 1 ? "does" : "do"} not resolve (a typo, or a URL still to replace in pegasus-secrets:verify of Pulumi.${stack}.yaml). Nothing was checked or recorded.`,
    );
  }
  const started = o.now();
  o.out(
    `Verifying ${stack}: ${Object.keys(cfg.ready).length} readiness endpoint(s), ${cfg.smoke.length} smoke step(s), deadline ${cfg.deadlineSeconds} s.`,
  );
  const deployCheck: CheckResult = {
    kind: "deployed",
    name: "keepers",
    ok: deploy.confirmed,
    detail: deploy.confirmed ? deploy.why : `UNCONFIRMED: ${deploy.why}; ${unconfirmedReason}`,
    attempts: 1,
    ms: 0,
    url: `${LOG_FILE} (applied)`,
  };
  o.out(checkLine(deployCheck));
  const run = await runVerify(cfg, o.env, (c) => o.out(checkLine(c)), o.out);
  const checks = [deployCheck, ...run.checks];
  const entry: VerifyEntry = {
    action: "verify",
    ts: utc(started),
    operator,
    stack,
    ok: run.ok,
    ...keepers,
    deployedKeepers: deploy.applied?.entry.keepers ?? null,
    confirmed: deploy.confirmed,
    appliedLine: deploy.applied?.line ?? null,
    unconfirmedReason: deploy.confirmed ? null : unconfirmedReason,
    checks,
    ms: run.ms,
  };
  const logged = appendLog(o.projectDir, entry);
  const passed = run.checks.filter((c) => c.ok).length;
  const where = `recorded in ${LOG_FILE} line ${logged.line}`;
  if (!entry.ok) {
    throw new Error(
      `verify of ${stack} failed: ${run.checks.length - passed} of ${run.checks.length} checks failed (${where}). Fix what failed, or roll the keeper back, and run verify again; nothing further in the runbook proceeds until it passes.`,
    );
  }
  if (!entry.confirmed) {
    o.out(
      `verify of ${stack} passed ${passed} of ${run.checks.length} checks, UNCONFIRMED (${where}): the deploy was not confirmed, so it does not move any rotation on. Record the deploy (applied), then verify again.`,
    );
    return;
  }
  const all = readLog(o.projectDir).map((l) => l.entry);
  const next = Object.keys(keepers.keepers)
    .map((v) => rotationProgress(all, v))
    .filter((p) => p.state !== "stable" && p.state !== "finalized" && reached(p, "verified"))
    .map((p) => `  ${p.variable}: ${describeProgress(p)}. Next: ${nextCommand(p, operator)}`);
  o.out(
    [
      `verify of ${stack} passed: ${passed} of ${run.checks.length} checks, on a confirmed deploy (${where}).`,
      ...(next.length ? ["Open rotations:", ...next] : []),
    ].join("\n"),
  );
}
