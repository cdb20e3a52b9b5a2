import * as fs from "fs";
import { ConfigError } from "../../../model";
import { StackFile, validateStackText, writeStackFiles } from "../../../cli/runbook/stackEdit";
import { FIXTURE_DIR } from "../../fixtures";
import { PROJECT_DIR } from "../../helpers";
import { tempProject, TempProject } from "./helpers";

const HAND_WRITTEN = `# Staging: hand-written header comment.
config:
  gcp:project: pegasus-staging # the GCP project
  pegasus-secrets:owner: platform
  # Keepers: one per rotated variable.
  pegasus-secrets:rotations:
    # rotated after the March drill
    JWT_SECRET: "2026-03-01.1" # why: drill
    SIGNED_URL_KEY: initial
  pegasus-secrets:previousKeepers:
    # open since the drill
    JWT_SECRET: initial
  pegasus-secrets:plain:
    PLC_STORAGE_DIR: /srv/pegasus/staging/plc
    PUBLIC_API_URL: https://api.staging.pegasus.example
  pegasus-secrets:rollout:
    order: [api, worker]
`;

describe("StackFile: editing keepers keeps comments and formatting", () => {
  let p: TempProject;
  beforeEach(() => {
    p = tempProject();
    p.write("Pulumi.staging.yaml", HAND_WRITTEN);
  });
  afterEach(() => p.cleanup());

  it("round-trips the committed stack files byte for byte when nothing is edited", () => {
    for (const stack of ["staging", "production"]) {
      const f = StackFile.load(PROJECT_DIR, stack);
      expect(f.toString()).toBe(fs.readFileSync(`${PROJECT_DIR}/Pulumi.${stack}.yaml`, "utf8"));
      expect(f.roundTrips()).toBe(true);
    }
    expect(StackFile.load(p.dir, "staging").toString()).toBe(HAND_WRITTEN);
  });

  it("changes a keeper in place: its comments stay, no other line changes", () => {
    const f = StackFile.load(p.dir, "staging");
    f.setKeeper("rotations", "JWT_SECRET", "2026-11-29.1");
    const after = f.toString();
    expect(after).toBe(
      HAND_WRITTEN.replace(
        'JWT_SECRET: "2026-03-01.1" # why: drill',
        'JWT_SECRET: "2026-11-29.1" # why: drill',
      ),
    );
  });

  it("adds a new entry quoted, beside its siblings", () => {
    const f = StackFile.load(p.dir, "staging");
    f.setKeeper("rotations", "OPENAI_API_KEY", "2026-11-29.1");
    expect(f.toString()).toBe(
      HAND_WRITTEN.replace(
        "    SIGNED_URL_KEY: initial\n",
        '    SIGNED_URL_KEY: initial\n    OPENAI_API_KEY: "2026-11-29.1"\n',
      ),
    );
  });

  it("removes an entry, and the map once it is empty, keeping the comments of what follows", () => {
    const f = StackFile.load(p.dir, "staging");
    expect(f.deleteKeeper("previousKeepers", "JWT_SECRET")).toBe(true);
    const after = f.toString();
    expect(after).not.toContain("previousKeepers");
    expect(after).toContain("# Staging: hand-written header comment.");
    expect(after).toContain("  # Keepers: one per rotated variable.");
    expect(after).toContain("    # rotated after the March drill");
    expect(after).toContain("order: [api, worker]");
    expect(f.deleteKeeper("previousKeepers", "JWT_SECRET")).toBe(false);
  });

  it("creates previousKeepers right after rotations when it does not exist", () => {
    // The fixture stack (one keeper, no previousKeepers), not the committed one: its state changes.
    const f = StackFile.load(FIXTURE_DIR, "staging");
    f.setKeeper("rotations", "JWT_SECRET", "2026-11-29.1");
    f.setKeeper("previousKeepers", "JWT_SECRET", "initial");
    const after = f.toString();
    expect(after).toContain(
      'pegasus-secrets:rotations:\n    JWT_SECRET: "2026-11-29.1"\n  pegasus-secrets:previousKeepers:\n    JWT_SECRET: "initial"\n',
    );
    // Everything before the edit is unchanged.
    const before = fs.readFileSync(`${FIXTURE_DIR}/Pulumi.staging.yaml`, "utf8");
    const cut = before.indexOf("pegasus-secrets:rotations:");
    expect(after.slice(0, cut)).toBe(before.slice(0, cut));
  });

  it("fingerprints ciphertext only: unset, encrypted, replaced", () => {
    const f0 = StackFile.load(p.dir, "staging");
    expect(f0.ciphertextFingerprint("openaiApiKeyApi")).toBe("unset");
    p.write(
      "Pulumi.staging.yaml",
      `${HAND_WRITTEN}  pegasus-secrets:openaiApiKeyApi:\n    secure: v1:AAAA\n`,
    );
    const f1 = StackFile.load(p.dir, "staging").ciphertextFingerprint("openaiApiKeyApi");
    expect(f1).toMatch(/^sha256:[0-9a-f]{16}$/);
    p.write(
      "Pulumi.staging.yaml",
      `${HAND_WRITTEN}  pegasus-secrets:openaiApiKeyApi:\n    secure: v1:BBBB\n`,
    );
    expect(StackFile.load(p.dir, "staging").ciphertextFingerprint("openaiApiKeyApi")).not.toBe(f1);
  });

  it("validates an edit with the model before anything is written", () => {
    const f = StackFile.load(PROJECT_DIR, "staging");
    f.setKeeper("rotations", "JWT_SECRET", "initial");
    f.setKeeper("previousKeepers", "JWT_SECRET", "initial");
    expect(() => validateStackText(PROJECT_DIR, "staging", f.toString())).toThrow(ConfigError);
    expect(() => validateStackText(PROJECT_DIR, "staging", f.toString())).toThrow(
      "`pegasus-secrets:previousKeepers.JWT_SECRET`: equals the current keeper of JWT_SECRET; the previous value must differ.",
    );
  });

  it("refuses to write a file that changed since it was read, and writes nothing", () => {
    const a = StackFile.load(p.dir, "staging");
    a.setKeeper("rotations", "JWT_SECRET", "2026-11-29.1");
    const edit = a.edit();
    p.write("Pulumi.staging.yaml", `${HAND_WRITTEN}# edited meanwhile\n`);
    expect(() => writeStackFiles([edit])).toThrow(
      "Pulumi.staging.yaml changed while this command ran (another `pulumi config set`?). Nothing was written; run the command again.",
    );
    expect(p.read("Pulumi.staging.yaml")).toBe(`${HAND_WRITTEN}# edited meanwhile\n`);
  });
});
