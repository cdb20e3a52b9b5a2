/**
 * The Pulumi side of `doctor`: the CLI and its version, the backend it is logged in to, and the
 * stack's secrets provider. Offline, the CLI is asked only `pulumi version` (with its update check
 * off); the backend is read from where `pulumi login` records it. `--online` runs `pulumi whoami`,
 * which asks the backend.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import semver from "semver";
import { readYamlMap } from "../plan/yamlFile";
import { Check, DoctorInput, fail, ok, warn } from "./check";

const INSTALL = "install the Pulumi CLI: https://www.pulumi.com/docs/install/";

/** Runs the Pulumi CLI found on the input's PATH, never letting it check for updates. */
function pulumi(input: DoctorInput, args: string[]) {
  return spawnSync("pulumi", args, {
    env: { ...input.env, PULUMI_SKIP_UPDATE_CHECK: "true" },
    encoding: "utf8",
    timeout: input.timeoutMs ?? 15_000,
  });
}

const firstLine = (s: string | undefined) => (s ?? "").trim().split("\n")[0] ?? "";

/** The SDK this project runs on: the CLI should be at least as new. */
const sdkVersion = (): string =>
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- a JSON file, read once
  (require("@pulumi/pulumi/package.json") as { version: string }).version;

/** The Pulumi CLI: on PATH, runs, and is at least as new as this project's SDK. */
export function pulumiCli(input: DoctorInput): Check {
  const name = "Pulumi CLI";
  const r = pulumi(input, ["version"]);
  if ((r.error as NodeJS.ErrnoException | undefined)?.code === "ENOENT") {
    return fail(name, "pulumi is not on PATH.", `${INSTALL}, then open a new shell.`);
  }
  if (r.error || r.status !== 0) {
    const why = r.error ? r.error.message : firstLine(r.stderr) || `exit ${r.status}`;
    return fail(name, `pulumi version failed (${why}).`, `reinstall it: ${INSTALL}`);
  }
  const found = semver.coerce(r.stdout.trim())?.version;
  const sdk = sdkVersion();
  if (!found) {
    return fail(name, "pulumi version printed no version.", `reinstall it: ${INSTALL}`);
  }
  if (semver.lt(found, sdk)) {
    return fail(
      name,
      `v${found} is older than this project's SDK (@pulumi/pulumi ${sdk}).`,
      `update it: pulumi self-update, or ${INSTALL}`,
    );
  }
  return ok(name, `v${found} (this project's SDK: ${sdk}).`);
}

/** Where `pulumi login` records the current backend: `$PULUMI_HOME/credentials.json`. */
function recordedBackend(input: DoctorInput): string | undefined {
  const home = input.env.PULUMI_HOME || path.join(input.home, ".pulumi");
  const file = path.join(home, "credentials.json");
  if (!fs.existsSync(file)) return undefined;
  try {
    // Only `current` is read: the file also holds access tokens, which nothing here touches.
    const current = (JSON.parse(fs.readFileSync(file, "utf8")) as { current?: unknown }).current;
    return typeof current === "string" && current !== "" ? current : undefined;
  } catch {
    return undefined;
  }
}

/** The backend: the one PULUMI_BACKEND_URL or `pulumi login` chose; online, that it accepts the login. */
export function backend(input: DoctorInput): Check {
  const name = "backend";
  const url = input.env.PULUMI_BACKEND_URL || recordedBackend(input);
  const login = "pulumi login gs://<state-bucket> (README, 'First deploy: checklist', step 3)";
  if (!url) return fail(name, "not logged in to any backend.", login);
  if (!input.online) return ok(name, `${url} (the login itself is checked with --online).`);
  const r = pulumi(input, ["whoami", "--json"]);
  if (r.error || r.status !== 0) {
    const why = r.error ? r.error.message : firstLine(r.stderr) || `exit ${r.status}`;
    return fail(name, `${url} does not accept the login (pulumi whoami: ${why}).`, login);
  }
  let user = "";
  try {
    user = String((JSON.parse(r.stdout) as { user?: unknown }).user ?? "");
  } catch {
    // pulumi whoami answered, just not in JSON: the login is accepted all the same.
  }
  return ok(name, `${url}, logged in${user ? ` as ${user}` : ""}.`);
}

const KMS = /^(gcpkms|awskms|azurekeyvault|hashivault):\/\//;

/**
 * The stack's secrets provider, from its stack file: a KMS key as the README asks; a passphrase
 * is an error in production (whoever holds it decrypts every secret) and a warning elsewhere.
 */
export function secretsProvider(input: DoctorInput, backendUrl: string | undefined): Check {
  const name = "secrets provider";
  const file = `Pulumi.${input.stack}.yaml`;
  const doc = readYamlMap(path.join(input.projectDir, file));
  const provider = typeof doc.secretsprovider === "string" ? doc.secretsprovider : undefined;
  const kms = `"gcpkms://projects/<p>/locations/<l>/keyRings/<r>/cryptoKeys/<k>"`;
  const change = `pulumi stack change-secrets-provider ${kms} --stack ${input.stack}, then commit ${file}`;
  if (provider && KMS.test(provider)) return ok(name, `${provider.split("://")[0]}: ${provider}.`);
  if (provider === "passphrase" || (!provider && doc.encryptionsalt !== undefined)) {
    const detail = `${file} uses a passphrase: whoever holds it can decrypt every secret of the stack.`;
    return input.stack === "production" ? fail(name, detail, change) : warn(name, detail, change);
  }
  if (provider) return warn(name, `${provider} is not a KMS key.`, change);
  const cloud = backendUrl !== undefined && /^https?:\/\//.test(backendUrl);
  const detail = `${file} names no secrets provider${cloud ? ": the backend's default would encrypt this stack's secrets" : ": a pulumi up would ask for a passphrase"}.`;
  const fix = `${change} (a stack not created yet: pulumi stack init ${input.stack} --secrets-provider=<that URL>)`;
  return cloud ? warn(name, detail, fix) : fail(name, detail, fix);
}

/** The backend URL the checks above settled on, for the secrets provider's advice. */
export const backendUrlOf = (input: DoctorInput): string | undefined =>
  input.env.PULUMI_BACKEND_URL || recordedBackend(input);
