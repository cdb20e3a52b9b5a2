// The committed .env.example is what the catalog generates, and no local .env can reach git.
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { CATALOG } from "../../../catalog";
import { EXAMPLE_COMMAND, renderExample } from "../../../cli/local/envFiles";
import { FIXTURE_DIR } from "../../fixtures";
import { PROJECT_DIR, runMain } from "../../helpers";

const git = (...args: string[]) =>
  spawnSync("git", args, { cwd: PROJECT_DIR, encoding: "utf8", timeout: 10_000 });

/** Runs the CLI in process, capturing stdout and stderr. */
const run = (...args: string[]) => runMain(FIXTURE_DIR, args);

describe(".env.example", () => {
  it("is what the catalog generates", () => {
    const file = path.join(PROJECT_DIR, ".env.example");
    const committed = fs.existsSync(file) ? fs.readFileSync(file, "utf8") : "(missing)";
    if (committed !== renderExample(CATALOG)) {
      throw new Error(
        `.env.example is stale: it differs from what catalog/index.ts generates. Fix: ${EXAMPLE_COMMAND}, then commit .env.example.`,
      );
    }
  });

  describe("env:example", () => {
    let dir: string;
    beforeAll(() => {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), "pegasus-env-example-"));
    });
    afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

    it("writes the generated file, then --check passes", async () => {
      const file = path.join(dir, "example.env");
      const w = await run("env:example", "--out", file);
      expect(w.code).toBe(0);
      expect(fs.readFileSync(file, "utf8")).toBe(renderExample(CATALOG));
      expect(fs.statSync(file).mode & 0o777).toBe(0o644);
      const c = await run("env:example", "--out", file, "--check");
      expect([c.code, c.stderr]).toEqual([0, ""]);
    });

    it("--check fails on a stale file, naming the command that fixes it, and leaves it as it was", async () => {
      const file = path.join(dir, "stale.env");
      const stale = renderExample(CATALOG).replace("HTTP_TIMEOUT_MS=", "HTTP_TIMEOUT_MSX=");
      fs.writeFileSync(file, stale);
      const r = await run("env:example", "--out", file, "--check");
      expect(r.code).toBe(1);
      expect(r.stderr).toBe(
        `error: ${file} is stale: it differs from what the catalog generates. Fix: npx pegasus-secrets env:example, then commit stale.env.\n`,
      );
      expect(fs.readFileSync(file, "utf8")).toBe(stale);
    });
  });
});

describe("local .env files and git", () => {
  it("ignores .env, .env.local and similar, but not .env.example", () => {
    for (const name of [".env", ".env.local", ".env.development", "sub/.env"]) {
      expect([name, git("check-ignore", "-q", "--no-index", name).status]).toEqual([name, 0]);
    }
    expect(git("check-ignore", "-q", "--no-index", ".env.example").status).toBe(1);
  });

  it("tracks no .env file", () => {
    const r = git("ls-files", "-z");
    expect(r.status).toBe(0);
    const tracked = r.stdout
      .split("\0")
      .filter((f) => /(^|\/)\.env($|\.)/.test(f) && path.basename(f) !== ".env.example");
    expect(tracked).toEqual([]);
  });
});
