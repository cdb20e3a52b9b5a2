// `lint-manifests <dir>`: the linters of policy/manifests wired to the CLI's output and exit code.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { main } from "../../../cli/main";

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
    expect(
      await main(["node", "pegasus-secrets", "lint-manifests", path.join(EXAMPLES, "good")]),
    ).toBe(0);
    expect(
      await main([
        "node",
        "pegasus-secrets",
        "lint-manifests",
        path.join(EXAMPLES, "bad"),
        "--json",
      ]),
    ).toBe(1);
    const json = JSON.parse(out[1]) as { findings: unknown[] };
    expect(json.findings).toHaveLength(19);
    expect(await main(["node", "pegasus-secrets", "lint-manifests", empty])).toBe(1);
    expect(err.join("")).toContain(
      `error: No deploy manifest in ${empty}: looked for render.yaml, railway.toml, railway.worker.toml, fly.toml, cloudbuild.yaml.`,
    );
  } finally {
    o.mockRestore();
    e.mockRestore();
    fs.rmSync(empty, { recursive: true, force: true });
  }
});
