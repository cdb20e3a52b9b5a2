import * as os from "os";
import { checkOperator, ops, OpsContext, utc } from "./context";
import { appendLog, CheckResult, isRotate, lastIndex, LOG_FILE, readLog, VerifyEntry } from "./log";
import { stackKeepers } from "./rotation";
import { loadModel } from "./stackEdit";
import { runVerify } from "./verify";

/** One line per check: `  ok    ready  api  https://...  ready: HTTP 200 after 1 attempt (0.0 s)`. */
export const checkLine = (c: CheckResult): string =>
  `  ${c.ok ? "ok  " : "FAIL"}  ${c.kind.padEnd(8)}  ${c.name}  ${c.url}  ${c.detail}`;

/**
 * Whether the stack runs the keepers its file names: a verify before `pulumi up` would otherwise
 * check the old values and let the runbook move on. Undefined when the deployed keepers are unknown.
 */
export function deployedCheck(
  stack: string,
  keepers: Record<string, string>,
  deployed: Record<string, string> | null,
): CheckResult | undefined {
  if (!deployed) return undefined;
  const differ = Object.keys(keepers).filter((v) => deployed[v] !== keepers[v]);
  return {
    kind: "deployed",
    name: "keepers",
    ok: differ.length === 0,
    detail:
      differ.length === 0
        ? `pulumi up has applied every keeper of Pulumi.${stack}.yaml`
        : `${stack} runs ${differ.map((v) => `${v} ${deployed[v] ?? "(none)"}`).join(", ")} but Pulumi.${stack}.yaml says ${differ.map((v) => `${v} ${keepers[v]}`).join(", ")}: run pulumi up --stack ${stack} first`,
    attempts: 1,
    ms: 0,
    url: `pulumi stack output rotationKeepers --stack ${stack}`,
  };
}

const defaultOperator = (): string => {
  try {
    return os.userInfo().username || "unknown";
  } catch {
    return "unknown";
  }
};

/**
 * `verify --stack <name>`: the guide's validation after a change (rotation runbook step 2,
 * break-glass step 4). Checks `/health/ready` of every service and runs the ingest-to-generate smoke
 * flow from stack config, prints each result, records the run in the operations log, and fails if
 * anything failed. On success it prints what the runbook allows next.
 */
export async function verifyStack(
  ctx: OpsContext,
  opts: { stack: string; operator?: string },
): Promise<void> {
  const o = ops(ctx);
  const { stack } = opts;
  const operator = checkOperator(opts.operator ?? defaultOperator());
  const model = loadModel(o.projectDir, stack);
  const cfg = model.config.verify;
  if (!cfg || (Object.keys(cfg.ready).length === 0 && cfg.smoke.length === 0)) {
    throw new Error(
      `Stack ${stack} has no \`verify\` config, so there is nothing to check. Add the services' readiness URLs and the smoke flow to Pulumi.${stack}.yaml under pegasus-secrets:verify (docs/runbook.md), e.g. pulumi config set --path 'verify.ready.api' https://<api host>/health/ready --stack ${stack}.`,
    );
  }
  // Read the log before the network: a hand-edited log is refused before anyone waits for checks.
  readLog(o.projectDir);
  const started = o.now();
  o.out(
    `Verifying ${stack}: ${Object.keys(cfg.ready).length} readiness endpoint(s), ${cfg.smoke.length} smoke step(s), deadline ${cfg.deadlineSeconds} s.`,
  );
  const keepers = stackKeepers(model);
  const deployed = o.deployedKeepers(stack, o.projectDir);
  const deployCheck = deployedCheck(stack, keepers.keepers, deployed);
  if (deployCheck) o.out(checkLine(deployCheck));
  else {
    o.out(
      `  note  could not read what pulumi up last applied (pulumi stack output rotationKeepers --stack ${stack}); run verify after pulumi up --stack ${stack}.`,
    );
  }
  const run = await runVerify(cfg, o.env, (c) => o.out(checkLine(c)));
  const checks = deployCheck ? [deployCheck, ...run.checks] : run.checks;
  const entry: VerifyEntry = {
    action: "verify",
    ts: utc(started),
    operator,
    stack,
    ok: run.ok && (deployCheck?.ok ?? true),
    ...keepers,
    deployedKeepers: deployed,
    checks,
    ms: run.ms,
  };
  const logged = appendLog(o.projectDir, entry);
  const passed = checks.filter((c) => c.ok).length;
  const where = `recorded in ${LOG_FILE} line ${logged.line}`;
  if (!entry.ok) {
    throw new Error(
      `verify of ${stack} failed: ${checks.length - passed} of ${checks.length} checks failed (${where}). Fix what failed, or roll the keeper back, and run verify again; nothing further in the runbook proceeds until it passes.`,
    );
  }
  const next: string[] = [];
  for (const [variable, prev] of Object.entries(entry.previousKeepers)) {
    next.push(
      `npx pegasus-secrets finalize ${variable} --stack ${stack} --operator ${operator}   (revokes keeper ${prev})`,
    );
  }
  if (stack === "staging") {
    const log = readLog(o.projectDir);
    for (const variable of Object.keys(entry.keepers)) {
      const s = lastIndex(log, isRotate("staging", variable));
      if (s >= 0 && s > lastIndex(log, isRotate("production", variable))) {
        next.push(
          `npx pegasus-secrets rotate ${variable} --stack production --operator ${operator}`,
        );
      }
    }
  }
  o.out(
    [
      `verify of ${stack} passed: ${passed} of ${checks.length} checks (${where}).`,
      ...(next.length ? ["Next:", ...next.map((n) => `  ${n}`)] : []),
    ].join("\n"),
  );
}
