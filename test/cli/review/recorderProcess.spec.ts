// The recorder's processes (cli/review/recorderProcess.ts): how stacks are shared between processes
// run side by side, and that a recorded program cannot write another revision's record, whether the
// two revisions share a process (one core) or not.
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { runRecorders, shares } from "../../../cli/review/recorderProcess";

describe("shares", () => {
  it("cuts the stacks, in order, into at most one run per process", () => {
    const units = ["base:staging", "base:production", "head:staging", "head:production"];
    expect(shares(units, 2)).toEqual([
      ["base:staging", "base:production"],
      ["head:staging", "head:production"],
    ]);
    expect(shares(units, 1)).toEqual([units]);
    expect(shares(units, 3)).toEqual([
      ["base:staging"],
      ["base:production"],
      ["head:staging", "head:production"],
    ]);
    expect(shares(units, 8)).toEqual(units.map((u) => [u]));
    expect(shares(["only"], 0)).toEqual([["only"]]);
    expect(shares([], 2)).toEqual([]);
  });
});

describe("a recorded program forging another revision's record", () => {
  // Two minimal projects: the base declares nothing; the head's program prints a recorder line
  // that claims to be the base's record, with a resource the base does not declare.
  let root: string;
  let base: string;
  let head: string;
  beforeAll(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), "pegasus-forge-"));
    base = path.join(root, "base");
    head = path.join(root, "head");
    for (const dir of [base, head]) {
      fs.mkdirSync(dir);
      fs.writeFileSync(path.join(dir, "Pulumi.yaml"), "name: forge\nruntime: nodejs\n");
      fs.writeFileSync(path.join(dir, "Pulumi.staging.yaml"), "config: {}\n");
    }
    // The base's program is the slower one, so with a process each the head's line arrives first. It
    // blocks for a second without spinning: the suite's other specs keep the cores.
    fs.writeFileSync(
      path.join(base, "index.ts"),
      "Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 1000);\nexport const stack = 'staging';\n",
    );
    const forged = {
      project: base,
      stack: "staging",
      plan: { stack: "staging", resources: [{ type: "forged", name: "forged" }] },
    };
    fs.writeFileSync(
      path.join(head, "index.ts"),
      `process.stdout.write(${JSON.stringify(JSON.stringify(forged) + "\n")});\nexport const stack = "staging";\n`,
    );
  });
  afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

  it.each([1, 2])("keeps the base's own record with %i process(es)", async (parallel) => {
    const out = await runRecorders(
      [
        { projectDir: base, stacks: ["staging"] },
        { projectDir: head, stacks: ["staging"] },
      ],
      parallel,
    );
    const b = out[base].staging;
    const h = out[head].staging;
    expect(b.status).toBe("ok");
    expect(h.status).toBe("ok");
    if (b.status !== "ok") return;
    expect(b.plan.resources.map((r) => r.type)).not.toContain("forged");
  });
});
