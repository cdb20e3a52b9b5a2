/**
 * Lint of the application's deploy manifests against the catalog and the secrets-management guide:
 * `render.yaml`, `railway.toml`, `railway.worker.toml`, `fly.toml` and `cloudbuild.yaml`.
 *
 * The guide, per file: no secret value in any manifest; Render references secrets by name only
 * (env groups, `sync: false`); Fly's `[env]` holds no secret (`fly secrets set`, which the stack
 * does); Railway variables live in Railway, not in TOML; Cloud Build takes secrets from Secret
 * Manager (`availableSecrets`), and only those the matrix grants to CI. Findings name the file, the
 * line, the variable and the fix, and never repeat a value.
 */
import * as fs from "fs";
import * as path from "path";
import YAML, { isMap, isPair, isScalar, isSeq, LineCounter, Node } from "yaml";
import { CATALOG, CatalogEntry, SecretEntry } from "../catalog";
import { kebab } from "../model/naming";

// smol-toml ships CommonJS (`require`) and ESM builds, but its typings are ESM-only, which a CommonJS
// module under node16 resolution cannot import; the one function used is typed here.
// eslint-disable-next-line @typescript-eslint/no-require-imports -- ESM-only typings, CommonJS build
const TOML = require("smol-toml") as { parse(text: string): Record<string, unknown> };

/** The manifests this lint knows, in the order it reports them. */
export const MANIFEST_FILES = [
  "render.yaml",
  "railway.toml",
  "railway.worker.toml",
  "fly.toml",
  "cloudbuild.yaml",
] as const;

/** One problem in one manifest. */
export interface Finding {
  file: string;
  line: number;
  /** The variable (or manifest field) concerned. */
  variable: string;
  /** Stable rule ID, e.g. `render-secret-value`. */
  rule: string;
  message: string;
  fix: string;
}

/** The result of linting a folder. */
export interface LintResult {
  dir: string;
  /** Manifests found and checked. */
  checked: string[];
  findings: Finding[];
}

/** What the lint needs from the catalog. */
interface CatalogView {
  secrets: Map<string, SecretEntry>;
  plain: Set<string>;
}

function view(catalog: CatalogEntry[]): CatalogView {
  const secrets = new Map<string, SecretEntry>();
  const plain = new Set<string>();
  for (const e of catalog) {
    if (e.kind === "secret") {
      secrets.set(e.name, e);
      // The previous value of a signing key in its overlap window is delivered as <NAME>_PREVIOUS.
      if (e.overlap) secrets.set(`${e.name}_PREVIOUS`, e);
    } else plain.add(e.name);
  }
  return { secrets, plain };
}

/** Names people give secrets that are not (yet) in the catalog. */
const SECRET_LOOKING =
  /(SECRET|TOKEN|PASSWORD|PASSWD|PRIVATE|CREDENTIAL|API_?KEY|ACCESS_KEY|AUTH)/i;

/** A value that points elsewhere (`$VAR`, `${VAR}`, `$$VAR`) rather than being the value. */
const isReference = (v: string): boolean => /^\$/.test(v.trim());

/** Shapes of credentials, whatever the key: the scan every file gets, comments included. */
const CREDENTIAL_SHAPES: { re: RegExp; what: string }[] = [
  {
    re: /\b[a-z][a-z0-9+.-]*:\/\/[^\s/:@'"]+:(?!\$)[^\s@/'"]+@/i,
    what: "a URL with a password in it",
  },
  { re: /-----BEGIN [A-Z ]*PRIVATE KEY-----/, what: "a private key" },
  { re: /\bsk-(proj-)?[A-Za-z0-9_-]{20,}/, what: "an OpenAI-style API key" },
  { re: /\bAKIA[0-9A-Z]{16}\b/, what: "an AWS access key ID" },
  { re: /\bgh[pousr]_[A-Za-z0-9]{30,}/, what: "a GitHub token" },
  { re: /\bxox[baprs]-[A-Za-z0-9-]{10,}/, what: "a Slack token" },
  { re: /\brnd_[A-Za-z0-9]{20,}/, what: "a Render API key" },
  { re: /\bfm[12]r?_[A-Za-z0-9_-]{20,}/, what: "a Fly.io token" },
];

/** The key a line assigns, in YAML (`key:`), TOML (`key =`) or shell (`KEY=`) form. */
function keyOnLine(line: string): string | undefined {
  return (
    /^\s*-?\s*["']?([A-Za-z_][A-Za-z0-9_.-]*)["']?\s*[:=]/.exec(line)?.[1] ??
    /\b([A-Z][A-Z0-9_]*)=/.exec(line)?.[1]
  );
}

const FIX_SYNC =
  "name it only: `- key: <NAME>` with `sync: false`, or take it from the env group pegasus-secrets manages (`- fromGroup: <group>`)";

/** Scans every line of a file for credential shapes and `NAME=value` assignments of catalog secrets. */
function scanLines(file: string, text: string, cat: CatalogView): Finding[] {
  const out: Finding[] = [];
  text.split("\n").forEach((line, i) => {
    for (const shape of CREDENTIAL_SHAPES) {
      if (shape.re.test(line)) {
        out.push({
          file,
          line: i + 1,
          variable: keyOnLine(line) ?? "(literal)",
          rule: "secret-literal",
          message: `holds what looks like ${shape.what}. No secret value belongs in a deploy manifest (guide, baseline rule 1).`,
          fix: "remove it, rotate it (it is in git history now: `npx pegasus-secrets rotate <VARIABLE>`), and deliver it through pegasus-secrets.",
        });
      }
    }
    for (const m of line.matchAll(/\b([A-Z][A-Z0-9_]*)=("[^"]*"|'[^']*'|[^\s"',\]]*)/g)) {
      const [, name, rawValue] = m;
      const value = rawValue.replace(/^["']|["']$/g, "");
      if (!cat.secrets.has(name) || value === "" || isReference(value)) continue;
      out.push({
        file,
        line: i + 1,
        variable: name,
        rule: "secret-assignment",
        message: `assigns a literal value to the catalog secret ${name}.`,
        fix: `remove the assignment: ${name} reaches the service from its secret store (pegasus-secrets delivers it), never from the manifest.`,
      });
    }
  });
  return out;
}

// ------------------------------------------------------------------------------------------------
// YAML helpers
// ------------------------------------------------------------------------------------------------

interface YamlFile {
  file: string;
  doc: YAML.Document.Parsed;
  line(n: unknown): number;
}

function parseYaml(file: string, text: string): YamlFile | Finding {
  const lc = new LineCounter();
  const doc = YAML.parseDocument(text, { lineCounter: lc });
  if (doc.errors.length > 0) {
    const e = doc.errors[0];
    return {
      file,
      line: e.linePos?.[0].line ?? 1,
      variable: "(file)",
      rule: "invalid-manifest",
      message: `is not valid YAML: ${e.message.split("\n")[0]}`,
      fix: "fix the YAML syntax; the platform would refuse the file too.",
    };
  }
  const line = (n: unknown): number => {
    const range = (n as Node | undefined)?.range;
    return range ? lc.linePos(range[0]).line : 1;
  };
  return { file, doc, line };
}

/** `map[key]` with its key node (for the line), or undefined. */
function get(map: unknown, key: string): { keyNode: Node; value: unknown } | undefined {
  if (!isMap(map)) return undefined;
  for (const p of map.items) {
    if (isPair(p) && isScalar(p.key) && p.key.value === key)
      return { keyNode: p.key as Node, value: p.value };
  }
  return undefined;
}

const str = (n: unknown): string | undefined =>
  isScalar(n) &&
  (typeof n.value === "string" || typeof n.value === "number" || typeof n.value === "boolean")
    ? String(n.value)
    : undefined;

// ------------------------------------------------------------------------------------------------
// render.yaml
// ------------------------------------------------------------------------------------------------

/** Which consumer a Render service is, by its type: the API is the web service, the worker a worker. */
function renderConsumer(service: unknown): string | undefined {
  const type = str(get(service, "type")?.value);
  const runtime = str(get(service, "runtime")?.value) ?? str(get(service, "env")?.value);
  if (type === "static" || runtime === "static") return "public";
  if (type === "web" || type === "pserv") return "api";
  if (type === "worker" || type === "cron") return "worker";
  return undefined;
}

function lintRender(y: YamlFile, cat: CatalogView): Finding[] {
  const out: Finding[] = [];
  const add = (n: unknown, variable: string, rule: string, message: string, fix: string) =>
    out.push({ file: y.file, line: y.line(n), variable, rule, message, fix });

  const envVars = (owner: unknown, where: string, consumer: string | undefined) => {
    const list = get(owner, "envVars")?.value;
    if (!isSeq(list)) return;
    for (const item of list.items) {
      const group = str(get(item, "fromGroup")?.value);
      if (group !== undefined) {
        // Env groups pegasus-secrets manages are named <prefix>-<consumer>.
        const groupConsumer = /-(api|worker|mobile)$/.exec(group)?.[1];
        if (consumer && groupConsumer && consumer !== groupConsumer) {
          add(
            get(item, "fromGroup")?.keyNode,
            group,
            "render-wrong-group",
            `${where} (the ${consumer}) takes the env group ${group}, which holds the ${groupConsumer}'s secrets.`,
            `use the ${consumer}'s own group (…-${consumer}): API and worker get separate secrets (least privilege).`,
          );
        }
        continue;
      }
      const keyPair = get(item, "key");
      const key = str(keyPair?.value);
      if (!key) continue;
      const at = keyPair?.keyNode;
      const value = get(item, "value");
      const generated = str(get(item, "generateValue")?.value) === "true";
      const synced = str(get(item, "sync")?.value) === "false";
      const referenced = ["fromDatabase", "fromService", "fromGroup"].some(
        (k) => get(item, k) !== undefined,
      );
      const entry = cat.secrets.get(key);
      if (entry) {
        if (value !== undefined) {
          add(
            at,
            key,
            "render-secret-value",
            `${where} sets the catalog secret ${key} to a literal value.`,
            `remove \`value:\`; ${FIX_SYNC}.`,
          );
        } else if (generated) {
          add(
            at,
            key,
            "render-generated-secret",
            `${where} lets Render generate ${key}, so it would differ from the value in Secret Manager and never rotate with it.`,
            `remove \`generateValue\`; ${FIX_SYNC}.`,
          );
        } else if (!synced && !referenced) {
          add(
            at,
            key,
            "render-secret-unsynced",
            `${where} lists ${key} without \`sync: false\`.`,
            `add \`sync: false\` so the Blueprint names ${key} and never holds its value.`,
          );
        }
        if (consumer === "public") {
          add(
            at,
            key,
            "render-secret-public",
            `${where} is a static site: everything it gets is public, and ${key} is a secret.`,
            `remove ${key} from the static site.`,
          );
        } else if (consumer && !(entry.consumers as string[]).includes(consumer)) {
          add(
            at,
            key,
            "render-secret-not-granted",
            `${where} (the ${consumer}) receives ${key}, which the ownership matrix does not grant to the ${consumer} (${entry.consumers.join(", ")} only).`,
            `remove ${key} from this service, or change the matrix in catalog/index.ts (and review the access diff).`,
          );
        }
        continue;
      }
      const literal = str(value?.value);
      if (
        !cat.plain.has(key) &&
        SECRET_LOOKING.test(key) &&
        literal !== undefined &&
        literal !== "" &&
        !isReference(literal)
      ) {
        add(
          at,
          key,
          "secret-looking-value",
          `${where} sets ${key}, which is named like a secret, to a literal value.`,
          `if ${key} is a secret, add it to the catalog (catalog/index.ts) and ${FIX_SYNC}; if it is not, rename it.`,
        );
      }
    }
  };

  const visit = (n: unknown, depth: number) => {
    if (depth > 12) return;
    if (isMap(n)) {
      const name = str(get(n, "name")?.value);
      if (get(n, "envVars")) {
        const isService = get(n, "type") !== undefined || get(n, "runtime") !== undefined;
        envVars(
          n,
          `${isService ? "service" : "env group"} ${name ?? "(unnamed)"}`,
          isService ? renderConsumer(n) : undefined,
        );
      }
      for (const p of n.items) if (isPair(p)) visit(p.value, depth + 1);
    } else if (isSeq(n)) {
      for (const x of n.items) visit(x, depth + 1);
    }
  };
  visit(y.doc.contents, 0);
  return out;
}

// ------------------------------------------------------------------------------------------------
// cloudbuild.yaml
// ------------------------------------------------------------------------------------------------

/** The Secret Manager secret ID a CI value of `variable` lives in, without the stack prefix. */
export function ciSecretSuffix(entry: SecretEntry, variable: string): string {
  return kebab(variable) + (entry.scope === "perConsumer" ? "-ci" : "");
}

function lintCloudBuild(y: YamlFile, cat: CatalogView): Finding[] {
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
      if (!(entry.consumers as string[]).includes("ci")) {
        add(
          envPair?.keyNode,
          env,
          "cloudbuild-not-granted-to-ci",
          `availableSecrets gives CI ${env}, which the ownership matrix does not grant to CI (${entry.consumers.join(", ")} only).`,
          `remove it from cloudbuild.yaml; CI's identity has no access to it anyway.`,
        );
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
  if (isSeq(steps)) {
    for (const step of steps.items) {
      envLists.push(get(step, "env")?.value);
      const secretEnv = get(step, "secretEnv")?.value;
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

// ------------------------------------------------------------------------------------------------
// TOML (fly.toml, railway*.toml)
// ------------------------------------------------------------------------------------------------

/** Splits a dotted TOML key (`a."b.c".d`) into parts. */
function splitDotted(s: string): string[] {
  const parts: string[] = [];
  for (const m of s.matchAll(/\s*("([^"]*)"|'([^']*)'|[^.\s]+)\s*(\.|$)/g)) {
    if (m[1] === undefined) continue;
    parts.push(m[2] ?? m[3] ?? m[1]);
  }
  return parts;
}

/** Line of each table header and key of a TOML text, by full dotted path. */
function tomlLines(text: string): Map<string, number> {
  const lines = new Map<string, number>();
  let table: string[] = [];
  let inMulti: string | null = null;
  text.split("\n").forEach((raw, i) => {
    if (inMulti) {
      if (raw.includes(inMulti)) inMulti = null;
      return;
    }
    const header = /^\s*\[\[?\s*([^\]]+?)\s*\]\]?\s*(#.*)?$/.exec(raw);
    if (header) {
      table = splitDotted(header[1]);
      if (!lines.has(table.join("."))) lines.set(table.join("."), i + 1);
      return;
    }
    const kv =
      /^\s*((?:"[^"]*"|'[^']*'|[A-Za-z0-9_-]+)(?:\s*\.\s*(?:"[^"]*"|'[^']*'|[A-Za-z0-9_-]+))*)\s*=\s*(.*)$/.exec(
        raw,
      );
    if (!kv) return;
    const key = [...table, ...splitDotted(kv[1])].join(".");
    if (!lines.has(key)) lines.set(key, i + 1);
    const rest = kv[2];
    for (const q of ['"""', "'''"]) {
      if (rest.startsWith(q) && rest.indexOf(q, 3) === -1) inMulti = q;
    }
  });
  return lines;
}

/** Every key path of a parsed TOML value, with its value. */
function tomlEntries(
  v: unknown,
  prefix: string[] = [],
  out: { path: string[]; value: unknown }[] = [],
) {
  if (v && typeof v === "object" && !Array.isArray(v) && !(v instanceof Date)) {
    for (const [k, x] of Object.entries(v)) {
      out.push({ path: [...prefix, k], value: x });
      tomlEntries(x, [...prefix, k], out);
    }
  } else if (Array.isArray(v)) {
    v.forEach((x, i) => tomlEntries(x, [...prefix, String(i)], out));
  }
  return out;
}

/** The line of a key path, or of its nearest parent that has one (inline tables, arrays of tables). */
function lineOf(lines: Map<string, number>, p: string[]): number {
  const parts = p.filter((x) => !/^\d+$/.test(x));
  for (let n = parts.length; n > 0; n--) {
    const l = lines.get(parts.slice(0, n).join("."));
    if (l !== undefined) return l;
  }
  return 1;
}

const VARIABLE_TABLES = new Set([
  "variables",
  "env",
  "envs",
  "environment",
  "environmentVariables",
]);

function lintToml(file: string, text: string, cat: CatalogView): Finding[] {
  let parsed: unknown;
  try {
    parsed = TOML.parse(text);
  } catch (e) {
    const err = e as { line?: number; message: string };
    return [
      {
        file,
        line: err.line ?? 1,
        variable: "(file)",
        rule: "invalid-manifest",
        message: `is not valid TOML: ${err.message.split("\n")[0]}`,
        fix: "fix the TOML syntax; the platform would refuse the file too.",
      },
    ];
  }
  const lines = tomlLines(text);
  const out: Finding[] = [];
  const isFly = file === "fly.toml";
  const add = (p: string[], variable: string, rule: string, message: string, fix: string) =>
    out.push({ file, line: lineOf(lines, p), variable, rule, message, fix });

  for (const { path: p, value } of tomlEntries(parsed)) {
    const key = p[p.length - 1];
    const parent = p[p.length - 2];
    const underVariables = p.slice(0, -1).some((x) => VARIABLE_TABLES.has(x));
    if (!isFly && VARIABLE_TABLES.has(key) && value && typeof value === "object") {
      // An empty table still says where variables are meant to go: report it; otherwise each variable.
      if (Object.keys(value).length === 0) {
        add(
          p,
          key,
          "railway-variables",
          `declares a variables table [${p.join(".")}]; Railway configuration-as-code must not carry variables.`,
          "remove the table; set variables in the Railway service settings.",
        );
      }
      continue;
    }
    if (!isFly && underVariables) {
      if (VARIABLE_TABLES.has(parent)) {
        add(
          p,
          key,
          "railway-variables",
          `defines ${key} in [${p.slice(0, -1).join(".")}]${cat.secrets.has(key) ? `, and ${key} is a catalog secret` : ""}; Railway configuration-as-code must not carry variables.`,
          `remove it here and set ${key} in the Railway service settings${cat.secrets.has(key) ? " (pegasus-secrets delivers it there)" : ""}.`,
        );
      }
      continue;
    }
    if (cat.secrets.has(key)) {
      if (isFly && parent === "env" && p.length === 2) {
        add(
          p,
          key,
          "fly-env-secret",
          `[env] holds the catalog secret ${key}; [env] is plain text in the image config.`,
          `remove it from [env]: ${key} is a Fly secret of the app, which pegasus-secrets sets (as \`fly secrets set\` would).`,
        );
      } else {
        add(
          p,
          key,
          "manifest-secret-key",
          `names the catalog secret ${key} at [${p.slice(0, -1).join(".") || "top level"}]${p.includes("args") ? " (build arguments end up in the image)" : ""}.`,
          `remove ${key} from ${file}: secrets reach the service from its secret store at runtime, never from the manifest.`,
        );
      }
      continue;
    }
    if (
      isFly &&
      parent === "env" &&
      p.length === 2 &&
      !cat.plain.has(key) &&
      SECRET_LOOKING.test(key) &&
      typeof value === "string" &&
      value !== "" &&
      !isReference(value)
    ) {
      add(
        p,
        key,
        "secret-looking-value",
        `[env] sets ${key}, which is named like a secret, to a literal value.`,
        `if ${key} is a secret, add it to the catalog (catalog/index.ts) and let pegasus-secrets set it as a Fly secret; if not, rename it.`,
      );
    }
  }
  return out;
}

// ------------------------------------------------------------------------------------------------
// The lint
// ------------------------------------------------------------------------------------------------

/** Lints one manifest's text; `file` is its base name (which decides the rules). */
export function lintManifest(
  file: string,
  text: string,
  catalog: CatalogEntry[] = CATALOG,
): Finding[] {
  const cat = view(catalog);
  const specific: Finding[] = [];
  if (file.endsWith(".toml")) {
    specific.push(...lintToml(file, text, cat));
  } else {
    const y = parseYaml(file, text);
    if ("rule" in y) specific.push(y);
    else if (file === "render.yaml") specific.push(...lintRender(y, cat));
    else specific.push(...lintCloudBuild(y, cat));
  }
  // The line scan catches what no structure rule does (a secret in a comment, a start command);
  // a line and variable already reported by a structure rule is not reported twice.
  const seen = new Set(specific.map((f) => `${f.line}|${f.variable}`));
  const generic = scanLines(file, text, cat).filter((f) => !seen.has(`${f.line}|${f.variable}`));
  return [...specific, ...generic].sort((a, b) => a.line - b.line || a.rule.localeCompare(b.rule));
}

/** Lints every known manifest in `dir`. Throws when the folder holds none of them. */
export function lintManifests(dir: string, catalog: CatalogEntry[] = CATALOG): LintResult {
  if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) {
    throw new Error(
      `${dir} is not a folder. Pass the folder that holds the application's deploy manifests.`,
    );
  }
  const checked = MANIFEST_FILES.filter((f) => fs.existsSync(path.join(dir, f)));
  if (checked.length === 0) {
    throw new Error(`No deploy manifest in ${dir}: looked for ${MANIFEST_FILES.join(", ")}.`);
  }
  const findings = checked.flatMap((f) =>
    lintManifest(f, fs.readFileSync(path.join(dir, f), "utf8"), catalog),
  );
  return { dir, checked, findings };
}

/** Human-readable report: one line per finding, `file:line: VARIABLE [rule] message Fix: fix`. */
export function lintText(r: LintResult): string {
  const head = `Checked ${r.checked.join(", ")} in ${r.dir}: ${r.findings.length === 0 ? "no findings." : `${r.findings.length} finding(s).`}`;
  return [
    head,
    ...r.findings.map(
      (f) => `${f.file}:${f.line}: ${f.variable} [${f.rule}] ${f.message} Fix: ${f.fix}`,
    ),
  ].join("\n");
}
