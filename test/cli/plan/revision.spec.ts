// Plans of another revision run in a child process: what a failure reports.
import { failureSummary } from "../../../cli/plan";

test("a crashed plan's error keeps the message and drops stack frames and property dumps", () => {
  const stderr = [
    "Error: Cannot find module './gone'",
    "Require stack:",
    "- /tmp/x/model/config.ts",
    "    at Function.Module._resolveFilename (node:internal/modules/cjs/loader:1207:15)",
    "    at Object.<anonymous> (/tmp/x/model/config.ts:5:1) {",
    "  code: 'MODULE_NOT_FOUND',",
    "  requireStack: [ '/tmp/x/model/config.ts' ]",
    "}",
    "",
  ].join("\n");
  expect(failureSummary(stderr)).toBe("Error: Cannot find module './gone'");
});
