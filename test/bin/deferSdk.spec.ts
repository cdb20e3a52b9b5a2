// The CLI's stand-ins for the SDK's function serializer (bin/deferSdk.js). Each check runs in a
// fresh Node process: the stand-ins live in Node's module cache, which Jest replaces with its own.
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { PROJECT_DIR } from "../helpers";

const BIN = path.join(PROJECT_DIR, "bin");

/** Runs `script` in a fresh Node process in the project and returns what it printed as JSON. */
function probe(script: string, preload: string[] = []): unknown {
  const r = spawnSync(process.execPath, [...preload.flatMap((p) => ["-r", p]), "-e", script], {
    cwd: PROJECT_DIR,
    encoding: "utf8",
    timeout: 30_000,
  });
  expect({ status: r.status, stderr: r.stderr }).toEqual({ status: 0, stderr: "" });
  return JSON.parse(r.stdout);
}

/** What a script prints: which of the serializer's dependencies Node's module cache holds. */
const LOADED = `
  const loaded = (name) => Object.keys(require.cache).some((f) => f.includes("/node_modules/" + name + "/"));
  const heavy = () => ({ typescript: loaded("typescript"), arborist: loaded("@npmcli/arborist") });
`;

describe("the SDK's function serializer in the CLI's processes", () => {
  it("is loaded by a plain program that loads the SDK", () => {
    // The control: without it, the next test would pass on an SDK that had stopped loading them by
    // itself, and the stand-ins would be dead code.
    const script = `${LOADED}
      require("@pulumi/pulumi");
      console.log(JSON.stringify(heavy()));`;
    expect(probe(script)).toEqual({ typescript: true, arborist: true });
  });

  it("is not loaded by the CLI's processes, and still serializes a function when asked, loading TypeScript then", () => {
    const script = `${LOADED}
      const pulumi = require("@pulumi/pulumi");
      const before = heavy();
      const codePaths = typeof pulumi.runtime.computeCodePaths;
      const factor = 6;
      pulumi.runtime.serializeFunction(function answer() { return 7 * factor; }).then((s) => {
        const m = { exports: {} };
        new Function("exports", "module", "require", s.text)(m.exports, m, require);
        console.log(JSON.stringify({ before, codePaths, after: heavy(), answer: m.exports.handler() }));
        process.exit(0);
      });`;
    expect(probe(script, [path.join(BIN, "register.js")])).toEqual({
      before: { typescript: false, arborist: false },
      codePaths: "function",
      after: { typescript: true, arborist: false },
      answer: 42,
    });
  });

  it("acts on the real module, loaded on first use (a read, a listing, a write, or a call of a name read at start), and a failure to load surfaces there", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pegasus-defer-"));
    try {
      // Each module counts its loads, and reads back what was written to its exports.
      for (const name of ["heavy", "listed", "plain"]) {
        fs.writeFileSync(
          path.join(dir, `${name}.js`),
          [
            `globalThis.loads = { ...globalThis.loads, ${name}: (globalThis.loads?.${name} ?? 0) + 1 };`,
            "exports.version = 'v1';",
            "exports.sum = (a, b) => a + b;",
            "exports.written = () => exports.extra;",
          ].join("\n"),
        );
      }
      fs.writeFileSync(path.join(dir, "broken.js"), "throw new Error('broken on load');");
      const at = (name: string) => JSON.stringify(path.join(dir, `${name}.js`));
      const script = `
        const { defer } = require(${JSON.stringify(path.join(BIN, "deferSdk.js"))});
        const loads = (name) => globalThis.loads?.[name] ?? 0;
        for (const name of ["heavy", "listed", "plain", "broken"]) defer(require("path").join(${JSON.stringify(dir)}, name + ".js"), ["sum"]);

        const m = require(${at("heavy")});
        const sum = m.sum;
        const afterRead = loads("heavy");
        const total = sum(2, 3);
        const afterCall = loads("heavy");
        const version = m.version;
        const sameObject = require(${at("heavy")}) === m;

        // Listing and writing act on the real module, as TypeScript's import helpers and a test's spy do.
        const listed = require(${at("listed")});
        const keys = Object.keys(listed);
        listed.extra = "set";
        const written = listed.written();

        // A name every object has is not taken for one called later: reading it loads the module.
        const plain = require(${at("plain")});
        const toStringIsOwn = plain.toString === Object.prototype.toString;
        const plainLoads = loads("plain");

        const broken = require(${at("broken")});
        let error = "";
        try { broken.anything; } catch (e) { error = e.message; }
        console.log(JSON.stringify({ afterRead, total, afterCall, version, sameObject, heavy: loads("heavy"), keys, written, toStringIsOwn, plainLoads, error }));`;
      expect(probe(script)).toEqual({
        afterRead: 0,
        total: 5,
        afterCall: 1,
        version: "v1",
        sameObject: true,
        heavy: 1,
        keys: ["version", "sum", "written"],
        written: "set",
        toStringIsOwn: true,
        plainLoads: 1,
        error: "broken on load",
      });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
