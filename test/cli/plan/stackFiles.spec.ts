// Reading a stack's files into the config a program receives, as the Pulumi CLI would pass it.
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { readStackConfig } from "../../../cli/plan";
import { PROJECT_DIR } from "../../helpers";

describe("readStackConfig", () => {
  let tmp: string;
  beforeEach(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), "pegasus-stackfiles-"));
    fs.copyFileSync(path.join(PROJECT_DIR, "Pulumi.yaml"), path.join(tmp, "Pulumi.yaml"));
  });
  afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it("shows an encrypted value as a marker and never fails on it", async () => {
    const stack = fs.readFileSync(path.join(PROJECT_DIR, "Pulumi.staging.yaml"), "utf8");
    const ciphertext = `v1:${Buffer.from(String(Math.random())).toString("base64")}`;
    fs.writeFileSync(
      path.join(tmp, "Pulumi.staging.yaml"),
      `${stack}  pegasus-secrets:redisUrl:\n    secure: ${ciphertext}\n`,
    );
    // Evaluate the committed program against this folder's config.
    const files = readStackConfig(tmp, "staging");
    expect(files.values["pegasus-secrets:redisUrl"]).toBe(
      "[encrypted: set with pulumi config set --secret]",
    );
    expect(files.secretKeys).toContain("pegasus-secrets:redisUrl");
    expect(files.external.find((e) => e.key === "redisUrl")?.state).toBe("encrypted");
    expect(JSON.stringify(files.values)).not.toContain(ciphertext);
  });

  it("names the known stacks when asked for another", () => {
    fs.copyFileSync(
      path.join(PROJECT_DIR, "Pulumi.staging.yaml"),
      path.join(tmp, "Pulumi.staging.yaml"),
    );
    expect(() => readStackConfig(tmp, "dev")).toThrow(
      `No stack file Pulumi.dev.yaml in ${tmp}. Known stacks: staging.`,
    );
  });
});
