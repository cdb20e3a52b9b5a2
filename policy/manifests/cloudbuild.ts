/**
 * `cloudbuild.yaml`: CI takes secrets from Secret Manager (`availableSecrets.secretManager`), only
 * those the ownership matrix grants to CI, each from CI's own secret, as CI's runtime identity; never
 * from inline KMS ciphertext, `env` or substitutions.
 */
import { isMap, isPair, isSeq } from "yaml";
import { kebab } from "../../model/naming";
import { allowedText, cellOf, MatrixRow, mayReceive } from "../matrix";
import { CatalogView, Finding, isReference, SECRET_LOOKING } from "./common";
import { isTestStep, stepCommand } from "./steps";
import { get, seqStrings, str, YamlFile } from "./yaml";

/** The Secret Manager secret ID a CI value of `variable` lives in, without the stack prefix. */
export function ciSecretSuffix(entry: MatrixRow, variable: string): string {
  return kebab(variable) + (entry.separateValues ? "-ci" : "");
}

export function lintCloudBuild(y: YamlFile, cat: CatalogView): Finding[] {
  const out: Finding[] = [];
  const add = (n: unknown, variable: string, rule: string, message: string, fix: string) =>
    out.push({ file: y.file, line: y.line(n), variable, rule, message, fix });
  const root = y.doc.contents;
  const available = get(root, "availableSecrets");
  const declared = new Set<string>();

  const sm = get(available?.value, "secretManager")?.value;
  if (isSeq(sm)) {
    for (const item of sm.items) {
      const envPair = get(item, "env");
      const env = str(envPair?.value);
      const versionName = str(get(item, "versionName")?.value) ?? "";
      if (!env) continue;
      declared.add(env);
      const entry = cat.secrets.get(env);
      if (!entry) {
        add(
          envPair?.keyNode,
          env,
          "cloudbuild-unknown-secret",
          `availableSecrets gives CI ${env}, which is not in the catalog, so nobody owns, rotates or audits it.`,
          `add ${env} to catalog/index.ts with consumer \`ci\`, or remove it here.`,
        );
        continue;
      }
      if (!mayReceive(entry, "ci")) {
        out.push({
          file: y.file,
          line: y.line(envPair?.keyNode),
          variable: env,
          rule: "cloudbuild-not-granted-to-ci",
          message: `availableSecrets gives CI ${env}, which the ownership matrix (policy/matrix.ts) does not grant to CI (${allowedText(entry)} only).`,
          fix: `remove it from cloudbuild.yaml; CI's identity has no access to it anyway.`,
          guide: entry.guide[0],
        });
        continue;
      }
      const id = /\/secrets\/([^/]+)\/versions\//.exec(versionName)?.[1];
      const suffix = ciSecretSuffix(entry, env);
      if (!id) {
        add(
          envPair?.keyNode,
          env,
          "cloudbuild-version-name",
          `the versionName of ${env} is not \`projects/<project>/secrets/<id>/versions/<version>\`.`,
          `use projects/$PROJECT_ID/secrets/\${_SECRET_PREFIX}-${suffix}/versions/latest.`,
        );
      } else if (!(id === suffix || id.endsWith(`-${suffix}`))) {
        add(
          envPair?.keyNode,
          env,
          "cloudbuild-wrong-secret",
          `${env} is read from the secret ${id}, which is not CI's own value of it (…-${suffix}).`,
          `read projects/$PROJECT_ID/secrets/\${_SECRET_PREFIX}-${suffix}/versions/latest: CI gets its own key (least privilege).`,
        );
      }
    }
  }

  const inline = get(available?.value, "inline");
  if (inline) {
    add(
      inline.keyNode,
      "availableSecrets.inline",
      "cloudbuild-not-secret-manager",
      "takes secrets from KMS-encrypted inline values instead of Secret Manager.",
      "move them to Secret Manager (the catalog, consumer `ci`) and list them under `availableSecrets.secretManager`.",
    );
  }
  const legacy = get(root, "secrets");
  if (legacy) {
    add(
      legacy.keyNode,
      "secrets",
      "cloudbuild-not-secret-manager",
      "uses the legacy `secrets:` field (KMS ciphertext in the file) instead of Secret Manager.",
      "use `availableSecrets.secretManager` with CI's secrets from the catalog.",
    );
  }
  if (declared.size > 0 && !get(root, "serviceAccount")) {
    add(
      available?.keyNode,
      "serviceAccount",
      "cloudbuild-no-service-account",
      "reads secrets but sets no `serviceAccount`, so the build runs as the default Cloud Build account instead of CI's runtime identity.",
      "set `serviceAccount: projects/$PROJECT_ID/serviceAccounts/<ci identity email>` (the `ci` identity of the stack).",
    );
  }

  const envLists: unknown[] = [];
  const steps = get(root, "steps")?.value;
  const globalSecretEnv = get(get(root, "options")?.value, "secretEnv")?.value;
  if (isSeq(steps)) {
    for (const step of steps.items) {
      envLists.push(get(step, "env")?.value);
      const secretEnv = get(step, "secretEnv")?.value;
      // Tests-only cells (CI's OpenAI key): only a test step may read them (./steps.ts says which).
      const reads = [secretEnv, globalSecretEnv].flatMap((l) =>
        isSeq(l) ? l.items.map((x) => ({ node: x, name: str(x) })) : [],
      );
      const command = stepCommand({
        entrypoint: str(get(step, "entrypoint")?.value),
        args: seqStrings(get(step, "args")?.value),
        script: str(get(step, "script")?.value),
      });
      for (const { node, name } of reads) {
        const entry = name ? cat.secrets.get(name) : undefined;
        if (!name || !entry || cellOf(entry, "ci") !== "tests-only" || isTestStep(command))
          continue;
        const id = str(get(step, "id")?.value) ?? str(get(step, "name")?.value) ?? "a step";
        out.push({
          file: y.file,
          line: y.line(node),
          variable: name,
          rule: "ci-tests-only",
          message: `step ${id} reads ${name}, which CI may use only in tests, but it is a build or deploy step (what it runs is not only a test runner).`,
          fix: `read ${name} only in the step that runs the tests (its own \`secretEnv\`), never in a build, deploy or \`options.secretEnv\`.`,
          guide: entry.guide[0],
        });
      }
      if (isSeq(secretEnv)) {
        for (const s of secretEnv.items) {
          const name = str(s);
          if (name && !declared.has(name)) {
            add(
              s,
              name,
              "cloudbuild-undeclared-secret",
              `a step asks for secretEnv ${name}, which availableSecrets.secretManager does not declare.`,
              `declare ${name} under availableSecrets.secretManager (if the matrix grants it to CI) or remove it from secretEnv.`,
            );
          }
        }
      }
    }
  }
  envLists.push(get(get(root, "options")?.value, "env")?.value);
  for (const list of envLists) {
    if (!isSeq(list)) continue;
    for (const e of list.items) {
      const [name, ...rest] = (str(e) ?? "").split("=");
      const value = rest.join("=");
      if (cat.secrets.has(name)) {
        add(
          e,
          name,
          "cloudbuild-env-literal",
          `sets the catalog secret ${name} in \`env\`, in clear text in the build config and logs.`,
          `take it from Secret Manager: declare it under availableSecrets.secretManager and list it in the step's \`secretEnv\`.`,
        );
      } else if (
        SECRET_LOOKING.test(name) &&
        !cat.plain.has(name) &&
        value &&
        !isReference(value)
      ) {
        add(
          e,
          name,
          "secret-looking-value",
          `sets ${name}, which is named like a secret, in \`env\`.`,
          `if it is a secret, add it to the catalog with consumer \`ci\` and use \`secretEnv\`; if not, rename it.`,
        );
      }
    }
  }
  const subs = get(root, "substitutions")?.value;
  if (isMap(subs)) {
    for (const p of subs.items) {
      const name = isPair(p) ? str(p.key) : undefined;
      if (name && cat.secrets.has(name.replace(/^_/, ""))) {
        add(
          p.key,
          name,
          "cloudbuild-env-literal",
          `substitution ${name} carries the catalog secret ${name.replace(/^_/, "")} in the build config.`,
          "remove the substitution; take the secret from Secret Manager through availableSecrets and `secretEnv`.",
        );
      }
    }
  }
  return out;
}
