/**
 * The recorder's process (started by `runRecorder` in ./record.ts with this CLI's TypeScript
 * loader): `recordMain.ts <projectDir> <stack>...` records each stack in turn and prints one JSON
 * line per stack, `{stack, plan}`, or `{stack, error}` when its program fails (the program's own
 * message, which never carries a value).
 */
import { recordStack } from "./record";

const [projectDir, ...stacks] = process.argv.slice(2);
// The SDK records a stack trace for every promise it creates; error messages are all that is shown.
Error.stackTraceLimit = 1;

(async () => {
  for (const stack of stacks) {
    const line = await recordStack(projectDir, stack).then(
      (plan) => ({ stack, plan }),
      (e: unknown) => ({ stack, error: e instanceof Error ? e.message : String(e) }),
    );
    await new Promise<void>((r) => process.stdout.write(`${JSON.stringify(line)}\n`, () => r()));
  }
  process.exit(0);
})();
