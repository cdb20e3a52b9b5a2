import { Impact } from "../../model";
export { impactOf, previousVariables, resolveSecret, rotatableSecrets } from "../../model";

/** `a, b and c`. */
export const list = (xs: string[], none = "none"): string =>
  xs.length === 0
    ? none
    : xs.length === 1
      ? xs[0]
      : `${xs.slice(0, -1).join(", ")} and ${xs[xs.length - 1]}`;

/** The impact as the lines `rotate` prints. */
export function impactLines(i: Impact): string[] {
  return [
    `  services to pick up the new value: ${list(i.services, "none (no runtime service reads it)")}`,
    `  consumers: ${list(i.consumers)}`,
    `  runtime identities: ${list(i.identities)}`,
    `  Secret Manager secrets (new version): ${list(i.secretIds)}`,
    `  platform targets: ${i.targets.length ? i.targets.join("; ") : "none configured (pegasus-secrets:targets)"}`,
  ];
}
