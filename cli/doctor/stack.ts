/**
 * The stack's side of `doctor`, all offline: Node.js, the stack's config (valid, no placeholder,
 * every external value set as a secret), GCP application-default credentials, the platform tokens
 * the stack's targets need (present, never shown), and whether a pulumi up of this stack may run
 * from here at all (production from CI only, never during a freeze).
 */
import * as fs from "fs";
import * as path from "path";
import semver from "semver";
import { CATALOG } from "../../catalog";
import {
  applyRefusal,
  deploymentOf,
  buildModel,
  ConfigError,
  FREEZE_PATH,
  Model,
  placeholdersOf,
} from "../../model";
import { readStackConfig, StackFileConfig } from "../plan/stackFiles";
import { PLATFORM_TOKENS } from "../shared/platformTokens";
import { Check, DoctorInput, fail, ok } from "./check";

/** Node.js as package.json's `engines` asks. */
export function node(): Check {
  const pkg = JSON.parse(
    fs.readFileSync(path.join(__dirname, "..", "..", "package.json"), "utf8"),
  ) as { engines: { node: string } };
  const wanted = pkg.engines.node;
  return semver.satisfies(process.version, wanted)
    ? ok("Node.js", `${process.version} (package.json asks ${wanted}).`)
    : fail(
        "Node.js",
        `${process.version} does not satisfy ${wanted}.`,
        "install Node.js 20 or later, then npm ci.",
      );
}

/** The stack's config and model, or the check that says why there is none. */
export function stackConfig(input: DoctorInput): {
  check: Check;
  files?: StackFileConfig;
  model?: Model;
} {
  const name = "stack config";
  const plan = `npx pegasus-secrets plan --stack ${input.stack} names each problem and its fix`;
  try {
    const files = readStackConfig(input.projectDir, input.stack);
    const model = buildModel(CATALOG, input.stack, files.raw);
    return { check: ok(name, `Pulumi.${input.stack}.yaml is valid.`), files, model };
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    const n = err.issues.length;
    return {
      check: fail(
        name,
        `Pulumi.${input.stack}.yaml is invalid (${n} problem${n === 1 ? "" : "s"}: \`${err.issues[0].key}\`${n > 1 ? ", ..." : ""}).`,
        plan,
      ),
    };
  }
}

/** No committed example value left: a real pulumi up refuses them. */
export function placeholders(input: DoctorInput, model: Model): Check {
  const found = placeholdersOf(model.config);
  if (found.length === 0) return ok("placeholders", "none: every target ID and URL is yours.");
  const keys = found.map((i) => i.key.replace(/^[^:]+:/, ""));
  const shown =
    keys.length > 3
      ? `${keys.slice(0, 3).join(", ")} and ${keys.length - 3} more`
      : keys.join(", ");
  return fail(
    "placeholders",
    `${found.length} example value(s) to replace: ${shown}.`,
    `${found[0].fix}${found.length > 1 ? `, and the others as npx pegasus-secrets plan --stack ${input.stack} lists them` : ""}`,
  );
}

/**
 * Every external value this stack uses is set: encrypted in the stack file, or sealed with the
 * stack's KMS key (`sealedValues`, written by `seal`).
 */
export function externalValues(input: DoctorInput, files: StackFileConfig, model: Model): Check {
  const state = new Map(files.external.map((e) => [e.key, e.state]));
  const needed = model.externalKeys.map((k) => k.key);
  const set = (k: string) => state.get(k) === "encrypted" || state.get(k) === "sealed";
  const pending = needed.filter((k) => !set(k));
  if (pending.length === 0) {
    const sealed = needed.filter((k) => state.get(k) === "sealed").length;
    const how =
      sealed === 0
        ? "set as secrets"
        : sealed === needed.length
          ? "sealed"
          : `set as secrets or sealed (${sealed} sealed)`;
    return ok("external values", `all ${needed.length} ${how} (${needed.join(", ")}).`);
  }
  const others = pending.length > 1 ? ", and the same for each of the others" : "";
  const first = model.externalKeys.find((k) => k.key === pending[0])!;
  const fix = model.config.sealedValues
    ? `npx pegasus-secrets seal ${first.variable} --stack ${input.stack}${first.scope === "shared" ? "" : ` --consumer ${first.scope}`} --operator <you>   (paste the value at the prompt)${others}`
    : `pulumi config set --secret ${pending[0]} --stack ${input.stack}   (paste the value at the prompt)${others}`;
  return fail(
    "external values",
    `${pending.length} of ${needed.length} not set: ${pending.join(", ")}.`,
    fix,
  );
}

/**
 * GCP application-default credentials, as the provider finds them: `GOOGLE_CREDENTIALS`, the
 * file `GOOGLE_APPLICATION_CREDENTIALS` names, or gcloud's application-default file. Never read.
 */
export function gcpCredentials(input: DoctorInput): Check {
  const name = "GCP credentials";
  const fix =
    "gcloud auth application-default login (CI: workload identity federation, docs/review.md)";
  if (input.env.GOOGLE_CREDENTIALS) return ok(name, "GOOGLE_CREDENTIALS is set (not shown).");
  const named = input.env.GOOGLE_APPLICATION_CREDENTIALS;
  if (named) {
    return fs.existsSync(named)
      ? ok(name, `GOOGLE_APPLICATION_CREDENTIALS names ${named}.`)
      : fail(name, `GOOGLE_APPLICATION_CREDENTIALS names ${named}, which does not exist.`, fix);
  }
  const gcloud = input.env.CLOUDSDK_CONFIG || path.join(input.home, ".config", "gcloud");
  const adc = path.join(gcloud, "application_default_credentials.json");
  return fs.existsSync(adc)
    ? ok(name, `application-default credentials in ${adc}.`)
    : fail(name, "no application-default credentials.", fix);
}

/** One check per platform the stack feeds: its token is in the environment (its value never shown). */
export function platformTokens(input: DoctorInput, model: Model): Check[] {
  const targets = Object.keys(model.config.targets).filter(
    (t) => model.config.targets[t as keyof typeof model.config.targets],
  );
  if (targets.length === 0)
    return [ok("platform tokens", "none needed: the stack has no targets.")];
  return targets.map((t) => {
    const token = PLATFORM_TOKENS[t];
    const value = input.env[token.env];
    const fix = `export ${token.env}=<your ${token.platform} token> in the shell or CI job of pulumi up (docs/platforms.md)`;
    if (!value) {
      return fail(token.env, `not set: the ${token.platform} delivery stops at pulumi up.`, fix);
    }
    if (value.trim() !== value) {
      return fail(token.env, "is set but has spaces or a line break around it (a paste?).", fix);
    }
    return ok(token.env, `set for ${token.platform} (not shown).`);
  });
}

/** Whether a real pulumi up of this stack may run from here (model/deployment.ts decides). */
export function where(input: DoctorInput): Check {
  const env = input.env;
  const freezeFile = path.join(input.projectDir, FREEZE_PATH);
  const freeze = fs.existsSync(freezeFile) ? fs.readFileSync(freezeFile, "utf8") : null;
  const refusal = applyRefusal(input.stack, deploymentOf(env, freeze, true));
  if (!refusal) {
    return ok(
      "where",
      env.GITHUB_RUN_ID && env.GITHUB_ACTIONS === "true"
        ? `CI run ${env.GITHUB_RUN_ID} may apply ${input.stack}.`
        : `${input.stack} may be applied from this machine.`,
    );
  }
  const [problem, ...rest] = refusal.split(": ");
  return fail("where", `${problem}.`, rest.join(": "));
}
