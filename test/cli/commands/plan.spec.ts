// The `plan` command's wiring: the plan feature, given the rotation runbook's warnings. Run through
// the package's bin in a copy of the project whose operations log records an old production rotation.
import { execFile } from "child_process";
import * as path from "path";
import { promisify } from "util";
import { main } from "../../../cli/main";
import { OpsContext } from "../../../cli/runbook/context";
import { copyProject } from "../../helpers";

const run = promisify(execFile);
const DAY_MS = 86_400_000;

test("plan warns about production secrets past their rotation period, from the project's operations log", async () => {
  const project = copyProject("pegasus-plan-cmd-");
  try {
    // A break-glass rotation 100 days ago (break-glass: production without staging first).
    const then = new Date(Date.now() - 100 * DAY_MS - 60_000);
    const ctx: OpsContext = { projectDir: project.dir, now: () => then };
    const silent = jest.spyOn(process.stdout, "write").mockImplementation(() => true);
    try {
      const code = await main(
        [
          "node",
          "pegasus-secrets",
          "rotate",
          "AWS_SECRET_ACCESS_KEY",
          "--stack",
          "production",
          "--operator",
          "alice",
          "--break-glass",
          "--incident",
          "INC-1",
        ],
        ctx,
      );
      expect(code).toBe(0);
    } finally {
      silent.mockRestore();
    }
    const { stdout } = await run(
      process.execPath,
      [path.join(project.dir, "bin", "pegasus-secrets.js"), "plan", "--stack", "production"],
      { cwd: project.dir, maxBuffer: 16 * 1024 * 1024 },
    );
    const ts = then.toISOString().replace(/\.\d{3}Z$/, "Z");
    expect(stdout).toContain(
      `\nwarning: AWS_SECRET_ACCESS_KEY in production was last rotated 100 days ago (${ts}), past its 90-day limit: npx pegasus-secrets rotate AWS_SECRET_ACCESS_KEY --stack staging --operator <you>, then production.\n`,
    );
    expect(stdout).toContain("\nwarning: 6 production secret(s) have no recorded rotation (");
  } finally {
    project.cleanup();
  }
}, 60_000);
