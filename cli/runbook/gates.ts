/**
 * The runbook's order, as refusals: nothing while deploys are frozen (but break-glass), production
 * only after a rotated and verified staging, and a revocation only after a passing verify.
 */
import { describeFreeze, readFreeze } from "./freeze";
import { isRotate, isVerify, lastIndex, Logged, RotateEntry, VerifyEntry } from "./log";

/** Refuses while deploys are frozen, unless this is break-glass. */
export function refuseIfFrozen(
  projectDir: string,
  what: string,
  operator: string,
  hint: string,
): void {
  const f = readFreeze(projectDir);
  if (!f) return;
  throw new Error(
    `${describeFreeze(f)} ${what} waits until the freeze is lifted (npx pegasus-secrets lift-freeze --operator ${operator})${hint}`,
  );
}

/**
 * The guide's order, rotation runbook steps 2 and 3: production is rotated only after staging was
 * rotated and then verified, both after production's last rotation of the same variable. A verify
 * counts only if it saw staging's new keeper, and the latest such verify must have passed.
 */
export function productionGate(log: Logged[], variable: string, operator: string): void {
  const lastProd = lastIndex(log, isRotate("production", variable));
  const stagingRot = lastIndex(log, isRotate("staging", variable));
  if (stagingRot < 0 || stagingRot < lastProd) {
    const since = lastProd >= 0 ? log[lastProd].entry.ts : "none recorded";
    throw new Error(
      `Refusing to rotate ${variable} in production: staging has no recorded rotation of ${variable} since production's last one (${since}). ` +
        `Rotate staging first: npx pegasus-secrets rotate ${variable} --stack staging --operator ${operator}, then pulumi up --stack staging, then npx pegasus-secrets verify --stack staging --operator ${operator}.`,
    );
  }
  const rot = log[stagingRot].entry as RotateEntry;
  const verifies = log
    .slice(stagingRot + 1)
    .map((l) => l.entry)
    .filter(isVerify("staging"))
    .filter((v) => v.keepers[variable] === rot.newKeeper);
  if (verifies.length === 0) {
    throw new Error(
      `Refusing to rotate ${variable} in production: staging rotated it at ${rot.ts} (keeper ${rot.newKeeper}) but no \`verify --stack staging\` has been recorded since. ` +
        `Run pulumi up --stack staging, then npx pegasus-secrets verify --stack staging --operator ${operator}.`,
    );
  }
  const latest = verifies[verifies.length - 1];
  if (!latest.ok) {
    throw new Error(
      `Refusing to rotate ${variable} in production: the latest \`verify --stack staging\` (${latest.ts}) after staging's rotation of ${variable} failed. ` +
        `Fix staging, then run npx pegasus-secrets verify --stack staging --operator ${operator} until it passes.`,
    );
  }
}

/** The latest verify of a stack that saw `variable` at `keeper`, or undefined. */
export function latestVerifyWith(
  log: Logged[],
  stack: string,
  variable: string,
  keeper: string,
): VerifyEntry | undefined {
  const found = log
    .map((l) => l.entry)
    .filter(isVerify(stack))
    .filter((v) => v.keepers[variable] === keeper);
  return found[found.length - 1];
}
