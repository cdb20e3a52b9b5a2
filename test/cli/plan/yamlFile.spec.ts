import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { randomBytes } from "crypto";
import { readYamlMap } from "../../../cli/plan/yamlFile";

describe("readYamlMap", () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "pegasus-yaml-"));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("gives every caller its own copy of a file it parsed before, and reads an edited file anew", () => {
    const file = path.join(dir, "Pulumi.staging.yaml");
    const owner = `team-${randomBytes(4).toString("hex")}`;
    fs.writeFileSync(file, `config:\n  pegasus-secrets:owner: ${owner}\n  list: [a, b]\n`);
    const first = readYamlMap(file);
    (first.config as Record<string, unknown>)["pegasus-secrets:owner"] = "changed by a caller";
    ((first.config as Record<string, unknown>).list as string[]).push("c");
    expect(readYamlMap(file)).toEqual({
      config: { "pegasus-secrets:owner": owner, list: ["a", "b"] },
    });

    fs.writeFileSync(file, `config:\n  pegasus-secrets:owner: other\n`);
    expect(readYamlMap(file)).toEqual({ config: { "pegasus-secrets:owner": "other" } });
  });

  it("refuses the same broken content every time it is read", () => {
    const file = path.join(dir, "Pulumi.staging.yaml");
    fs.writeFileSync(file, "config:\n  a: 1\n  a: 2\n");
    for (let i = 0; i < 2; i++) {
      expect(() => readYamlMap(file)).toThrow("Pulumi.staging.yaml cannot be read as settings");
    }
  });
});
