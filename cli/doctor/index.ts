/**
 * `doctor --stack <name>`: every prerequisite of a real `pulumi up` of that stack that the README
 * lists, one line per check with its fix. Offline unless asked: `--online` also asks the backend
 * and the platforms, read-only. Tokens and secret values are never shown.
 */
import * as os from "os";
import { CliContext, output } from "../shared/context";
import { terminalWidth, useColour } from "../shared/terminal";
import { blank, line, Line, render } from "../plan/layout";
import { Check, DoctorInput, fail, skip } from "./check";
import { onlineTokens } from "./online";
import { backend, backendUrlOf, pulumiCli, secretsProvider } from "./pulumi";
import {
  externalValues,
  gcpCredentials,
  node,
  placeholders,
  platformTokens,
  stackConfig,
  where,
} from "./stack";

export type { Check, DoctorInput } from "./check";

/** A check that threw (an unreadable file, say) fails with what it said, never silently. */
const guarded = (name: string, run: () => Check): Check => {
  try {
    return run();
  } catch (err) {
    return fail(
      name,
      (err as Error).message.split("\n")[0],
      "fix what it names, then run doctor again.",
    );
  }
};

/** Runs every check, in the README's order. */
export async function runDoctor(input: DoctorInput): Promise<Check[]> {
  const checks: Check[] = [node(), pulumiCli(input), guarded("backend", () => backend(input))];
  checks.push(guarded("secrets provider", () => secretsProvider(input, backendUrlOf(input))));
  checks.push(gcpCredentials(input));
  const stack = stackConfig(input);
  checks.push(stack.check);
  if (stack.model && stack.files) {
    checks.push(placeholders(input, stack.model));
    checks.push(externalValues(input, stack.files, stack.model));
    checks.push(...platformTokens(input, stack.model));
    if (input.online) checks.push(...(await onlineTokens(input, stack.model)));
  } else {
    checks.push(
      skip(
        "the rest",
        "placeholders, external values and platform tokens need a valid stack config.",
      ),
    );
  }
  checks.push(where(input));
  return checks;
}

const MARK: Record<Check["status"], string> = {
  ok: "ok  ",
  warn: "warn",
  FAIL: "FAIL",
  skip: "--  ",
};

/** The report: a heading, one line per check (its fix on the same line), and a verdict. */
export function doctorLines(input: Pick<DoctorInput, "stack" | "online">, checks: Check[]): Line[] {
  const width = Math.max(...checks.map((c) => c.name.length));
  const failed = checks.filter((c) => c.status === "FAIL").length;
  return [
    line(
      `Doctor: a real pulumi up of stack "${input.stack}" (${input.online ? "online: the backend and the platforms were asked, read-only" : "offline: no network call; --online also asks the backend and the platforms"})`,
      "heading",
    ),
    ...checks.map((c) => ({
      text: `  ${MARK[c.status]}  ${c.name.padEnd(width)}  ${c.detail}${c.fix ? ` Fix: ${c.fix}` : ""}`,
      kind: c.status === "FAIL" || c.status === "warn" ? ("attention" as const) : undefined,
      hang: 10 + width,
    })),
    blank,
    line(
      "Not checked: the deploying principal's GCP roles and enabled APIs (README, 'First deploy: checklist', step 2); only a real pulumi up proves them.",
    ),
    ...(failed === 0
      ? [
          line(
            `Ready: no check failed. Next: pulumi preview --stack ${input.stack} --policy-pack policy`,
            "heading",
          ),
        ]
      : []),
  ];
}

/** Why `doctor` exits 1, with the fix: the last line, on stderr. */
export const failedMessage = (input: Pick<DoctorInput, "stack" | "online">, checks: Check[]) =>
  `${checks.filter((c) => c.status === "FAIL").length} of ${checks.length} checks failed: fix them from the top (each line says how), then run npx pegasus-secrets doctor --stack ${input.stack}${input.online ? " --online" : ""} again.`;

/** `doctor`: runs the checks for this machine and prints them; a failed check exits 1. */
export async function showDoctor(
  ctx: CliContext,
  opts: { stack: string; online?: boolean },
): Promise<void> {
  const input: DoctorInput = {
    projectDir: ctx.projectDir,
    stack: opts.stack,
    env: process.env,
    home: os.homedir(),
    online: opts.online === true,
  };
  const checks = await runDoctor(input);
  output(ctx)(
    render(doctorLines(input, checks), {
      width: terminalWidth(process.stdout),
      colour: useColour(process.stdout),
    }),
  );
  if (checks.some((c) => c.status === "FAIL")) throw new Error(failedMessage(input, checks));
}
