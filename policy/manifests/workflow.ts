/**
 * GitHub workflow files (`.github/workflows/*.yml`): `env:` at workflow, job and step level, a
 * step's `with:` and (through the line scan every file gets) its `run:`.
 *  - a catalog secret set to a literal instead of a secret store's expression
 *    (`${{ secrets.X }}`) (`workflow-secret-literal`); a value shaped like a credential; a key named
 *    like a secret with a literal value; a public-prefixed variable that names a secret;
 *  - a matrix cell marked tests-only for CI (CI's `OPENAI_API_KEY`) read anywhere but by a test
 *    step (`ci-tests-only`, ./steps.ts): not in a workflow's or a job's `env` (every step, actions
 *    included, would read it), not in a build, deploy or `uses:` step.
 */
import { isMap, isPair, isSeq, Node } from "yaml";
import { credentialShape } from "../../model/credentialShape";
import { cellOf } from "../matrix";
import { CatalogView, Finding, isSetting, publicSecret, SECRET_LOOKING } from "./common";
import { isTestStep, stepCommand } from "./steps";
import { get, str, YamlFile } from "./yaml";

const EXPRESSION = /^\s*\$\{\{.*\}\}\s*$/s;

/** The variables CI may read only in tests (the matrix's tests-only cells). */
const testsOnly = (cat: CatalogView) =>
  [...cat.secrets.entries()]
    .filter(([name, row]) => name === row.variable && cellOf(row, "ci") === "tests-only")
    .map(([name, row]) => ({ name, row }));

export function lintWorkflow(y: YamlFile, cat: CatalogView): Finding[] {
  const out: Finding[] = [];
  const add = (
    n: unknown,
    variable: string,
    rule: string,
    message: string,
    fix: string,
    guide?: string,
  ) =>
    out.push({
      file: y.file,
      line: y.line(n),
      variable,
      rule,
      message,
      fix,
      ...(guide ? { guide } : {}),
    });

  const values = (block: unknown, where: string, kind: "env" | "with") => {
    if (!isMap(block)) return;
    for (const p of block.items) {
      if (!isPair(p)) continue;
      const key = str(p.key) ?? "";
      const value = str(p.value);
      const literal = value !== undefined && value !== "" && !EXPRESSION.test(value);
      const exposed = kind === "env" ? publicSecret(key, cat) : undefined;
      if (exposed) {
        add(
          p.key,
          key,
          "public-prefixed-secret",
          `${where} exposes ${exposed} under a public prefix, which client builds bundle.`,
          "never give a secret a public prefix.",
        );
      } else if (kind === "env" && cat.secrets.has(key) && literal) {
        add(
          p.key,
          key,
          "workflow-secret-literal",
          `${where} sets the catalog secret ${key} to a literal value instead of reading it from a secret store.`,
          `use \`${key}: \${{ secrets.${key} }}\` (or read it from Secret Manager) and rotate the committed value.`,
        );
      } else if (value && credentialShape(value)) {
        add(
          p.key,
          key,
          "secret-literal",
          `${where} sets ${key} to what looks like ${credentialShape(value)}.`,
          "use a secret (`${{ secrets.NAME }}`) and rotate the committed value.",
        );
      } else if (literal && !isSetting(value) && SECRET_LOOKING.test(key) && !cat.plain.has(key)) {
        add(
          p.key,
          key,
          "secret-looking-value",
          `${where} sets ${key}, named like a secret, to a literal value.`,
          "if it is a secret, read it from `${{ secrets.NAME }}`; if not, rename it.",
        );
      }
    }
  };

  const reads = (text: string, name: string) =>
    new RegExp(`\\bsecrets\\.${name}\\b|\\benv\\.${name}\\b`).test(text);
  const envKey = (block: unknown, name: string): Node | undefined => {
    if (!isMap(block)) return undefined;
    const p = block.items.find((x) => isPair(x) && str(x.key) === name);
    return p && isPair(p) ? (p.key as Node) : undefined;
  };
  const only = testsOnly(cat);
  const FIX = (name: string) =>
    `give ${name} only to the step that runs the tests, in that step's own \`env\`; never in a workflow's or job's \`env\`, a build, a deploy or a \`uses:\` step.`;

  const root = y.doc.contents;
  const rootEnv = get(root, "env")?.value;
  values(rootEnv, "the workflow's env", "env");
  for (const { name, row } of only) {
    const at = envKey(rootEnv, name);
    if (at)
      add(
        at,
        name,
        "ci-tests-only",
        `the workflow's env gives ${name}, which CI may use only in tests, to every job and step.`,
        FIX(name),
        row.guide[0],
      );
  }
  const jobs = get(root, "jobs")?.value;
  if (!isMap(jobs)) return out;
  for (const j of jobs.items) {
    if (!isPair(j)) continue;
    const job = str(j.key) ?? "(job)";
    const jobEnv = get(j.value, "env")?.value;
    values(jobEnv, `job ${job}'s env`, "env");
    for (const { name, row } of only) {
      const at = envKey(jobEnv, name);
      if (at)
        add(
          at,
          name,
          "ci-tests-only",
          `job ${job}'s env gives ${name}, which CI may use only in tests, to every step of the job (checkout, install and actions included).`,
          FIX(name),
          row.guide[0],
        );
    }
    const steps = get(j.value, "steps")?.value;
    if (!isSeq(steps)) continue;
    steps.items.forEach((step, i) => {
      const label = str(get(step, "name")?.value) ?? str(get(step, "id")?.value) ?? `#${i + 1}`;
      const stepEnv = get(step, "env")?.value;
      const withBlock = get(step, "with")?.value;
      values(stepEnv, `step ${label} of job ${job}`, "env");
      values(withBlock, `the inputs of step ${label} of job ${job}`, "with");
      const run = str(get(step, "run")?.value);
      const uses = str(get(step, "uses")?.value);
      const text = [stepEnv, withBlock].map((n) => (n ? String(n) : "")).join("\n") + (run ?? "");
      const isTest = uses === undefined && isTestStep(stepCommand({ run }));
      for (const { name, row } of only) {
        const at = envKey(stepEnv, name);
        if (isTest || (!at && !reads(text, name))) continue;
        add(
          at ?? step,
          name,
          "ci-tests-only",
          `step ${label} of job ${job} reads ${name}, which CI may use only in tests, but it is ${uses ? `an action (${uses})` : "a build or deploy step (what it runs is not only a test runner)"}.`,
          FIX(name),
          row.guide[0],
        );
      }
    });
  }
  return out;
}
