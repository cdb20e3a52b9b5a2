/**
 * The gate's recorder: runs a revision's program offline under Pulumi's runtime mocks and records
 * what it declares, for the rules of *this* CLI to judge. On a pull request the CLI that runs is the
 * base commit's (docs/review.md), so the head's program is recorded by the base's recorder: a change
 * to the recorder cannot hide a resource from the change that makes it.
 *
 * It takes nothing from the revision but its program and its data (stack files, catalog rows,
 * `.env.example`): resources come from the registrations the mocks receive, whatever the program's
 * own plan engine would print. Every value a secret source produces is tainted (./trace.ts), so the
 * plan says where each stored or delivered secret value came from; no value is ever recorded.
 *
 * Recordings run in a process of their own (./recorderProcess.ts), with this CLI's code and the
 * revision's program; the revision's node_modules must be the same installation (a link), so both
 * share one SDK.
 */
import { randomBytes } from "crypto";
import * as fs from "fs";
import * as path from "path";
import type { OfflineFacts } from "../../policy/rules";
import {
  catalogRows,
  localEnv,
  ModelSecret,
  recordingConfig,
  revisionModel,
  visibleConfig,
} from "./recordInputs";
import { registerUnderMocks } from "../plan/engine";
import { Tracer } from "./trace";

/** The recorded plan of one stack: what the rules judge and the access diff compares. */
export interface RecordedPlan {
  stack: string;
  /** The stack's config as the program received it, secret values `[secret]`. */
  config: Record<string, string>;
  resources: {
    type: string;
    name: string;
    parent: string | null;
    inputs: Record<string, unknown>;
    protect: boolean;
  }[];
  outputs: Record<string, unknown>;
  offline: OfflineFacts;
  /** The revision's own model of its secrets (for the rotation status), or why it failed. */
  model: { secrets: ModelSecret[] } | { problem: string };
}

/** How recording one stack of one revision went. */
export type RecordOutcome =
  | { status: "ok"; plan: RecordedPlan }
  | { status: "absent" }
  | { status: "failed"; reason: string };

/**
 * Forgets the revision's own modules (not its node_modules), so the next stack runs its program
 * afresh in the same process: loading the SDK and the providers once is most of a recording's cost.
 */
function forgetProgram(projectDir: string): void {
  const root = fs.realpathSync(projectDir) + path.sep;
  for (const k of Object.keys(require.cache)) {
    if (k.startsWith(root) && !k.includes(`${path.sep}node_modules${path.sep}`))
      delete require.cache[k];
  }
}

/** Records one stack of the revision in `projectDir`, in this process (the child's entry calls it). */
export async function recordStack(projectDir: string, stack: string): Promise<RecordedPlan> {
  forgetProgram(projectDir);
  const taint = `taint${randomBytes(12).toString("hex")}`;
  let n = 0;
  const gen = () => `${taint}-${++n}`;
  const config = recordingConfig(projectDir, stack, taint);
  const tracer = new Tracer(taint);
  const { registered, exported } = await registerUnderMocks({
    project: config.project,
    stack,
    values: config.values,
    secretKeys: config.secretKeys,
    gen,
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- the revision's program, by path
    program: () => require(path.join(projectDir, "index.ts")) as Record<string, unknown>,
  });
  const resources = registered.map((r) => ({
    type: r.type,
    name: r.name,
    parent: r.parent,
    inputs: tracer.resource(r.type, r.name, r.inputs ?? {}),
    protect: r.options.protect === true,
  }));
  const outputs = tracer.outputs(exported);
  return {
    stack,
    config: visibleConfig(config),
    resources,
    outputs,
    offline: {
      provenance: tracer.provenance,
      leaks: tracer.leaks,
      catalog: catalogRows(projectDir),
      localEnv: localEnv(projectDir),
    },
    model: revisionModel(projectDir, stack, config),
  };
}
