/**
 * External values sealed with a Cloud KMS key (`pegasus-secrets:sealedValues`). An operator who holds
 * only encrypt rights on the key (`roles/cloudkms.cryptoKeyEncrypter`) seals a new value with
 * `npx pegasus-secrets seal`; only the deploy identity, which may decrypt, ever reads it back, when
 * `pulumi up` runs in CI. Pulumi's own `config set --secret` cannot give that split: its KMS secrets
 * provider decrypts the stack's data key to encrypt anything, so whoever can set a secret value can
 * read them all. The stack file holds only ciphertext, safe to commit.
 */
import { z } from "zod";
import type { IssueList } from "./errors";

/** `projects/<p>/locations/<l>/keyRings/<r>/cryptoKeys/<k>`. */
export const KMS_KEY_RE =
  /^projects\/([a-z][a-z0-9-]{4,28}[a-z0-9])\/locations\/([a-z0-9-]+)\/keyRings\/([A-Za-z0-9_-]{1,63})\/cryptoKeys\/([A-Za-z0-9_-]{1,63})$/;

/** Standard base64 of a Cloud KMS ciphertext (never shorter than a few dozen bytes). */
const BASE64_RE = /^[A-Za-z0-9+/]{32,}={0,2}$/;

/** The key that seals, and the sealed value of each external config key. */
export interface SealedValuesConfig {
  key: string;
  values: Record<string, string>;
}

export const sealedValuesSchema = z.strictObject({
  key: z.string(),
  values: z.record(z.string(), z.string()).default({}),
});

/** The key in the form the `gcp.kms.getKMSSecret` data source documents: `<p>/<l>/<r>/<k>`. */
export function kmsSecretKeyId(key: string): string {
  const m = KMS_KEY_RE.exec(key);
  if (!m) throw new Error(`"${key}" is not a Cloud KMS key name.`);
  return m.slice(1, 5).join("/");
}

/**
 * Checks the sealing key and every sealed value's form; `externalKeys` are the config keys this
 * stack's external values read, so a sealed value nothing reads is named (a typo, or a source that
 * changed).
 */
export function checkSealedValues(
  sealed: SealedValuesConfig | undefined,
  externalKeys: string[],
  keyOf: (path: string) => string,
  issues: IssueList,
  stack: string,
): void {
  if (!sealed) return;
  if (!KMS_KEY_RE.test(sealed.key)) {
    issues.add(
      keyOf("sealedValues.key"),
      `"${sealed.key}" is not a Cloud KMS key name: expected projects/<project>/locations/<location>/keyRings/<ring>/cryptoKeys/<key>.`,
      `pulumi config set --path 'sealedValues.key' projects/<project>/locations/<location>/keyRings/<ring>/cryptoKeys/<key> --stack ${stack}`,
    );
  }
  for (const [configKey, ciphertext] of Object.entries(sealed.values)) {
    const at = keyOf(`sealedValues.values.${configKey}`);
    if (!externalKeys.includes(configKey)) {
      issues.add(
        at,
        `is not an external value of this stack (its external values read ${externalKeys.join(", ") || "no key"}), so nothing reads it.`,
        `remove it: pulumi config rm --path 'sealedValues.values.${configKey}' --stack ${stack}`,
      );
    } else if (!BASE64_RE.test(ciphertext)) {
      issues.add(
        at,
        "is not a Cloud KMS ciphertext in base64: it was edited by hand, or is not sealed at all.",
        `seal the value again: npx pegasus-secrets seal <VARIABLE> --stack ${stack} --operator <you>`,
      );
    }
  }
}
