// docs/review.md, the reviewers' guide, explains every policy of the pack and every rule of the
// deploy-manifest lint that the bad example manifests show.
import * as fs from "node:fs";
import * as path from "node:path";
import { lintManifests } from "../../policy/manifests";
import { RULE_GUIDES } from "../../policy/manifests/common";
import { POLICIES } from "../../policy/rules";

const PROJECT_DIR = path.resolve(__dirname, "..", "..");

test("docs/review.md documents every policy of the pack and every rule the bad manifests show", () => {
  const doc = fs.readFileSync(path.join(PROJECT_DIR, "docs", "review.md"), "utf8");
  for (const p of POLICIES) expect(doc).toContain(`\`${p.name}\``);
  const rules = new Set(
    lintManifests(path.join(PROJECT_DIR, "examples", "manifests", "bad")).findings.map(
      (f) => f.rule,
    ),
  );
  for (const r of [...rules, ...Object.keys(RULE_GUIDES), "ci-tests-only"].filter(
    (x) => !["invalid-manifest", "unreadable-file", "cloudbuild-version-name"].includes(x),
  ))
    expect(doc).toContain(`\`${r}\``);
});
