/**
 * The recorder's process (started by `runRecorders` in ./recorderProcess.ts with this CLI's TypeScript
 * loader): `recordMain.ts '<jobs as JSON>'` records each stack of each revision in turn and prints
 * one JSON line per stack, `{project, stack, plan}`, or `{project, stack, error}` when the program
 * fails (the program's own message, which never carries a value).
 */
import { recordStack } from "./record";
import type { RecordJob } from "./recorderProcess";

const jobs = JSON.parse(process.argv[2] ?? "[]") as RecordJob[];
// The SDK records a stack trace for every promise it creates; error messages are all that is shown.
Error.stackTraceLimit = 1;

(async () => {
  for (const { projectDir: project, stacks } of jobs) {
    for (const stack of stacks) {
      const line = await recordStack(project, stack).then(
        (plan) => ({ project, stack, plan }),
        (e: unknown) => ({ project, stack, error: e instanceof Error ? e.message : String(e) }),
      );
      await new Promise<void>((r) => process.stdout.write(`${JSON.stringify(line)}\n`, () => r()));
    }
  }
  process.exit(0);
})();
