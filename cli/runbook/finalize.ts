import { INITIAL_KEEPER } from "../../model";
import { checkOperator, checkText, ops, OpsContext, utc } from "./context";
import { previousVariables, resolveSecret, rotatableSecrets } from "./impact";
import { FinalizeEntry, LOG_FILE, readLog } from "./log";
import { latestVerifyWith, refuseIfFrozen } from "./gates";
import { commit, recordFiles, rolloutNote } from "./rotation";
import { loadModel, StackFile } from "./stackEdit";

/**
 * `finalize <VARIABLE>`: ends a signing key's overlap window (guide, rotation runbook step 4: revoke
 * the previous secret after rollout verification). Removes its previous keeper, so the next
 * `pulumi up` disables that Secret Manager version and removes `<VARIABLE>_PREVIOUS` from every
 * platform. Refused until a verify of the stack with the new keeper has passed.
 */
export async function finalize(
  ctx: OpsContext,
  variable: string,
  opts: { stack: string; operator: string; reason?: string },
): Promise<void> {
  const o = ops(ctx);
  const { stack } = opts;
  const operator = checkOperator(opts.operator);
  const reason = checkText("--reason", opts.reason);
  const catalog = resolveSecret(variable, stack, operator);
  if (!catalog.overlap) {
    const signing = rotatableSecrets()
      .filter((e) => e.overlap)
      .map((e) => e.name)
      .join(", ");
    throw new Error(
      `${variable} has no overlap window: only signing keys (${signing}) keep a previous value, so there is nothing to finalize. Its old value is replaced when pulumi up applies the rotation.`,
    );
  }
  refuseIfFrozen(o.projectDir, "Finalizing", operator, ".");
  const file = StackFile.load(o.projectDir, stack);
  const previous = file.keepers("previousKeepers")[variable];
  if (!previous) {
    throw new Error(
      `${variable} has no open overlap window in ${stack} (Pulumi.${stack}.yaml has no previousKeepers.${variable}): nothing to finalize.`,
    );
  }
  const keeper = file.keepers("rotations")[variable] ?? INITIAL_KEEPER;
  const log = readLog(o.projectDir);
  const verified = latestVerifyWith(log, stack, variable, keeper);
  if (!verified) {
    throw new Error(
      `Refusing to finalize ${variable} in ${stack}: no \`verify --stack ${stack}\` has been recorded with its current keeper ${keeper}. ` +
        `Run pulumi up --stack ${stack}, then npx pegasus-secrets verify --stack ${stack} --operator ${operator}, then finalize again.`,
    );
  }
  if (!verified.ok) {
    throw new Error(
      `Refusing to finalize ${variable} in ${stack}: the latest \`verify --stack ${stack}\` (${verified.ts}) failed, and services may still depend on the previous value. ` +
        `Fix ${stack}, then run npx pegasus-secrets verify --stack ${stack} --operator ${operator} until it passes.`,
    );
  }

  const model = loadModel(o.projectDir, stack);
  const secretIds = model.secrets.filter((s) => s.variable === variable).map((s) => s.secretId);
  const platformVariables = previousVariables(model, variable);
  file.deleteKeeper("previousKeepers", variable);
  const entry: FinalizeEntry = {
    action: "finalize",
    ts: utc(o.now()),
    operator,
    stack,
    variable,
    keeper,
    revokedKeeper: previous,
    secretIds,
    platformVariables,
    reason,
  };
  const [logged] = commit(o.projectDir, [file], [entry]);
  const verify = `npx pegasus-secrets verify --stack ${stack} --operator ${operator}`;
  const steps = [`pulumi up --stack ${stack}${rolloutNote(model)}`, verify];
  if (stack === "staging") {
    steps.push(`npx pegasus-secrets rotate ${variable} --stack production --operator ${operator}`);
  }
  o.out(
    [
      `Finalized ${variable} in ${stack}: the previous value (keeper ${previous}) is revoked; keeper ${keeper} stays.`,
      "At the next pulumi up:",
      `  Secret Manager: the version of keeper ${previous} is disabled in ${secretIds.join(", ")} (disabled, not destroyed).`,
      `  Platforms: ${platformVariables.length ? `${platformVariables.join("; ")} removed` : `no platform target carries ${variable}_PREVIOUS in ${stack}`}.`,
      `Recorded in ${LOG_FILE} (line ${logged.line}) by ${operator} at ${entry.ts}.`,
      "",
      "Next steps, in order:",
      ...steps.map((s, i) => `  ${i + 1}. ${s}`),
      "",
      `Commit ${recordFiles([stack])} together.`,
    ].join("\n"),
  );
}
