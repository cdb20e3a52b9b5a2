// Reading a stack's files into the config a program receives, as the Pulumi CLI would pass it, and
// refusing what a real `pulumi up` would misread: an empty or misplaced `secure:`, a file that is not
// YAML or not a map. On copies of the fixture stacks.
import * as fs from "fs";
import * as path from "path";
import { readStackConfig } from "../../../cli/plan";
import { ConfigError } from "../../../model";
import { fixtureProject, FixtureProject } from "../../fixtures";

describe("readStackConfig", () => {
  let f: FixtureProject;
  let file: string;
  beforeEach(() => {
    f = fixtureProject();
    file = path.join(f.dir, "Pulumi.staging.yaml");
  });
  afterEach(() => f.cleanup());
  const add = (yaml: string) =>
    fs.writeFileSync(
      file,
      fs.readFileSync(file, "utf8").replace(/^config:\n/m, `config:\n${yaml}`),
    );
  const ciphertext = () => `v1:${Buffer.from(String(Math.random())).toString("base64")}`;

  it("shows an encrypted value as a marker and never fails on it", () => {
    const secret = ciphertext();
    add(`  pegasus-secrets:redisUrl:\n    secure: ${secret}\n`);
    const files = readStackConfig(f.dir, "staging");
    expect(files.values["pegasus-secrets:redisUrl"]).toBe(
      "[encrypted: set with pulumi config set --secret]",
    );
    expect(files.secretKeys).toContain("pegasus-secrets:redisUrl");
    expect(files.external.find((e) => e.key === "redisUrl")?.state).toBe("encrypted");
    expect(JSON.stringify(files.values)).not.toContain(secret);
  });

  it("shows an unset external value as the command that sets it", () => {
    const files = readStackConfig(f.dir, "staging");
    expect(files.values["pegasus-secrets:redisUrl"]).toBe(
      "[unset: pulumi config set --secret redisUrl --stack staging]",
    );
    expect(files.external.find((e) => e.key === "redisUrl")?.state).toBe("unset");
  });

  it.each<[string, string, string]>([
    [
      "`secure:` beside other keys",
      `  pegasus-secrets:redisUrl:\n    secure: ${ciphertext()}\n    note: x\n`,
      "`pegasus-secrets:redisUrl`: has `secure:` beside other keys (note); an encrypted value holds its ciphertext only. Fix: pulumi config set --secret redisUrl --stack staging   (re-enter the value)",
    ],
    [
      "a `secure:` that is not a string",
      "  pegasus-secrets:webhookSharedSecret:\n    secure: 42\n",
      "`pegasus-secrets:webhookSharedSecret`: is `secure:` with no ciphertext, so it has no value. Fix: pulumi config set --secret webhookSharedSecret --stack staging   (paste the value at the prompt)",
    ],
    [
      "`secure:` inside a map of plain settings",
      `  pegasus-secrets:verify:\n    ready:\n      api:\n        secure: ${ciphertext()}\n`,
      "`pegasus-secrets:verify.ready.api`: is encrypted (`secure:`) inside `verify`, which is plain config: nothing in it is a secret. Fix: pulumi config set --path 'verify.ready.api' <value> --stack staging   (without --secret)",
    ],
    [
      "`gcp:project` encrypted",
      `  gcp:project:\n    secure: ${ciphertext()}\n`,
      "`gcp:project`: is encrypted (`secure:`), but it is plain config, not a secret: only the external values are encrypted. Fix: pulumi config rm gcp:project --stack staging, then pulumi config set gcp:project <value> --stack staging   (without --secret).",
    ],
  ])("refuses %s, naming the key and the fix", (_what, yaml, issue) => {
    // Keys given twice would be a YAML error first: drop the fixture's own line of that key.
    const key = yaml.split(":\n")[0].trim();
    fs.writeFileSync(
      file,
      fs
        .readFileSync(file, "utf8")
        .split("\n")
        .filter((l) => !l.startsWith(`  ${key}:`))
        .join("\n"),
    );
    add(yaml);
    expect(() => readStackConfig(f.dir, "staging")).toThrow(ConfigError);
    expect(() => readStackConfig(f.dir, "staging")).toThrow(
      `Invalid configuration for stack "staging":\n  - ${issue}`,
    );
  });

  it("lets another provider's namespace hold an encrypted value (only this project's keys are checked)", () => {
    add(`  aws:secretKey:\n    secure: ${ciphertext()}\n`);
    expect(readStackConfig(f.dir, "staging").secretKeys).toContain("aws:secretKey");
  });

  it("refuses a stack without a file, naming the stacks there are", () => {
    expect(() => readStackConfig(f.dir, "dev")).toThrow(
      'unknown stack "dev". The stacks of this project (one Pulumi.<stack>.yaml each): staging, production.\nFix: use --stack staging or --stack production; a new stack needs its own file first (pulumi stack init dev).',
    );
  });

  it("refuses a `config:` that is not a map", () => {
    fs.writeFileSync(file, "config:\n  - gcp:project\n");
    expect(() => readStackConfig(f.dir, "staging")).toThrow(
      "Pulumi.staging.yaml cannot be read as settings:\n  - `Pulumi.staging.yaml:1:1`: `config:` holds a list; it must hold a map of `key: value` entries. Fix: indent each setting under `config:` on its own line, e.g. `  gcp:project: <project>`.",
    );
  });

  it("refuses a key indented by one space, naming its line and what to change", () => {
    const text = fs.readFileSync(file, "utf8");
    fs.writeFileSync(
      file,
      text.replace("  gcp:region: europe-west1\n", " gcp:region: europe-west1\n"),
    );
    const line = text.split("\n").findIndex((l) => l.includes("gcp:region")) + 1;
    expect(() => readStackConfig(f.dir, "staging")).toThrow(
      `Pulumi.staging.yaml cannot be read as settings:\n  - \`Pulumi.staging.yaml:${line}:1\`: is not valid YAML: All mapping items must start at the same column. Fix: start this key in the same column as the keys beside it (two spaces per level).`,
    );
  });

  it("never shows the line of a YAML error: it may hold a value pasted by mistake", () => {
    const pasted = `redis://default:${ciphertext()}@cache`;
    fs.writeFileSync(file, `config:\n  pegasus-secrets:redisUrl: "${pasted}\n`);
    let message = "";
    try {
      readStackConfig(f.dir, "staging");
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toMatch(
      /^Pulumi\.staging\.yaml cannot be read as settings:\n {2}- `Pulumi\.staging\.yaml:\d+:\d+`: is not valid YAML/,
    );
    expect(message).not.toContain(pasted.slice(8));
  });
});
