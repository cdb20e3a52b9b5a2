import {
  describeProgress,
  finalizeRefusal,
  INITIAL_KEEPER,
  Model,
  nextCommand,
  previousVariables,
  resolveSecret,
} from "../../model";
import { checkOperator, checkText, ops, OpsContext, utc } from "./context";
import { FinalizeEntry, LOG_FILE, readLog } from "./log";
import { progressOf, refuseIfFrozen } from "./gates";
import { commit, recordFiles, rolloutNote } from "./rotation";
import { loadModel, StackFile } from "./stackEdit";

/** The options of `finalize`. */
export interface FinalizeOptions {
  stack: string;
  operator: string;
  reason?: string;
  /** An external value: the operator confirms the old one was revoked at its issuer. */
  revokedAtIssuer?: boolean;
}

/**
 * Everything the next `pulumi up` revokes when `variable`'s previous keeper goes, per kind of value
 * (the value-source model says which kind each stored value is).
 */
export function revocations(model: Model, variable: string, previous: string): string[] {
  const values = model.secrets.filter((s) => s.variable === variable || s.rotatesWith === variable);
  const out = [
    `Secret Manager: the version of keeper ${previous} is disabled in ${values.map((s) => s.secretId).join(", ")} (disabled, not destroyed)`,
  ];
  for (const s of values) {
    const v = s.value;
    if (v.kind === "cloudSql") {
      for (const u of v.users.filter((x) => x.role === "previous")) {
        out.push(
          `Cloud SQL: user ${u.username} gets a new password nobody holds; its old one stops working`,
        );
      }
    }
    if (v.kind === "gcsHmac" && v.field === "secret" && v.previousKeeper) {
      out.push(
        `GCS: the ${v.keyOwner} HMAC key of keeper ${v.previousKeeper} is set INACTIVE and deleted`,
      );
    }
  }
  out.push(...previousVariables(model, variable).map((p) => `Platforms: ${p} removed`));
  return [...new Set(out)];
}

/**
 * `finalize <VARIABLE>`: the guide's rotation runbook step 4, revoke the previous value only after
 * rollout verification. Removes the previous keeper from the stack file, so the next `pulumi up`
 * revokes it wherever it is checked. Refused until production has verified the rotation (and never
 * after a failed verify); an external value also needs the operator to confirm it was revoked at
 * its issuer.
 */
export async function finalize(
  ctx: OpsContext,
  variable: string,
  opts: FinalizeOptions,
): Promise<void> {
  const o = ops(ctx);
  const { stack } = opts;
  const operator = checkOperator(opts.operator);
  const reason = checkText("--reason", opts.reason);
  const catalog = resolveSecret(variable, stack, operator);
  refuseIfFrozen(o.projectDir, "Finalizing", operator, ".");
  const file = StackFile.load(o.projectDir, stack);
  const log = readLog(o.projectDir);
  const progress = progressOf(log, variable);
  const previous = file.keepers("previousKeepers")[variable];
  if (!previous) {
    throw new Error(
      `${variable} has no open rotation in ${stack} (Pulumi.${stack}.yaml has no previousKeepers.${variable}), so nothing is left to revoke; ${describeProgress(progress)}. Next: ${nextCommand(progress, operator)}.`,
    );
  }
  const refusal = finalizeRefusal(progress, stack, operator);
  if (refusal) throw new Error(refusal);

  const model = loadModel(o.projectDir, stack);
  const external = model.secrets.some(
    (s) => s.variable === variable && s.value.kind === "external",
  );
  if (external && !opts.revokedAtIssuer) {
    const issuer = catalog.issuer;
    throw new Error(
      `Refusing to finalize ${variable} in ${stack} before the old value is revoked where it was issued: ${issuer ? `${issuer.name}, ${issuer.console}` : "its issuer"}. Revoke the previous ${stack} value there (every service runs the new one: production verified it), then: npx pegasus-secrets finalize ${variable} --stack ${stack} --operator ${operator} --revoked-at-issuer`,
    );
  }
  const keeper = file.keepers("rotations")[variable] ?? INITIAL_KEEPER;
  const revoked = revocations(model, variable, previous);
  file.deleteKeeper("previousKeepers", variable);
  const entry: FinalizeEntry = {
    action: "finalize",
    ts: utc(o.now()),
    operator,
    stack,
    variable,
    keeper,
    revokedKeeper: previous,
    secretIds: model.secrets.filter((s) => s.variable === variable).map((s) => s.secretId),
    platformVariables: previousVariables(model, variable),
    revoked,
    revokedAtIssuer:
      external && catalog.issuer
        ? { issuer: catalog.issuer.name, console: catalog.issuer.console }
        : null,
    reason,
  };
  const [logged] = commit(o.projectDir, [file], [entry]);
  const cli = "npx pegasus-secrets";
  const steps = [
    stack === "production"
      ? `commit and push: CI applies production${rolloutNote(model)} and records it (\`applied\`)`
      : `commit and push (CI applies ${stack}); or pulumi up --stack ${stack}, then ${cli} applied --stack ${stack} --operator ${operator}`,
    `${cli} verify --stack ${stack} --operator ${operator}`,
  ];
  o.out(
    [
      `Finalized ${variable} in ${stack}: the previous value (keeper ${previous}) is revoked at the next pulumi up; keeper ${keeper} stays.`,
      ...(entry.revokedAtIssuer
        ? [`Revoked at ${entry.revokedAtIssuer.issuer}: confirmed by ${operator}.`]
        : []),
      "At the next pulumi up:",
      ...revoked.map((r) => `  ${r}.`),
      `Recorded in ${LOG_FILE} (line ${logged.line}) by ${operator} at ${entry.ts}.`,
      "",
      "Next steps, in order:",
      ...steps.map((s, i) => `  ${i + 1}. ${s}`),
      "",
      `Commit ${recordFiles([stack])} together.`,
    ].join("\n"),
  );
}
