// The committed stack files, checked only for what must hold whatever an operator commits (real
// IDs, encrypted values, bumped keepers): the config is valid, no secret is in plaintext, and a
// placeholder left is said to be one. Every other spec plans the fixture stacks (test/fixtures.ts);
// test/repo/realValues.spec.ts proves the committed files' state changes no spec's result.
import * as fs from "fs";
import * as path from "path";
import { CATALOG } from "../../catalog";
import { readStackConfig } from "../../cli/plan";
import { stacksIn } from "../../cli/shared/stacks";
import { buildModel, placeholdersOf, possibleExternalKeys } from "../../model";
import { PROJECT_DIR } from "../helpers";

const stacks = stacksIn(PROJECT_DIR);

test("the project has its two stacks", () => {
  expect(stacks).toEqual(expect.arrayContaining(["staging", "production"]));
});

describe.each(stacks)("Pulumi.%s.yaml as committed", (stack) => {
  const file = path.join(PROJECT_DIR, `Pulumi.${stack}.yaml`);

  it("is valid config for its stack (the model builds)", () => {
    const files = readStackConfig(PROJECT_DIR, stack);
    expect(() => buildModel(CATALOG, stack, files.raw)).not.toThrow();
  });

  it("holds no secret in plaintext: each external value is unset or encrypted", () => {
    const files = readStackConfig(PROJECT_DIR, stack);
    expect(files.external.map((e) => e.key).sort()).toEqual([...possibleExternalKeys()].sort());
    expect(files.external.filter((e) => e.state === "plaintext")).toEqual([]);
  });

  it("says so in a comment when it holds placeholders", () => {
    const model = buildModel(CATALOG, stack, readStackConfig(PROJECT_DIR, stack).raw);
    if (placeholdersOf(model.config).length > 0) {
      const comments = fs
        .readFileSync(file, "utf8")
        .split("\n")
        .filter((l) => l.trim().startsWith("#"))
        .join("\n");
      expect(comments).toMatch(/placeholder/);
    }
  });
});
