// The CLI's TypeScript loader (bin/register.js), through the real bin in a copy of the project:
// an edited file runs on the very next start (the cache is addressed by content, so exactly one
// new entry appears), and a cache that cannot be written only costs the transpile.
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { copyProject, runCli } from "../helpers";

/** Every file under `dir` (the cache's entries). */
const entries = (dir: string): string[] =>
  fs.existsSync(dir)
    ? fs.readdirSync(dir, { recursive: true, encoding: "utf8" }).filter((f) => {
        return fs.statSync(path.join(dir, f)).isFile();
      })
    : [];

describe("the CLI's transpile cache", () => {
  let project: { dir: string; cleanup(): void };
  let cache: string;
  beforeAll(() => {
    project = copyProject("pegasus-register-");
    cache = fs.mkdtempSync(path.join(os.tmpdir(), "pegasus-cache-"));
  });
  afterAll(() => {
    project.cleanup();
    fs.rmSync(cache, { recursive: true, force: true });
  });

  it("runs an edited file on the next start, transpiling only that file again", async () => {
    const env = { PEGASUS_TRANSPILE_CACHE: cache };
    const first = await runCli(project.dir, ["--help"], { env });
    expect(first.code).toBe(0);
    expect(first.stdout).toContain("Plan, review and operate the secrets");
    const filled = entries(cache);
    expect(filled.length).toBeGreaterThan(3);

    const main = path.join(project.dir, "cli", "main.ts");
    fs.writeFileSync(
      main,
      fs
        .readFileSync(main, "utf8")
        .replace("Plan, review and operate the secrets", "Edited since the last run: the secrets"),
    );
    const second = await runCli(project.dir, ["--help"], { env });
    expect(second.code).toBe(0);
    expect(second.stdout).toContain("Edited since the last run: the secrets");
    expect(second.stdout).not.toContain("Plan, review and operate");
    const added = entries(cache).filter((f) => !filled.includes(f));
    expect(added).toHaveLength(1);
  });

  it("runs when the cache cannot be written", async () => {
    const blocked = path.join(cache, "a-file");
    fs.writeFileSync(blocked, "");
    const r = await runCli(project.dir, ["--help"], {
      env: { PEGASUS_TRANSPILE_CACHE: path.join(blocked, "cache") },
    });
    expect(r.code).toBe(0);
    expect(r.stderr).toBe("");
    expect(r.stdout).toContain("Usage: pegasus-secrets");
  });
});
