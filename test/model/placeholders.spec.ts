// The example values of committed stack files, and stacks that would own the same secrets.
import * as fs from "fs";
import * as path from "path";
import { CATALOG } from "../../catalog";
import { buildModel, collidingStacks, ConfigError, placeholdersOf, RawConfig } from "../../model";
import { readStackConfig } from "../../cli/plan";
import { fixtureProject } from "../fixtures";

/** The fixture staging stack, with some of its values replaced. */
function staging(replace: [RegExp, string][] = []): RawConfig {
  const f = fixtureProject();
  try {
    const file = path.join(f.dir, "Pulumi.staging.yaml");
    let text = fs.readFileSync(file, "utf8");
    for (const [re, to] of replace) text = text.replace(re, to);
    fs.writeFileSync(file, text);
    return readStackConfig(f.dir, "staging").raw;
  } finally {
    f.cleanup();
  }
}
const model = (raw: RawConfig) => buildModel(CATALOG, "staging", raw);

describe("placeholdersOf", () => {
  it("finds none in a stack an operator has filled in", () => {
    expect(placeholdersOf(model(staging()).config)).toEqual([]);
  });

  it("names every example ID and reserved-domain URL with the command that replaces it", () => {
    const raw = staging([
      [/ownerId: \S+/, "ownerId: tea-examplestaging0"],
      [/- srv-stagingworkerk7q2/, "- srv-examplestagingworker0"],
      [/environmentId: \S+/, "environmentId: 00000000-0000-4000-8001-000000000001"],
      [/PUBLIC_API_URL: \S+/, "PUBLIC_API_URL: https://api.staging.pegasus.example"],
      [
        /api: https:\/\/api\.staging\.pegasus-test\.dev\/health\/ready/,
        "api: https://api.example.com/health/ready",
      ],
    ]);
    expect(
      placeholdersOf(model(raw).config).map((p) => `${p.key}: ${p.problem} Fix: ${p.fix}`),
    ).toEqual([
      `pegasus-secrets:targets.render.ownerId: "tea-examplestaging0" is a placeholder Render workspace ID, not a real one. Fix: pulumi config set --path 'targets.render.ownerId' tea-<your workspace ID> --stack staging`,
      `pegasus-secrets:targets.render.services.worker[0]: "srv-examplestagingworker0" is a placeholder Render service ID, not a real one. Fix: pulumi config set --path 'targets.render.services.worker[0]' srv-<your service ID> --stack staging`,
      `pegasus-secrets:targets.railway.environmentId: "00000000-0000-4000-8001-000000000001" is a placeholder Railway ID, not a real one. Fix: pulumi config set --path 'targets.railway.environmentId' <uuid from the Railway dashboard> --stack staging`,
      `pegasus-secrets:plain.PUBLIC_API_URL: "https://api.staging.pegasus.example" is a placeholder URL, not a real one. Fix: pulumi config set --path 'plain.PUBLIC_API_URL' https://<your host> --stack staging`,
      `pegasus-secrets:verify.ready.api: "https://api.example.com/health/ready" is a placeholder readiness URL, not a real one. Fix: pulumi config set --path 'verify.ready.api' https://<api host>/health/ready --stack staging`,
    ]);
  });

  it("is refused with the rest of the config only when the run applies", () => {
    const raw = staging([[/ownerId: \S+/, "ownerId: tea-examplestaging0"]]);
    expect(() => buildModel(CATALOG, "staging", raw)).not.toThrow();
    let err: unknown;
    try {
      buildModel(CATALOG, "staging", raw, { applying: true });
    } catch (e) {
      err = e;
    }
    expect((err as ConfigError).issues.map((i) => i.key)).toEqual([
      "pegasus-secrets:targets.render.ownerId",
    ]);
  });
});

describe("stacks that would own the same secrets", () => {
  it("refuses one GCP project with one secret-ID prefix, in both stacks", () => {
    const cfg = model(staging()).config;
    const sibling = (over: Partial<{ gcpProject: string; secretIdPrefix: string }>) => ({
      stack: "production",
      gcpProject: cfg.gcpProject,
      secretIdPrefix: "production",
      ...over,
    });
    expect(collidingStacks(cfg, [sibling({})])).toEqual([]);
    expect(
      collidingStacks(cfg, [sibling({ secretIdPrefix: "staging", gcpProject: "elsewhere-1" })]),
    ).toEqual([]);
    expect(collidingStacks(cfg, [sibling({ secretIdPrefix: "staging" })])).toEqual([
      {
        key: "pegasus-secrets:secretIdPrefix",
        problem: `is "staging" in GCP project ${cfg.gcpProject}, as in stack production: both stacks would own the same secrets, and each would overwrite the other's.`,
        fix: "give each stack its own prefix (pulumi config set pegasus-secrets:secretIdPrefix staging --stack staging) or its own project.",
      },
    ]);
    expect(() =>
      buildModel(CATALOG, "staging", staging(), {
        siblings: [sibling({ secretIdPrefix: "staging" })],
      }),
    ).toThrow("both stacks would own the same secrets");
  });
});
