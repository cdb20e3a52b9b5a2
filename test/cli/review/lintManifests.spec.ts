// `lint-manifests <dir>`: the linters of policy/manifests wired to the CLI's output and exit code.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { main } from "../../../cli/main";
import { FIXTURE_DIR } from "../../fixtures";

/** The CLI in process, on the fixture project (lint-manifests reads no stack file). */
const lint = (...args: string[]) =>
  main(["node", "pegasus-secrets", "lint-manifests", ...args], { projectDir: FIXTURE_DIR });

const EXAMPLES = path.resolve(__dirname, "..", "..", "..", "examples", "manifests");

test("the CLI exits 1 on findings, 0 on none, and refuses a folder with no manifest", async () => {
  const out: string[] = [];
  const err: string[] = [];
  const o = jest
    .spyOn(process.stdout, "write")
    .mockImplementation((c: string | Uint8Array) => (out.push(String(c)), true));
  const e = jest
    .spyOn(process.stderr, "write")
    .mockImplementation((c: string | Uint8Array) => (err.push(String(c)), true));
  const empty = fs.mkdtempSync(path.join(os.tmpdir(), "pegasus-manifests-"));
  try {
    expect(await lint(path.join(EXAMPLES, "good"))).toBe(0);
    expect(await lint(path.join(EXAMPLES, "bad"), "--json")).toBe(1);
    const json = JSON.parse(out[1]) as { findings: { file: string }[] };
    expect(json.findings).toHaveLength(33);
    // --exclude leaves paths out, as the PR workflow leaves out the examples of refused files.
    expect(await lint(EXAMPLES, "--exclude", "bad", "--json")).toBe(0);
    expect(await lint(empty)).toBe(1);
    // A path that is not a folder is a usage error.
    const missing = `${empty}-missing`;
    expect(await lint(missing)).toBe(2);
    expect(err.join("")).toContain(
      `error: ${missing} is not a folder. Pass the repository (or folder) to lint.`,
    );
    expect(err.join("")).toContain(
      `error: No deploy manifest, Dockerfile, compose file, mobile app config, env file or workflow in ${empty}`,
    );
  } finally {
    o.mockRestore();
    e.mockRestore();
    fs.rmSync(empty, { recursive: true, force: true });
  }
});
