// `seal`: an external value stored as a Cloud KMS ciphertext, read without echo, encrypted by KMS,
// never printed, logged or kept in clear; then the program opens it only at `pulumi up`, through
// the `gcp.kms.getKMSSecret` data source (a stand-in value under the plan's mocks).
import { createHash, randomBytes } from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { defaultValueGenerator, runUnderMocks } from "../../../cli/plan/engine";
import { gcloudKmsEncrypt } from "../../../cli/runbook/secretInput";
import { isSecret, unwrapSecrets } from "@pegasus-secrets/test-engine";
import { runProgram } from "../../../stacks";
import YAML from "yaml";
import { cli, logEntries, ok, refusal, setStackConfig, TempProject, tempProject } from "./helpers";

const KEY = "projects/pegasus-staging/locations/europe-west1/keyRings/intake/cryptoKeys/external";

describe("seal", () => {
  let p: TempProject;
  /** Values typed at the prompt, in order; and what the fake KMS was asked to encrypt. */
  let typed: string[];
  let encrypted: { key: string; plaintext: string }[];
  /** A stand-in for Cloud KMS: random bytes per call, as real ciphertexts are. */
  const kmsEncrypt = async (key: string, plaintext: Buffer) => {
    encrypted.push({ key, plaintext: plaintext.toString("utf8") });
    return randomBytes(64);
  };
  const run = (args: string[]) =>
    cli(p, args, { readSecret: async () => typed.shift() ?? "", kmsEncrypt });
  const sealArgs = (consumer?: string) => [
    "seal",
    "OPENAI_API_KEY",
    "--stack",
    "staging",
    "--operator",
    "alice",
    ...(consumer ? ["--consumer", consumer] : []),
  ];
  beforeEach(() => {
    p = tempProject("2026-11-29T03:00:00Z");
    typed = [];
    encrypted = [];
    setStackConfig(p, "staging", "pegasus-secrets:sealedValues", { key: KEY, values: {} });
  });
  afterEach(() => p.cleanup());
  /** The ciphertext the stack file holds for a config key. */
  const sealedOf = (configKey: string): string =>
    YAML.parse(p.read("Pulumi.staging.yaml")).config["pegasus-secrets:sealedValues"].values[
      configKey
    ];

  it("stores only the ciphertext, replaces a config secret, and records which key sealed it", async () => {
    const value = `sk-${randomBytes(12).toString("hex")}`;
    typed.push(value);
    const r = await run(sealArgs("api"));
    expect(r.code).toBe(0);
    expect(encrypted).toEqual([{ key: KEY, plaintext: value }]);
    const file = p.read("Pulumi.staging.yaml");
    const stored = sealedOf("openaiApiKeyApi");
    expect(file).toContain(`    values:\n      openaiApiKeyApi: ${stored}\n`);
    const fingerprint = `sha256:${createHash("sha256").update(stored).digest("hex").slice(0, 16)}`;
    expect(Buffer.from(stored, "base64")).toHaveLength(64);
    expect(file).not.toMatch(/^ {2}pegasus-secrets:openaiApiKeyApi:/m);
    expect(r.out).toContain(
      `Sealed the new value of OPENAI_API_KEY for api in staging with ${KEY}: Pulumi.staging.yaml sealedValues.values.openaiApiKeyApi holds its ciphertext (${fingerprint})`,
    );
    expect(logEntries(p)).toEqual([
      {
        action: "seal",
        ts: "2026-11-29T03:00:00Z",
        operator: "alice",
        stack: "staging",
        variable: "OPENAI_API_KEY",
        consumer: "api",
        configKey: "openaiApiKeyApi",
        key: KEY,
        ciphertext: fingerprint,
        reason: null,
      },
    ]);
    for (const text of [r.out, r.err, file, p.read("operations/log.jsonl")]) {
      expect(text).not.toContain(value);
    }
  });

  it("a rotation of an external value prints seal commands, and records once every value is sealed", async () => {
    const rotate = ["rotate", "OPENAI_API_KEY", "--stack", "staging", "--operator", "alice"];
    const start = await ok(p, rotate);
    expect(start.out).toContain(
      "     npx pegasus-secrets seal OPENAI_API_KEY --stack staging --consumer api --operator alice\n" +
        "     npx pegasus-secrets seal OPENAI_API_KEY --stack staging --consumer worker --operator alice\n" +
        "     npx pegasus-secrets seal OPENAI_API_KEY --stack staging --consumer ci --operator alice\n",
    );
    for (const consumer of ["api", "worker", "ci"]) {
      typed.push(randomBytes(16).toString("hex"));
      expect((await run(sealArgs(consumer))).code).toBe(0);
    }
    const done = await run(rotate);
    expect(done.code).toBe(0);
    expect(done.out).toContain(
      "Rotated OPENAI_API_KEY in staging: keeper initial -> 2026-11-29.1.",
    );
  });

  it("the program opens a sealed value with getKMSSecret at pulumi up; the plan shows it as sealed", async () => {
    for (const consumer of ["api", "worker", "ci"]) {
      typed.push(randomBytes(16).toString("hex"));
      expect((await run(sealArgs(consumer))).code).toBe(0);
    }
    const regs = await runUnderMocks({
      projectDir: p.dir,
      stack: "staging",
      program: () => runProgram({ now: p.clock.now, stackFilesDir: p.dir }),
    });
    expect(regs.files.external.filter((e) => e.key.startsWith("openaiApiKey"))).toEqual([
      { key: "openaiApiKeyApi", state: "sealed" },
      { key: "openaiApiKeyWorker", state: "sealed" },
      { key: "openaiApiKeyCi", state: "sealed" },
    ]);
    const stored = sealedOf("openaiApiKeyApi");
    const version = regs.registered.find(
      (r) =>
        r.type === "gcp:secretmanager/secretVersion:SecretVersion" &&
        r.name.startsWith("openai-api-key-api-version"),
    )!;
    expect(unwrapSecrets(version.inputs.secretData)).toBe(
      defaultValueGenerator("kms-plaintext", stored),
    );
    expect(isSecret(version.inputs.secretData)).toBe(true);
  });

  describe("refusals, nothing written", () => {
    const refused = async (args: string[], message: string) => {
      const before = p.read("Pulumi.staging.yaml");
      const r = await run(args);
      expect(refusal(r)).toBe(message);
      expect(r.code).toBe(1);
      expect(p.read("Pulumi.staging.yaml")).toBe(before);
      expect(logEntries(p)).toEqual([]);
    };

    it("a stack that does not seal, a value the stack produces, a missing consumer, an empty value", async () => {
      await refused(
        ["seal", "JWT_SECRET", "--stack", "staging", "--operator", "alice"],
        "JWT_SECRET is not an external value in staging (its source is generated): the stack produces it, so there is nothing to seal.",
      );
      await refused(
        sealArgs(),
        "OPENAI_API_KEY has one value per consumer in staging (api, worker, ci): seal each one with --consumer <api|worker|ci>.",
      );
      typed.push("   ");
      await refused(
        sealArgs("api"),
        "No value given for OPENAI_API_KEY for api: nothing was sealed or written.",
      );
      setStackConfig(p, "staging", "pegasus-secrets:sealedValues", undefined);
      await refused(
        sealArgs("api"),
        `Stack staging does not seal its external values: it has no pegasus-secrets:sealedValues.key. Set the sealing key first (README, "First deploy: checklist", step 7: operators get encrypt rights on it, the deploy identity decrypt rights): pulumi config set --path 'sealedValues.key' projects/<project>/locations/<location>/keyRings/<ring>/cryptoKeys/<key> --stack staging. Or store the value with pulumi config set --secret.`,
      );
    });
  });
});

describe("gcloud kms encrypt, as seal runs it", () => {
  let dir: string;
  const PATH = process.env.PATH;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "pegasus-gcloud-"));
  });
  afterEach(() => {
    process.env.PATH = PATH;
    fs.rmSync(dir, { recursive: true, force: true });
  });
  /** A `gcloud` on PATH that records its arguments and answers with its standard input reversed. */
  const fakeGcloud = (exit = 0) => {
    fs.writeFileSync(
      path.join(dir, "gcloud"),
      `#!/bin/sh\necho "$@" > "${dir}/args"\n${exit ? `echo "ERROR: (gcloud.kms.encrypt) PERMISSION_DENIED" >&2; exit ${exit}` : "rev"}\n`,
    );
    fs.chmodSync(path.join(dir, "gcloud"), 0o755);
    process.env.PATH = `${dir}:${PATH}`;
  };

  it("passes the value on standard input, never as an argument", async () => {
    fakeGcloud();
    const value = randomBytes(8).toString("hex");
    const out = await gcloudKmsEncrypt(KEY, Buffer.from(value));
    expect(out.toString().trim()).toBe([...value].reverse().join(""));
    const args = fs.readFileSync(path.join(dir, "args"), "utf8");
    expect(args.trim()).toBe(`kms encrypt --key=${KEY} --plaintext-file=- --ciphertext-file=-`);
    expect(args).not.toContain(value);
  });

  const timers = () => process.getActiveResourcesInfo().filter((r) => r === "Timeout").length;

  it("gives up on a gcloud that does not answer, and keeps no timer after a missing one", async () => {
    fs.writeFileSync(path.join(dir, "gcloud"), "#!/bin/sh\nexec sleep 5\n");
    fs.chmodSync(path.join(dir, "gcloud"), 0o755);
    process.env.PATH = `${dir}:${PATH}`;
    await expect(gcloudKmsEncrypt(KEY, Buffer.from("x"), 200)).rejects.toThrow(
      "gcloud kms encrypt did not answer within 0.2 s (check your network and `gcloud auth login`); nothing was written.",
    );
    const before = timers();
    process.env.PATH = dir.replace(/$/, "-empty");
    await expect(gcloudKmsEncrypt(KEY, Buffer.from("x"))).rejects.toThrow(
      "gcloud is not installed",
    );
    expect(timers()).toBe(before);
  });

  it("names the missing permission, and a missing gcloud", async () => {
    fakeGcloud(1);
    await expect(gcloudKmsEncrypt(KEY, Buffer.from("x"))).rejects.toThrow(
      `gcloud kms encrypt failed (exit 1: ERROR: (gcloud.kms.encrypt) PERMISSION_DENIED). Sealing needs roles/cloudkms.cryptoKeyEncrypter on ${KEY} for your account (gcloud auth login); nothing was written.`,
    );
    process.env.PATH = dir.replace(/$/, "-empty");
    await expect(gcloudKmsEncrypt(KEY, Buffer.from("x"))).rejects.toThrow(
      "gcloud is not installed here: seal encrypts with it",
    );
  });
});
