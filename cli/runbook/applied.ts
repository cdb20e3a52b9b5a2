import * as fs from "fs";
import { checkOperator, Ops, ops, OpsContext, utc } from "./context";
import { AppliedEntry, appendLog, LOG_FILE, readLog } from "./log";

/** The options of `applied`. */
export interface AppliedOptions {
  stack: string;
  operator: string;
  /** A file with `pulumi stack output --json` (`-` for standard input); default: run it. */
  outputs?: string;
}

const isStringMap = (v: unknown): v is Record<string, string> =>
  !!v &&
  typeof v === "object" &&
  !Array.isArray(v) &&
  Object.values(v).every((x) => typeof x === "string");

/**
 * The keepers a stack's outputs say it runs. Fails, naming what is missing, on anything that is not
 * this program's outputs of this stack: a record must never claim more than the outputs show.
 */
export function keepersFromOutputs(
  stack: string,
  text: string,
  source: string,
): Pick<AppliedEntry, "keepers" | "previousKeepers"> {
  let outputs: unknown;
  try {
    outputs = JSON.parse(text);
  } catch {
    throw new Error(
      `${source} is not the JSON of \`pulumi stack output --json --stack ${stack}\`. Run that command after a successful pulumi up and pass its output.`,
    );
  }
  const o = (outputs ?? {}) as Record<string, unknown>;
  const missing = ["stack", "rotationKeepers", "previousKeepers"].filter((k) => !(k in o));
  if (missing.length > 0) {
    throw new Error(
      `${source} has no ${missing.join(", ")} output: it is not the outputs of this program's stack ${stack}, or the stack was last applied by a version that did not export them. Run pulumi up --stack ${stack} with this version first.`,
    );
  }
  if (o.stack !== stack) {
    throw new Error(
      `${source} holds the outputs of stack ${String(o.stack)}, not ${stack}: record each stack with its own outputs.`,
    );
  }
  if (!isStringMap(o.rotationKeepers) || !isStringMap(o.previousKeepers)) {
    throw new Error(
      `${source}: rotationKeepers and previousKeepers must be maps of variable to keeper; they are not, so nothing was recorded.`,
    );
  }
  return { keepers: o.rotationKeepers, previousKeepers: o.previousKeepers };
}

/** Reads the outputs with the Pulumi CLI; fails, saying what is missing, when it cannot. */
function pulumiOutputs(o: Ops, stack: string): string {
  const r = o.probe(["pulumi", "stack", "output", "--json", "--stack", stack], {
    cwd: o.projectDir,
  });
  if (r.status === null) {
    throw new Error(
      `Cannot read the outputs of ${stack}: the Pulumi CLI is not available here. Install it and log in to the stack's backend, or pass the outputs a workflow saved: --outputs <file>.`,
    );
  }
  if (r.status !== 0) {
    throw new Error(
      `Cannot read the outputs of ${stack}: pulumi stack output failed (${(r.stderr ?? "").trim().split("\n")[0] || `exit ${r.status}`}). Log in to the stack's backend (pulumi login), or pass --outputs <file>.`,
    );
  }
  return r.stdout;
}

/**
 * `applied --stack <name>`: records what a stack runs after a successful `pulumi up`, from its
 * outputs (the program exports each keeper, never a value). The push workflow runs it after each
 * `up`; an operator who applied staging by hand runs it too. `verify` counts only against it.
 */
export async function recordApplied(ctx: OpsContext, opts: AppliedOptions): Promise<void> {
  const o = ops(ctx);
  const operator = checkOperator(opts.operator);
  readLog(o.projectDir);
  let text: string;
  let source: string;
  if (opts.outputs === "-") {
    text = fs.readFileSync(0, "utf8");
    source = "standard input";
  } else if (opts.outputs) {
    if (!fs.existsSync(opts.outputs)) {
      throw new Error(
        `--outputs ${opts.outputs} does not exist: save pulumi stack output --json --stack ${opts.stack} to it first.`,
      );
    }
    text = fs.readFileSync(opts.outputs, "utf8");
    source = opts.outputs;
  } else {
    text = pulumiOutputs(o, opts.stack);
    source = "pulumi stack output";
  }
  const keepers = keepersFromOutputs(opts.stack, text, source);
  const env = o.env;
  const run =
    env.GITHUB_SERVER_URL && env.GITHUB_REPOSITORY && env.GITHUB_RUN_ID
      ? `${env.GITHUB_SERVER_URL}/${env.GITHUB_REPOSITORY}/actions/runs/${env.GITHUB_RUN_ID}`
      : null;
  const entry: AppliedEntry = {
    action: "applied",
    ts: utc(o.now()),
    operator,
    stack: opts.stack,
    ...keepers,
    source,
    run,
    commit: env.GITHUB_SHA ?? null,
  };
  const logged = appendLog(o.projectDir, entry);
  const open = Object.keys(keepers.previousKeepers);
  o.out(
    [
      `Recorded: ${opts.stack} runs ${Object.entries(keepers.keepers)
        .map(([v, k]) => `${v} ${k}`)
        .join(", ")} (${LOG_FILE} line ${logged.line}).`,
      open.length
        ? `Previous values still live: ${open.join(", ")}.`
        : "No previous value is live.",
      `Next: npx pegasus-secrets verify --stack ${opts.stack} --operator <you>`,
    ].join("\n"),
  );
}
