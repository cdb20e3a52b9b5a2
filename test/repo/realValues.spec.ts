/**
 * The day of the first real deploy, in a copy of the repository: an operator commits an encrypted
 * value for every external key (as `pulumi config set --secret` writes it), a KMS secrets provider,
 * a bumped keeper for every rotation, and a real-looking ID or URL for every placeholder. Then the
 * specs that read the committed stack files run in that copy, and must pass.
 *
 * Which specs: the ones whose source, or a module under test/ they import (followed transitively),
 * matches the rule in `READERS` below. The rule is computed from the sources, never a hand-kept list:
 * the repository root (`PROJECT_DIR`) next to a stack file's name or passed as a project folder, the
 * program's `runProgram` without `stackFilesDir` (it then reads its sibling stacks from the
 * repository), a `projectCopy` of the committed stacks, or the CLI run in process with its default
 * context (the repository). Every other spec plans the fixture stacks (test/fixtures.ts) or its own
 * copies, and the committed files cannot change what it sees; running them too would double the
 * suite's time to prove nothing more. Listing the stack files' names (what every CLI run does for
 * its `--stack` choices) is not reading them: the copy keeps the same stacks. This spec is left out
 * of its own run.
 */
import { execFile, execFileSync } from "child_process";
import { randomBytes, randomUUID } from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import YAML, { isMap } from "yaml";
import { CATALOG } from "../../catalog";
import { readStackConfig } from "../../cli/plan";
import { stacksIn } from "../../cli/shared/stacks";
import { buildModel, placeholdersOf, rotationKeepers } from "../../model";
import { PROJECT_DIR } from "../helpers";

/** A stack file's name written out: `Pulumi.staging.yaml` (never the project file, `Pulumi.yaml`). */
const STACK_FILE = /Pulumi\.(?!yaml\b)[\w-]+\.yaml/;

/**
 * The program's `runProgram`, under the name a module imports it by, called without
 * `stackFilesDir`: the program then reads its sibling stacks from the repository.
 */
function runsProgramOnRepository(text: string): boolean {
  const imported = /import \{([^}]*)\} from "(\.\.\/)+stacks"/.exec(text)?.[1];
  const name = imported && /\brunProgram(?:\s+as\s+(\w+))?\b/.exec(imported);
  if (!name) return false;
  const calls = text.matchAll(new RegExp(`\\b${name[1] ?? "runProgram"}\\(([^)]*)\\)`, "g"));
  return [...calls].some((c) => !c[1].includes("stackFilesDir"));
}

/** The rule: what marks a test module as reading the committed stack files. */
const READERS: { why: string; test(text: string): boolean }[] = [
  {
    why: "a stack file named in full on the repository root",
    test: (t) => new RegExp(`PROJECT_DIR[^;\\n]{0,80}${STACK_FILE.source}`).test(t),
  },
  {
    why: "a stack file's name built on the repository root",
    test: (t) => /PROJECT_DIR[^;\n]{0,80}Pulumi\.\$\{/.test(t),
  },
  {
    why: "the repository root passed as a project folder",
    test: (t) =>
      /projectDir:\s*PROJECT_DIR\b|\(PROJECT_DIR,\s*(stack|"staging"|"production")/.test(t),
  },
  { why: "the program on the repository's stack files", test: runsProgramOnRepository },
  {
    why: "a copy with the committed stack files",
    test: (t) => /projectCopy\([^)]*"committed"/.test(t),
  },
  {
    why: "the CLI in process with its default context (the repository)",
    test: (t) => /\bmain\(\s*\[[^\]]*\]\s*\)|defaultContext\(/.test(t),
  },
];

const TEST_DIR = path.join(PROJECT_DIR, "test");
const SELF = path.relative(PROJECT_DIR, __filename);

const walk = (dir: string): string[] =>
  fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((e) =>
      e.isDirectory()
        ? e.name === "fixtures"
          ? []
          : walk(path.join(dir, e.name))
        : /\.ts$/.test(e.name)
          ? [path.join(dir, e.name)]
          : [],
    );

/** The test modules a module imports, by relative path, resolved to files under test/. */
function localImports(file: string): string[] {
  const text = fs.readFileSync(file, "utf8");
  return [...text.matchAll(/from "(\.{1,2}\/[^"]+)"/g)]
    .map((m) => path.resolve(path.dirname(file), m[1]))
    .flatMap((p) => [`${p}.ts`, path.join(p, "index.ts")])
    .filter((p) => p.startsWith(TEST_DIR) && fs.existsSync(p));
}

/** Whether a module, or one it imports under test/, matches the rule. */
function readsCommitted(file: string, seen = new Set<string>()): boolean {
  if (seen.has(file)) return false;
  seen.add(file);
  const text = fs.readFileSync(file, "utf8");
  return (
    READERS.some((r) => r.test(text)) || localImports(file).some((f) => readsCommitted(f, seen))
  );
}

/** The specs to run in the copy, relative to the repository. */
export const committedReaders = (): string[] =>
  walk(TEST_DIR)
    .filter((f) => f.endsWith(".spec.ts") && readsCommitted(f))
    .map((f) => path.relative(PROJECT_DIR, f))
    .filter((f) => f !== SELF)
    .sort();

const hex = (n: number) => randomBytes(n).toString("hex");

/** A real-looking value in the place of a placeholder, of the same kind. */
function realValue(key: string, value: string): string {
  if (/^targets\.render\.ownerId$/.test(key)) return `tea-${hex(10)}`;
  if (/^targets\.render\.services\./.test(key)) return `srv-${hex(10)}`;
  if (/^targets\.railway\./.test(key)) return randomUUID();
  return value.replace(/^https?:\/\/[^/]+/, `https://${hex(4)}.pegasus-live.dev`);
}

/** `targets.render.services.api[0]` as the path segments of a YAML document. */
const segments = (key: string): (string | number)[] =>
  key.split(".").flatMap((s) => {
    const m = /^([^[]+)((\[\d+\])*)$/.exec(s)!;
    return [m[1], ...[...m[2].matchAll(/\[(\d+)\]/g)].map((x) => Number(x[1]))];
  });

/** What an operator commits on the first real deploy, applied to one stack file of the copy. */
export function deployForReal(dir: string, stack: string): void {
  const file = path.join(dir, `Pulumi.${stack}.yaml`);
  const model = buildModel(CATALOG, stack, readStackConfig(dir, stack).raw);
  const doc = YAML.parseDocument(fs.readFileSync(file, "utf8"));
  const config = doc.get("config", true);
  if (!isMap(config)) throw new Error(`${file} has no config map`);
  doc.set("secretsprovider", `gcpkms://projects/p/locations/global/keyRings/r/cryptoKeys/${stack}`);
  for (const k of model.externalKeys) {
    config.set(`pegasus-secrets:${k.key}`, { secure: `v1:${randomBytes(48).toString("base64")}` });
  }
  for (const variable of Object.keys(rotationKeepers(model))) {
    doc.setIn(
      ["config", "pegasus-secrets:rotations", variable],
      `2026-12-0${1 + (hex(1).charCodeAt(0) % 8)}.1`,
    );
  }
  for (const p of placeholdersOf(model.config)) {
    const key = p.key.replace(/^pegasus-secrets:/, "");
    const [head, ...rest] = segments(key);
    const at = ["config", `pegasus-secrets:${head}`, ...rest];
    doc.setIn(at, realValue(key, String(doc.getIn(at))));
  }
  fs.writeFileSync(file, doc.toString());
}

const git = (dir: string, ...args: string[]) =>
  execFileSync("git", ["-c", "user.name=operator", "-c", "user.email=op@localhost", ...args], {
    cwd: dir,
    stdio: "pipe",
  });

describe("a copy of the repository on the day of its first real deploy", () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "pegasus-real-"));
    const files = execFileSync("git", ["ls-files", "-co", "--exclude-standard"], {
      cwd: PROJECT_DIR,
      encoding: "utf8",
    })
      .split("\n")
      // Not a file deleted in the working tree, nor a linked node_modules (in a copy, untracked).
      .filter((f) => f && f !== "node_modules" && fs.existsSync(path.join(PROJECT_DIR, f)));
    for (const f of files) {
      const from = path.join(PROJECT_DIR, f);
      fs.mkdirSync(path.dirname(path.join(dir, f)), { recursive: true });
      if (fs.lstatSync(from).isSymbolicLink()) {
        fs.symlinkSync(fs.readlinkSync(from), path.join(dir, f));
      } else {
        fs.copyFileSync(from, path.join(dir, f));
      }
    }
    fs.symlinkSync(path.join(PROJECT_DIR, "node_modules"), path.join(dir, "node_modules"), "dir");
    git(dir, "init", "-q", "-b", "main");
    // The link is not a folder, so .gitignore's `node_modules/` does not cover it.
    fs.appendFileSync(path.join(dir, ".git", "info", "exclude"), "node_modules\n");
    git(dir, "add", "-A");
    git(dir, "commit", "-q", "-m", "as in this working tree");
    for (const stack of stacksIn(dir)) deployForReal(dir, stack);
    git(
      dir,
      "commit",
      "-q",
      "-am",
      "First real deploy: encrypted values, real IDs, bumped keepers",
    );
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("holds what an operator commits: every external value encrypted, no placeholder, new keepers", () => {
    for (const stack of stacksIn(dir)) {
      const files = readStackConfig(dir, stack);
      const model = buildModel(CATALOG, stack, files.raw);
      const needed = new Set(model.externalKeys.map((k) => k.key));
      expect(files.external.filter((e) => needed.has(e.key) && e.state !== "encrypted")).toEqual(
        [],
      );
      expect(placeholdersOf(model.config)).toEqual([]);
      expect(Object.values(rotationKeepers(model)).filter((k) => k === "initial")).toEqual([]);
    }
  });

  it("runs there, green, every spec that reads the committed stack files", async () => {
    const specs = committedReaders();
    // The rule finds the known readers (a rule that found nothing would prove nothing).
    expect(specs).toEqual(
      expect.arrayContaining([
        "test/repo/committedStacks.spec.ts",
        "test/cli/runbook/stackEdit.spec.ts",
      ]),
    );
    // One Jest test file that runs them all (test/suites/specs.ts says why): one module registry
    // for the SDK and the program instead of one per spec.
    fs.writeFileSync(
      path.join(dir, "test", "suites", "committed.test.ts"),
      `import { runSpecs } from "./specs";\n\nrunSpecs(${JSON.stringify(specs)});\n`,
    );
    const env = { ...process.env };
    delete env.PEGASUS_SPEC;
    const r = await new Promise<{ code: number; output: string }>((resolve) =>
      execFile(
        process.execPath,
        [
          path.join(dir, "node_modules", "jest", "bin", "jest.js"),
          "--ci",
          "--verbose",
          // Jest keys its caches by path, and the copy's path is new every time: its caches go
          // with the copy instead of piling up in the shared one.
          "--cacheDirectory",
          path.join(dir, ".jest-cache"),
          "--testPathPatterns",
          "test/suites/committed\\.test\\.ts$",
        ],
        { cwd: dir, env, timeout: 240_000, maxBuffer: 16 << 20 },
        (err, stdout, stderr) =>
          resolve({ code: err ? Number(err.code ?? 1) : 0, output: `${stdout}${stderr}` }),
      ),
    );
    if (r.code !== 0)
      throw new Error(`specs failed in the copy (${specs.join(", ")}):\n${r.output.slice(-6000)}`);
    expect(r.output).toMatch(/Test Suites: 1 passed, 1 total/);
    // Every spec ran: each is a `describe` named by its path, which --verbose prints.
    for (const spec of specs) expect(r.output).toContain(`  ${spec}\n`);
  }, 300_000);
});
