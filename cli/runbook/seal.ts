/**
 * `seal <VARIABLE>`: stores a new external value sealed with the stack's Cloud KMS key
 * (`pegasus-secrets:sealedValues`). The operator needs encrypt rights on that key only; the value is
 * read without echo (or from a pipe), encrypted by Cloud KMS, and only its ciphertext lands in the
 * stack file. Nothing prints, logs or keeps the value.
 */
import { createHash } from "crypto";
import { configKeyOf, resolveSecret } from "../../model";
import { checkOperator, checkText, ops, OpsContext, utc } from "./context";
import { LOG_FILE, readLog, SealEntry } from "./log";
import { commit, recordFiles } from "./rotation";
import { loadModel, StackFile } from "./stackEdit";

/** The options of `seal`. */
export interface SealOptions {
  stack: string;
  operator: string;
  /** Which consumer's value, for a variable with one per consumer. */
  consumer?: string;
  reason?: string;
}

export async function seal(ctx: OpsContext, variable: string, opts: SealOptions): Promise<void> {
  const o = ops(ctx);
  const { stack } = opts;
  const operator = checkOperator(opts.operator);
  const reason = checkText("--reason", opts.reason);
  resolveSecret(variable, stack, operator);
  readLog(o.projectDir);
  const model = loadModel(o.projectDir, stack);
  const sealing = model.config.sealedValues;
  if (!sealing) {
    throw new Error(
      `Stack ${stack} does not seal its external values: it has no pegasus-secrets:sealedValues.key. Set the sealing key first (README, "First deploy: checklist", step 7: operators get encrypt rights on it, the deploy identity decrypt rights): pulumi config set --path 'sealedValues.key' projects/<project>/locations/<location>/keyRings/<ring>/cryptoKeys/<key> --stack ${stack}. Or store the value with pulumi config set --secret.`,
    );
  }
  const values = model.secrets.filter((s) => s.variable === variable && configKeyOf(s.value));
  if (values.length === 0) {
    const kind = model.secrets.find((s) => s.variable === variable)?.value.kind;
    throw new Error(
      `${variable} is not an external value in ${stack} (its source is ${kind}): the stack produces it, so there is nothing to seal.`,
    );
  }
  const scopes = values.map((s) => s.scope);
  const shared = scopes.length === 1 && scopes[0] === "shared";
  const chosen = shared ? values[0] : values.find((s) => s.scope === opts.consumer);
  if (!chosen) {
    throw new Error(
      opts.consumer === undefined
        ? `${variable} has one value per consumer in ${stack} (${scopes.join(", ")}): seal each one with --consumer <${scopes.join("|")}>.`
        : `${variable} has no value for "${opts.consumer}" in ${stack}: use --consumer <${scopes.join("|")}>.`,
    );
  }
  if (shared && opts.consumer !== undefined) {
    throw new Error(`${variable} has one shared value in ${stack}; leave out --consumer.`);
  }
  const configKey = configKeyOf(chosen.value)!;
  const who = shared ? "" : ` for ${chosen.scope}`;
  const value = await o.readSecret(`New value of ${variable}${who} in ${stack} (not shown): `);
  if (value.trim() === "") {
    throw new Error(`No value given for ${variable}${who}: nothing was sealed or written.`);
  }
  const ciphertext = (await o.kmsEncrypt(sealing.key, Buffer.from(value, "utf8"))).toString(
    "base64",
  );
  const file = StackFile.load(o.projectDir, stack);
  file.setSealedValue(configKey, ciphertext);
  const entry: SealEntry = {
    action: "seal",
    ts: utc(o.now()),
    operator,
    stack,
    variable,
    consumer: shared ? null : chosen.scope,
    configKey,
    key: sealing.key,
    ciphertext: `sha256:${createHash("sha256").update(ciphertext).digest("hex").slice(0, 16)}`,
    reason,
  };
  const [logged] = commit(o.projectDir, [file], [entry]);
  o.out(
    [
      `Sealed the new value of ${variable}${who} in ${stack} with ${sealing.key}: Pulumi.${stack}.yaml sealedValues.values.${configKey} holds its ciphertext (${entry.ciphertext}); only an identity with decrypt rights on the key can open it, at pulumi up.`,
      `Recorded in ${LOG_FILE} (line ${logged.line}).`,
      `Commit ${recordFiles([stack])}. During a rotation, run npx pegasus-secrets rotate ${variable} --stack ${stack} --operator ${operator} once every value of it is sealed.`,
    ].join("\n"),
  );
}
