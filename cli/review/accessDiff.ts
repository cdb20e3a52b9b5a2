/**
 * The access diff a reviewer reads on every pull request: for each stack, every IAM change on a
 * secret whatever the role (added, removed, changed), break-glass grants, platform deliveries,
 * secrets, rotations, whether the change breaks the policy, which of its files change the rules,
 * and which secrets are overdue. Both sides are recorded by *this* CLI's recorder and judged by its
 * rules: in CI this CLI is the base commit's (docs/review.md). Names, identities and keepers only.
 */
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { Model } from "../../model";
import { Violation } from "../../policy/rules";
import { checkoutRevision } from "../plan";
import { readLog } from "../runbook/log";
import { rotationStatus } from "../runbook/status";
import { stacksIn, UsageError, unknownStack } from "../shared/stacks";
import {
  DeliveryEntry,
  deliveryEntries,
  iamEntries,
  keepersOf,
  SecretView,
  secretViews,
} from "./planViews";
import { emergencyChanges, EmergencyChange, IamChange, iamChanges, setDiff } from "./iamChanges";
import { passes, policyResult, recordedViolations, StackPolicyResult } from "./policyCheck";
import type { RecordOutcome } from "./record";
import { runRecorders } from "./recorderProcess";
import { ruleChanges } from "./ruleChanges";

export type { EmergencyChange, IamChange } from "./iamChanges";
export { iamChanges } from "./iamChanges";

export interface Rotation {
  variable: string;
  from: string;
  to: string;
}
export interface OverlapChange {
  variable: string;
  change: "opened" | "closed";
  previousKeeper: string;
}

export interface SideStatus {
  status: RecordOutcome["status"];
  reason?: string;
}

/** A secret past its rotation period, from the revision's operations log. */
export interface Overdue {
  variable: string;
  ageDays: number;
  periodDays: number;
  lastRotation: string;
}

/** The diff of one stack. */
export interface StackDiff {
  stack: string;
  base: SideStatus;
  head: SideStatus;
  /** True when both sides evaluated (or one is absent), so added/removed are a real diff. */
  compared: boolean;
  iam: IamChange[];
  emergency: EmergencyChange[];
  deliveries: { added: DeliveryEntry[]; removed: DeliveryEntry[] };
  secrets: { added: SecretView[]; removed: SecretView[] };
  rotations: Rotation[];
  overlaps: OverlapChange[];
  policy: StackPolicyResult;
  /** Keys (`policy|resource|message`) of head violations that the base has too. */
  preexisting: string[];
  /** Overdue secrets (and how many have no recorded rotation), or why that is not known. */
  rotation: { overdue: Overdue[]; unrecorded: number } | { problem: string };
}

/** The whole report. */
export interface AccessDiffReport {
  base: { ref: string; commit: string | null };
  /** Rule files the change touches (empty: it changes no rule). */
  ruleChanges: string[];
  stacks: StackDiff[];
  /** False when a stack's head does not evaluate or breaks a mandatory policy. */
  passed: boolean;
}

export const violationKey = (v: Violation) => `${v.policy}|${v.resource ?? ""}|${v.message}`;

/** Overdue secrets of the revision in `projectDir`, from its log and its own model. */
function overdueOf(projectDir: string, o: RecordOutcome, now: Date): StackDiff["rotation"] {
  if (o.status !== "ok") return { overdue: [], unrecorded: 0 };
  if ("problem" in o.plan.model) return { problem: o.plan.model.problem };
  try {
    // The runbook's own computation (cli/runbook/status.ts), on the revision's secrets and log.
    const model = {
      config: { stack: o.plan.stack },
      secrets: o.plan.model.secrets,
    } as unknown as Model;
    const rows = rotationStatus(model, readLog(projectDir), now);
    return {
      overdue: rows
        .filter((r) => r.status === "overdue")
        .map((r) => ({
          variable: r.variable,
          ageDays: r.ageDays ?? 0,
          periodDays: r.periodDays,
          lastRotation: r.lastRotation ?? "?",
        })),
      unrecorded: rows.filter((r) => r.status === "unrecorded").length,
    };
  } catch (e) {
    return { problem: (e as Error).message.split("\n")[0] };
  }
}

/** Compares the two recordings of one stack. */
export function diffStack(
  stack: string,
  base: RecordOutcome,
  head: RecordOutcome,
  rotation: StackDiff["rotation"] = { overdue: [], unrecorded: 0 },
): StackDiff {
  const policy = policyResult(stack, head);
  const b = base.status === "ok" ? base.plan : null;
  const h = head.status === "ok" ? head.plan : null;
  const compared =
    (b !== null || base.status === "absent") && (h !== null || head.status === "absent");
  const bIam = b ? iamEntries(b) : [];
  const hIam = h ? iamEntries(h) : [];
  const keep = (s: RecordOutcome): SideStatus =>
    s.status === "failed" ? { status: s.status, reason: s.reason } : { status: s.status };
  const rotations: Rotation[] = [];
  const overlaps: OverlapChange[] = [];
  if (b && h) {
    const [kb, kh] = [keepersOf(b), keepersOf(h)];
    const stored = new Set(secretViews(h).map((s) => s.variable));
    for (const v of new Set([...Object.keys(kb.rotations), ...Object.keys(kh.rotations)])) {
      const from = kb.rotations[v] ?? "initial";
      const to = kh.rotations[v] ?? "initial";
      if (from !== to && stored.has(v)) rotations.push({ variable: v, from, to });
    }
    for (const v of new Set([...Object.keys(kb.previous), ...Object.keys(kh.previous)])) {
      if (kb.previous[v] === kh.previous[v]) continue;
      if (kh.previous[v])
        overlaps.push({ variable: v, change: "opened", previousKeeper: kh.previous[v] });
      else overlaps.push({ variable: v, change: "closed", previousKeeper: kb.previous[v] });
    }
  }
  const baseKeys = new Set(b ? recordedViolations(b).map(violationKey) : []);
  return {
    stack,
    base: keep(base),
    head: keep(head),
    compared,
    iam: iamChanges(compared ? bIam : [], hIam, policy.violations),
    emergency: emergencyChanges(compared ? bIam : [], hIam),
    deliveries: setDiff(
      compared && b ? deliveryEntries(b) : [],
      h ? deliveryEntries(h) : [],
      (d) => `${d.variable}|${d.consumer}|${d.target}|${d.destination}|${d.kind}`,
    ),
    secrets: compared
      ? setDiff(b ? secretViews(b) : [], h ? secretViews(h) : [], (s) => s.secretId)
      : { added: [], removed: [] },
    rotations,
    overlaps,
    policy,
    preexisting: policy.violations.map(violationKey).filter((k) => baseKeys.has(k)),
    rotation,
  };
}

export const hasChanges = (d: StackDiff): boolean =>
  d.iam.length + d.emergency.length > 0 ||
  d.deliveries.added.length + d.deliveries.removed.length > 0 ||
  d.secrets.added.length + d.secrets.removed.length > 0 ||
  d.rotations.length + d.overlaps.length > 0;

/** The commit a checked-out folder holds, when it is the top of a git checkout (CI's `base/`). */
function commitOf(dir: string): string | null {
  const git = (...args: string[]) =>
    execFileSync("git", args, {
      cwd: dir,
      encoding: "utf8",
      stdio: ["ignore", "pipe", "ignore"],
    }).trim();
  try {
    return fs.realpathSync(git("rev-parse", "--show-toplevel")) === fs.realpathSync(dir)
      ? git("rev-parse", "HEAD")
      : null;
  } catch {
    return null;
  }
}

/** Options of {@link accessDiff}: the change's tree, and its base as a git ref or as a tree. */
export interface AccessDiffOptions {
  /** The project folder of the change under review. */
  projectDir: string;
  /** Git ref of the base revision, written to a temporary folder (`--base`). */
  base?: string;
  /** The base revision's project folder, already checked out (`--base-project`, CI). */
  baseProject?: string;
  stacks?: string[];
  /** Now, for the rotation ages. */
  now?: Date;
}

/**
 * Records every stack at the base and in the change, in recorder processes run side by side, with
 * this CLI's recorder and rules, and compares them. A `base` ref is written to a temporary folder with
 * `git archive` and removed afterwards, whatever happens.
 */
export async function accessDiff(opts: AccessDiffOptions): Promise<AccessDiffReport> {
  if (!opts.base === !opts.baseProject) {
    throw new UsageError(
      "Give the base either as a git ref (--base) or as a checked-out folder (--base-project).",
    );
  }
  const checkout = opts.base ? await checkoutRevision(opts.projectDir, opts.base) : null;
  const baseDir = checkout ? checkout.projectDir : path.resolve(opts.baseProject!);
  try {
    const known = stacksIn(opts.projectDir, baseDir);
    for (const s of opts.stacks ?? []) {
      if (!known.includes(s)) throw unknownStack(s, known);
    }
    const stacks = opts.stacks ?? known;
    if (stacks.length === 0) {
      throw new Error(
        `No Pulumi.<stack>.yaml in ${opts.projectDir} or its base: nothing to compare.`,
      );
    }
    // Recorder processes side by side, the base's stacks first: on two cores or more the base and
    // the change never share a process, and on one the base is recorded before the change's
    // program runs; either way a process's output counts only for the stacks it was given, so
    // nothing the change's program does can touch the base's record (./recorderProcess.ts).
    const recorded = await runRecorders([
      { projectDir: baseDir, stacks },
      { projectDir: opts.projectDir, stacks },
    ]);
    const [base, head] = [recorded[baseDir], recorded[opts.projectDir]];
    const now = opts.now ?? new Date();
    const diffs = stacks.map((s) =>
      diffStack(s, base[s], head[s], overdueOf(opts.projectDir, head[s], now)),
    );
    return {
      base: {
        ref: opts.base ?? (path.relative(process.cwd(), baseDir) || baseDir),
        commit: checkout?.commit ?? commitOf(baseDir),
      },
      ruleChanges: ruleChanges(baseDir, opts.projectDir),
      stacks: diffs,
      passed: diffs.every((d) => passes(d.policy)),
    };
  } finally {
    checkout?.remove();
  }
}
