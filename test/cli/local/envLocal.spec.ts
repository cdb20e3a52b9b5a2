// `pegasus-secrets env:local` end to end through the CLI, writing only into temporary directories.
// What this does not prove: that the Pegasus API and worker start with these values.
import { spawnSync } from "child_process";
import { randomBytes } from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import YAML from "yaml";
import { CATALOG } from "../../../catalog";
import { parseDotenv } from "../../../cli/local/dotenv";
import { PRODUCTION_REFUSAL } from "../../../cli/local/envFiles";
import { isGenerated, localEntries } from "../../../model";
import { FIXTURE_DIR } from "../../fixtures";
import { copyProject, runCli, runMain } from "../../helpers";

/** The fixture project: `--stack staging` reads its staging stack, never the committed one. */
const PROJECT = FIXTURE_DIR;
const rand = () => randomBytes(12).toString("hex");
const tmpDirs: string[] = [];
const tmp = () => {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), "pegasus-env-local-"));
  tmpDirs.push(d);
  return d;
};
afterAll(() => tmpDirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

/** Runs the CLI in process, capturing stdout and stderr. */
const run = (...args: string[]) => runMain(PROJECT, args);

const read = (file: string) =>
  new Map(
    [...parseDotenv(fs.readFileSync(file, "utf8"), file).assignments].map(([k, a]) => [k, a.value]),
  );
const mode = (file: string) => fs.statSync(file).mode & 0o777;
const generated = localEntries(CATALOG).filter(isGenerated);
const git = (cwd: string, ...args: string[]) => {
  const r = spawnSync("git", args, { cwd, encoding: "utf8", timeout: 10_000 });
  if (r.status !== 0) throw new Error(`git ${args.join(" ")}: ${r.stderr}`);
};

describe("env:local, a new file", () => {
  let dir: string;
  let result: Awaited<ReturnType<typeof run>>;
  beforeAll(async () => {
    dir = tmp();
    result = await run("env:local", "--out", dir);
  });

  it("writes .env into the --out directory with mode 0600 and no leftover temporary file", () => {
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(fs.readdirSync(dir)).toEqual([".env"]);
    expect(mode(path.join(dir, ".env"))).toBe(0o600);
  });

  it("has every local variable; generated secrets are long and random-looking", () => {
    const v = read(path.join(dir, ".env"));
    expect([...v.keys()]).toEqual(localEntries(CATALOG).map((e) => e.name));
    expect(generated.length).toBeGreaterThan(0);
    for (const e of generated) {
      expect(v.get(e.name)).toMatch(/^[A-Za-z0-9_-]{64,}$/);
      expect(new Set(v.get(e.name)).size).toBeGreaterThan(20);
    }
  });

  it("prints names, never a value", () => {
    const v = read(path.join(dir, ".env"));
    for (const e of generated) expect(result.stdout).not.toContain(v.get(e.name));
    expect(result.stdout).toContain(`Created ${path.join(dir, ".env")} (mode 0600; scope local).`);
    expect(result.stdout).toContain(
      `  added: ${localEntries(CATALOG)
        .map((e) => e.name)
        .join(", ")}`,
    );
    expect(result.stdout).toContain(
      "Fill in by hand (see the comment above each in the file; developer-scoped values only): OPENAI_API_KEY, WEBHOOK_SHARED_SECRET, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY",
    );
  });

  it("generates different values on another run", async () => {
    const other = tmp();
    expect((await run("env:local", "--out", path.join(other, "x.env"))).code).toBe(0);
    const a = read(path.join(dir, ".env"));
    const b = read(path.join(other, "x.env"));
    for (const e of generated) expect(b.get(e.name)).not.toBe(a.get(e.name));
    expect(new Set(generated.map((e) => b.get(e.name))).size).toBe(generated.length);
  });
});

describe("env:local, an existing file", () => {
  it("keeps values without --force, fixes the mode, says what differs, and --force and --regenerate change only theirs", async () => {
    const dir = tmp();
    const file = path.join(dir, ".env");
    const mine = rand();
    const myKey = rand();
    const oldJwt = rand();
    fs.writeFileSync(
      file,
      `MY_OWN=${mine}\nJWT_SECRET=${oldJwt}\nOPENAI_API_KEY=${myKey}\nPUBLIC_API_URL=http://localhost:9000\n`,
      { mode: 0o644 },
    );
    fs.chmodSync(file, 0o644);

    const kept = await run("env:local", "--out", file);
    expect(kept.code).toBe(0);
    expect(mode(file)).toBe(0o600);
    expect(kept.stdout).toContain(`Updated ${file} (mode 0600, was 0644; scope local).`);
    expect(kept.stdout).toContain("  kept: OPENAI_API_KEY, JWT_SECRET\n");
    expect(kept.stdout).toContain("  differ from scope local, kept: PUBLIC_API_URL\n");
    expect(kept.stdout).toContain("  not in the catalog, left as they are: MY_OWN\n");
    let v = read(file);
    expect([v.get("MY_OWN"), v.get("JWT_SECRET"), v.get("OPENAI_API_KEY")]).toEqual([
      mine,
      oldJwt,
      myKey,
    ]);
    expect(v.get("PUBLIC_API_URL")).toBe("http://localhost:9000");
    expect(v.get("SIGNED_URL_KEY")).toMatch(/^[A-Za-z0-9_-]{64}$/);
    const signedUrlKey = v.get("SIGNED_URL_KEY")!;

    const again = await run("env:local", "--out", file);
    expect(again.stdout).toContain(
      `${file} is unchanged (mode 0600; scope local), but 1 setting(s) in it differ from scope local.`,
    );
    expect(read(file).get("SIGNED_URL_KEY")).toBe(signedUrlKey);

    const forced = await run("env:local", "--out", file, "--force");
    expect(forced.code).toBe(0);
    expect(forced.stdout).toContain("  replaced (--force): PUBLIC_API_URL\n");
    v = read(file);
    expect(v.get("PUBLIC_API_URL")).toBe("http://localhost:8080");
    expect([v.get("JWT_SECRET"), v.get("SIGNED_URL_KEY")]).toEqual([oldJwt, signedUrlKey]);
    expect([v.get("MY_OWN"), v.get("OPENAI_API_KEY")]).toEqual([mine, myKey]);

    const upToDate = await run("env:local", "--out", file);
    expect(upToDate.stdout).toContain(`${file} is up to date (mode 0600; scope local).`);

    const renewed = await run("env:local", "--out", file, "--regenerate");
    expect(renewed.stdout).toContain("  regenerated (--regenerate): JWT_SECRET, SIGNED_URL_KEY\n");
    v = read(file);
    expect(v.get("JWT_SECRET")).toMatch(/^[A-Za-z0-9_-]{64}$/);
    expect(v.get("JWT_SECRET")).not.toBe(oldJwt);
    expect(v.get("SIGNED_URL_KEY")).not.toBe(signedUrlKey);
    expect([v.get("MY_OWN"), v.get("OPENAI_API_KEY")]).toEqual([mine, myKey]);
    expect(mode(file)).toBe(0o600);
    for (const out of [kept.stdout, again.stdout, forced.stdout, renewed.stdout]) {
      for (const secret of [mine, myKey, oldJwt, signedUrlKey, v.get("JWT_SECRET")!]) {
        expect(out).not.toContain(secret);
      }
    }
    expect(fs.readdirSync(dir)).toEqual([".env"]);
  });

  it("refuses a malformed file by line, without echoing it, and leaves it untouched", async () => {
    const dir = tmp();
    const file = path.join(dir, ".env");
    const secret = rand();
    const before = `A=1\n${secret}\n`;
    fs.writeFileSync(file, before, { mode: 0o600 });
    const r = await run("env:local", "--out", file);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      `error: ${file}, line 2: is not a KEY=VALUE line. Fix: write one KEY=VALUE per line, or start the line with # to make it a comment. Nothing was written.\n`,
    );
    expect(fs.readFileSync(file, "utf8")).toBe(before);
    expect(fs.readdirSync(dir)).toEqual([".env"]);
  });
});

describe("env:local --stack", () => {
  it.each(["production", "Production", "prod"])(
    "refuses %s as a usage error (exit 2) with the command to run instead, and writes nothing",
    async (stack) => {
      const dir = tmp();
      const r = await run("env:local", "--out", dir, "--stack", stack);
      expect(r.code).toBe(2);
      expect(r.stderr).toBe(
        `error: ${PRODUCTION_REFUSAL}\nFix: npx pegasus-secrets env:local --out ${dir} --stack local\n`,
      );
      expect(r.stdout).toBe("");
      expect(fs.readdirSync(dir)).toEqual([]);
    },
  );

  it("refuses an unknown scope (exit 2)", async () => {
    const dir = tmp();
    const r = await run("env:local", "--out", dir, "--stack", "qa");
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      'error: unknown --stack "qa" for env:local: it takes local (the default) or staging; production values are never written locally.\nFix: use --stack local or --stack staging.\n',
    );
  });

  it("staging takes the staging stack's public URL but keeps local paths and developer-scoped secrets", async () => {
    const dir = tmp();
    const r = await run("env:local", "--out", dir, "--stack", "staging");
    expect(r.code).toBe(0);
    const stagingFile = YAML.parse(
      fs.readFileSync(path.join(FIXTURE_DIR, "Pulumi.staging.yaml"), "utf8"),
    );
    const stagingPlain = stagingFile.config["pegasus-secrets:plain"];
    const v = read(path.join(dir, ".env"));
    expect(v.get("PUBLIC_API_URL")).toBe(stagingPlain.PUBLIC_API_URL);
    expect(v.get("PLC_STORAGE_DIR")).toBe("./var/plc");
    expect(v.get("DATABASE_URL")).toBe("postgresql://localhost:5432/pegasus_dev");
    expect(v.get("OPENAI_API_KEY")).toBe("");
    expect(r.stdout).toContain("(mode 0600; scope staging)");
  });
});

describe("env:local inside a git repository", () => {
  let repo: string;
  beforeEach(() => {
    repo = tmp();
    git(repo, "init", "-q");
  });

  it("refuses when git would not ignore the file, saying how to fix it", async () => {
    const r = await run("env:local", "--out", repo);
    const file = path.join(repo, ".env");
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      `error: Refusing to write ${file}: it is inside the git repository ${fs.realpathSync(repo)} and git does not ignore it, so its values could be committed (secrets-management guide: local .env files are gitignored). Fix: add .env to ${path.join(fs.realpathSync(repo), ".gitignore")}, or pass --out outside the repository. Nothing was written.\n`,
    );
    expect(fs.existsSync(file)).toBe(false);
  });

  it("writes when .gitignore covers it", async () => {
    fs.writeFileSync(path.join(repo, ".gitignore"), ".env\n");
    const r = await run("env:local", "--out", repo);
    expect(r.code).toBe(0);
    expect(mode(path.join(repo, ".env"))).toBe(0o600);
  });

  it("refuses a tracked .env even if .gitignore lists it", async () => {
    fs.writeFileSync(path.join(repo, ".gitignore"), ".env\n");
    fs.writeFileSync(path.join(repo, ".env"), "A=1\n");
    git(repo, "add", "-f", ".env");
    const r = await run("env:local", "--out", repo);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      `git tracks it in ${fs.realpathSync(repo)}, so its values would be committed. Fix: git rm --cached .env, add .env to .gitignore, and rotate every value it has held (they may be in the history). Nothing was written.`,
    );
    expect(fs.readFileSync(path.join(repo, ".env"), "utf8")).toBe("A=1\n");
  });
});

describe("env:local targets", () => {
  it("refuses a missing directory", async () => {
    const missing = path.join(tmp(), "nope");
    const r = await run("env:local", "--out", path.join(missing, ".env"));
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      `error: Directory ${missing} does not exist. Fix: create it, or pass --out with an existing directory. Nothing was written.\n`,
    );
  });

  it("refuses a symbolic link instead of replacing it", async () => {
    const dir = tmp();
    fs.writeFileSync(path.join(dir, "real.env"), "A=1\n");
    fs.symlinkSync(path.join(dir, "real.env"), path.join(dir, ".env"));
    const r = await run("env:local", "--out", dir);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`${path.join(dir, ".env")} is a symbolic link;`);
    expect(fs.lstatSync(path.join(dir, ".env")).isSymbolicLink()).toBe(true);
  });
});

// The stumbles, through the real CLI as a child process (the package's bin, in a project copy).
describe("env:local as a child process", () => {
  let project: { dir: string; cleanup(): void };
  beforeAll(() => {
    project = copyProject("pegasus-env-bin-");
  });
  afterAll(() => project.cleanup());

  it("over an existing .env with a stale PUBLIC_API_URL says so, and --force keeps the generated secrets", async () => {
    const dir = tmp();
    const file = path.join(dir, ".env");
    const first = await runCli(project.dir, ["env:local", "--out", dir]);
    expect(first.code).toBe(0);
    const before = read(file);
    const stale = `https://api.${rand()}.test`;
    fs.writeFileSync(
      file,
      fs.readFileSync(file, "utf8").replace(/^PUBLIC_API_URL=.*$/m, `PUBLIC_API_URL=${stale}`),
    );
    const again = await runCli(project.dir, ["env:local", "--out", dir]);
    expect(again).toEqual({
      code: 0,
      stderr: "",
      stdout: [
        `${file} is unchanged (mode 0600; scope local), but 1 setting(s) in it differ from scope local.`,
        `  kept: ${localEntries(CATALOG)
          .map((e) => e.name)
          .filter((n) => n !== "PUBLIC_API_URL")
          .join(", ")}`,
        "  differ from scope local, kept: PUBLIC_API_URL",
        `To take scope local's values for them: npx pegasus-secrets env:local --out ${dir} --force (generated secrets and values you typed in stay).`,
        `Fill in by hand (see the comment above each in the file; developer-scoped values only): ${localEntries(
          CATALOG,
        )
          .filter((e) => before.get(e.name) === "")
          .map((e) => e.name)
          .join(", ")}`,
        "Never commit this file. If a value in it is exposed, rotate it before your next push.",
        "",
      ].join("\n"),
    });
    const forced = await runCli(project.dir, ["env:local", "--out", dir, "--force"]);
    expect(forced.code).toBe(0);
    expect(forced.stdout).toContain("  replaced (--force): PUBLIC_API_URL\n");
    const after = read(file);
    expect(after.get("PUBLIC_API_URL")).toBe("http://localhost:8080");
    for (const e of generated) expect(after.get(e.name)).toBe(before.get(e.name));
  });

  it("--stack production is a usage error with the fix (exit 2), and nothing is written", async () => {
    const dir = tmp();
    const r = await runCli(project.dir, ["env:local", "--out", dir, "--stack", "production"]);
    expect(r).toEqual({
      code: 2,
      stdout: "",
      stderr: `error: ${PRODUCTION_REFUSAL}\nFix: npx pegasus-secrets env:local --out ${dir} --stack local\n`,
    });
    expect(fs.readdirSync(dir)).toEqual([]);
  });
});
