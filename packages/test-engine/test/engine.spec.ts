// Self-tests of the program runner: the real SDK entry point runs a real TS program against the
// fake monitor/engine, and everything it registers is checked as the engine would see it.
import { randomBytes } from "node:crypto";
import * as path from "node:path";
import { runProgram } from "../src/engine";
import { stageDir, type StagedDir } from "../src/staging";

const FIXTURE = path.join(__dirname, "fixtures", "program");
const STACK = "dev";
// Type-checking the fixture is not what these tests are about; transpiling keeps a run ~2 s.
const FAST = { PULUMI_NODEJS_TRANSPILE_ONLY: "true" };
// The harness's own bound stays below jest's, so that a slow run is killed by the harness (which
// cleans up) rather than abandoned by jest.
const RUN_TIMEOUT_MS = 40_000;
const TEST_TIMEOUT_MS = 60_000;

const rand = (): string => randomBytes(12).toString("hex");

describe("runProgram", () => {
  let staged: StagedDir;

  beforeAll(() => {
    staged = stageDir(FIXTURE);
  });

  afterAll(() => {
    staged?.cleanup();
  });

  // The success path of runProgram is exercised by test/stacks/pulumiRun.spec.ts on the real program.
  test(
    "a program that throws exits non-zero with its message in the engine log",
    async () => {
      const message = rand();
      const r = await runProgram({
        projectDir: staged.dir,
        stack: STACK,
        config: { mode: "throw", failureMessage: message },
        env: FAST,
        timeoutMs: RUN_TIMEOUT_MS,
      });

      // 32: the SDK already reported the error to the engine; the CLI prints nothing more.
      expect(r.exitCode).toBe(32);
      const errors = r.logs.filter((l) => l.severity === "error").map((l) => l.message);
      expect(errors.join("\n")).toContain(`fixture failure: ${message}`);
      expect(r.shutdownSignalled).toBe(false);
    },
    TEST_TIMEOUT_MS,
  );
});
