/**
 * The guide's three proof lines for closing the launch checklist item ("Evidence required for
 * checklist closure"), each from data: the stack's offline plan and the operations log. A line with
 * nothing behind it says `no data` and which command produces the data; it never claims.
 */
import * as fs from "fs";
import * as path from "path";
import type { Plan } from "../plan";
import {
  AppliedEntry,
  CheckResult,
  isRotate,
  isVerify,
  LOG_FILE,
  Logged,
  RotateEntry,
  VerifyEntry,
} from "./log";

/** What one proof line found: a claim with its data, or `no data` saying what is missing and how to get it. */
export interface ProofLine {
  title: string;
  /** `met`: the data proves it; `failed`: the data shows it failed; `no-data`: nothing to show. */
  state: "met" | "failed" | "no-data";
  lines: string[];
}

const noData = (what: string): string => `no data: ${what}`;
/** A proof line with nothing (or not enough) behind it: what there is, then what is missing. */
const missing = (title: string, ...lines: string[]): ProofLine => ({
  title,
  state: "no-data",
  lines,
});
const LOG = LOG_FILE.split(path.sep).join("/");

/** Proof line 1, "Endpoint/UI": the secret store of each deploy target, from the stack's plan. */
export function storeProof(plan: Plan, projectDir: string, log: Logged[]): ProofLine {
  const stack = plan.stack;
  const lines: string[] = [];
  let missing = 0;
  if (plan.placeholders.length > 0) {
    missing++;
    lines.push(
      `Configuration: ${noData(`${stack} still holds ${plan.placeholders.length} placeholder value(s) (${plan.placeholders.map((p) => p.key.replace(/^pegasus-secrets:/, "")).join(", ")}), so no real target is configured; npx pegasus-secrets plan --stack ${stack} lists each with the command that replaces it`)}`,
    );
  }
  const applied = [...log]
    .reverse()
    .find((l) => l.entry.action === "applied" && l.entry.stack === stack);
  if (!applied) {
    missing++;
    lines.push(
      `Deployed: ${noData(`${LOG} records no \`applied\` entry of ${stack}: the configuration exists in code only; the push workflow records one after each pulumi up (npx pegasus-secrets applied --stack ${stack})`)}`,
    );
  } else {
    lines.push(`Deployed: ${stack} applied at ${applied.entry.ts} (${LOG} line ${applied.line}).`);
  }
  const secrets = plan.resources.filter((r) => r.type === "gcp:secretmanager/secret:Secret");
  if (secrets.length === 0) {
    missing++;
    lines.push(
      `GCP Secret Manager: ${noData(`the plan of ${stack} declares no secret; run npx pegasus-secrets plan --stack ${stack}`)}`,
    );
  } else {
    const replication = secrets[0].inputs.replication as {
      userManaged?: { replicas: { location: string }[] };
    };
    const regions = replication?.userManaged?.replicas.map((r) => r.location);
    const members = [...new Set(plan.access.map((a) => a.member))];
    const audit = plan.audit.find((a) => a.service === "secretmanager.googleapis.com");
    lines.push(
      `GCP Secret Manager (project ${plan.gcpProject}): ${secrets.length} secrets, replication ${regions ? regions.join(", ") : "automatic"}; ` +
        `${plan.access.length} accessor grants, to ${members.length} runtime identities only (${members.map((m) => m.replace(/^serviceAccount:/, "")).join(", ")}); ` +
        (audit
          ? `Data Access audit logging ${audit.logTypes.join(", ")}${audit.exemptedMembers.length ? ` (exempted: ${audit.exemptedMembers.join(", ")})` : ", no exempted members"}.`
          : "audit logging owned by another stack of this GCP project (manageAuditConfig: false)."),
    );
  }
  const platforms: [string, string][] = [
    ["render", "Render"],
    ["fly", "Fly.io"],
    ["railway", "Railway"],
  ];
  for (const [id, name] of platforms) {
    const rows = plan.deliveries.filter((d) => d.target === id);
    if (rows.length === 0) {
      missing++;
      lines.push(
        `${name}: ${noData(`stack ${stack} configures no ${name} target (pegasus-secrets:targets.${id}); docs/platforms.md shows how to add one`)}`,
      );
      continue;
    }
    const byDest = new Map<string, { secrets: number; plain: number }>();
    for (const r of rows) {
      const c = byDest.get(r.destination) ?? { secrets: 0, plain: 0 };
      if (r.kind === "secret") c.secrets++;
      else c.plain++;
      byDest.set(r.destination, c);
    }
    lines.push(
      `${name}: ${[...byDest].map(([d, c]) => `${d}: ${c.secrets} secret and ${c.plain} plain variables`).join("; ")}.`,
    );
  }
  const gitignore = path.join(projectDir, ".gitignore");
  const ignored = fs.existsSync(gitignore)
    ? fs
        .readFileSync(gitignore, "utf8")
        .split("\n")
        .map((l) => l.trim())
    : [];
  const example = path.join(projectDir, ".env.example");
  if (!ignored.includes(".env") || !fs.existsSync(example)) {
    missing++;
    lines.push(
      `Local development: ${noData(`${!ignored.includes(".env") ? ".gitignore does not list .env" : ".env.example is missing"}; the local policy is .env gitignored and bootstrapped from .env.example`)}`,
    );
  } else {
    const names = fs
      .readFileSync(example, "utf8")
      .split("\n")
      .filter((l) => /^[A-Z][A-Z0-9_]*=/.test(l)).length;
    lines.push(
      `Local development: .env files are gitignored (${ignored.filter((l) => l.startsWith(".env") || l.startsWith("!.env")).join(", ")}); .env.example lists ${names} variables to bootstrap from.`,
    );
  }
  return {
    title: "Endpoint/UI: secret-store configuration for each deploy target",
    state: missing === 0 ? "met" : "no-data",
    lines,
  };
}

const checkText = (c: CheckResult) =>
  `${c.ok ? "ok" : "FAILED"} ${c.kind} ${c.name} (${c.url}): ${c.detail}`;

/** The evidence of one stack's part of a rotation: its applied entry and latest confirmed verify. */
interface StackEvidence {
  rotation: Logged<RotateEntry>;
  applied?: Logged<AppliedEntry>;
  /** The latest confirmed verify after the applied entry that saw the new keeper. */
  verify?: Logged<VerifyEntry>;
}

/**
 * What the log shows for a rotation entry: the first `applied` entry after it that runs its new
 * keeper, and the latest confirmed verify after that with the new keeper, up to the next rotation
 * of the same variable in the stack. Unconfirmed verifies never count.
 */
function evidenceOf(log: Logged[], at: number): StackEvidence {
  const rotation = log[at] as Logged<RotateEntry>;
  const r = rotation.entry;
  const next = log.findIndex((l, i) => i > at && isRotate(r.stack, r.variable)(l.entry));
  const window = log.slice(at + 1, next < 0 ? log.length : next);
  const applied = window.find(
    (l): l is Logged<AppliedEntry> =>
      l.entry.action === "applied" &&
      l.entry.stack === r.stack &&
      l.entry.keepers[r.variable] === r.newKeeper,
  );
  if (!applied) return { rotation };
  const verify = window
    .filter(
      (l): l is Logged<VerifyEntry> =>
        l.line > applied.line &&
        isVerify(r.stack)(l.entry) &&
        l.entry.confirmed === true &&
        l.entry.keepers[r.variable] === r.newKeeper,
    )
    .pop();
  return { rotation, applied, verify };
}

/** The rotations of a stack, latest first, with their evidence. */
const rotationsOf = (log: Logged[], stack: string): StackEvidence[] =>
  log
    .map((l, i) => ({ l, i }))
    .filter(({ l }) => isRotate(stack)(l.entry))
    .reverse()
    .map(({ i }) => evidenceOf(log, i));

const rotationHead = (e: StackEvidence) => {
  const r = e.rotation.entry;
  return `Rotation of ${r.variable} in ${r.stack} at ${r.ts} by ${r.operator}: keeper ${r.oldKeeper} -> ${r.newKeeper}${r.breakGlass ? ` (break-glass, incident ${r.incident})` : ""} (${LOG} line ${e.rotation.line}).`;
};

/** Proof line 2, "Test": the latest rotation rehearsal in staging with its health and smoke results. */
export function rehearsalProof(log: Logged[]): ProofLine {
  const title = "Test: secret rotation rehearsal in staging with health and pipeline smoke checks";
  const rotations = rotationsOf(log, "staging");
  if (rotations.length === 0) {
    return missing(
      title,
      noData(
        `${LOG} records no rotation in staging; rehearse one: npx pegasus-secrets rotate <VARIABLE> --stack staging --operator <you>, apply it (pulumi up, then applied), then npx pegasus-secrets verify --stack staging`,
      ),
    );
  }
  // The latest rotation with a confirmed verify; else the latest one, with what it still lacks.
  const e = rotations.find((x) => x.verify) ?? rotations[0];
  const head = rotationHead(e);
  if (!e.applied) {
    return missing(
      title,
      head,
      noData(
        "no `applied` entry shows staging running it, so nothing confirms it was deployed; apply it (pulumi up --stack staging, then npx pegasus-secrets applied --stack staging)",
      ),
    );
  }
  const applied = `Applied at ${e.applied.entry.ts} (${LOG} line ${e.applied.line}).`;
  if (!e.verify) {
    return missing(
      title,
      head,
      applied,
      noData(
        "no confirmed verify of staging follows it (an unconfirmed one does not count); run npx pegasus-secrets verify --stack staging",
      ),
    );
  }
  const v = e.verify;
  const ready = v.entry.checks.filter((c) => c.kind === "ready");
  const smoke = v.entry.checks.filter((c) => c.kind === "smoke");
  const lines = [
    head,
    applied,
    `Verify at ${v.entry.ts} by ${v.entry.operator} (${LOG} line ${v.line}), on the confirmed deploy: ${v.entry.ok ? "passed" : "FAILED"}.`,
    ...(ready.length
      ? ready.map((c) => `Health: ${checkText(c)}`)
      : [`Health: ${noData("verify checked no readiness endpoint (verify.ready)")}`]),
    ...(smoke.length
      ? smoke.map((c) => `Smoke: ${checkText(c)}`)
      : [`Smoke: ${noData("verify ran no smoke step (verify.smoke)")}`]),
  ];
  const state = !v.entry.ok ? "failed" : ready.length && smoke.length ? "met" : "no-data";
  return { title, state, lines };
}

/** Proof line 3, "Proof": the latest applied secret version update of the stack and the readiness output after it. */
export function versionProof(log: Logged[], stack: string): ProofLine {
  const title = "Proof: dated secret version update plus successful readiness output";
  const rotations = rotationsOf(log, stack);
  if (rotations.length === 0) {
    return missing(
      title,
      noData(
        `${LOG} records no rotation in ${stack}; npx pegasus-secrets rotate <VARIABLE> --stack ${stack} --operator <you> starts one`,
      ),
    );
  }
  const e =
    rotations.find((x) => x.applied && x.verify) ??
    rotations.find((x) => x.applied) ??
    rotations[0];
  const r = e.rotation.entry;
  if (!e.applied) {
    return missing(
      title,
      rotationHead(e),
      noData(
        `no \`applied\` entry shows ${stack} running keeper ${r.newKeeper}, so no new version is known to exist yet; the push workflow records it after pulumi up (npx pegasus-secrets applied --stack ${stack})`,
      ),
    );
  }
  const head = `${e.applied.entry.ts.slice(0, 10)}: ${r.variable} in ${stack} has a new version (keeper ${r.oldKeeper} -> ${r.newKeeper}) in ${r.impact.secretIds.join(", ")}, applied at ${e.applied.entry.ts} (${LOG} lines ${e.rotation.line} and ${e.applied.line}).`;
  if (!e.verify) {
    return missing(
      title,
      head,
      noData(
        `no confirmed readiness output after it; run npx pegasus-secrets verify --stack ${stack}`,
      ),
    );
  }
  const v = e.verify;
  const ready = v.entry.checks.filter((c) => c.kind === "ready");
  if (ready.length === 0) {
    return missing(
      title,
      head,
      noData(`the verify at ${v.entry.ts} checked no readiness endpoint (verify.ready)`),
    );
  }
  const ok = v.entry.ok && ready.every((c) => c.ok);
  return {
    title,
    state: ok ? "met" : "failed",
    lines: [
      head,
      `Readiness at ${v.entry.ts} (${LOG} line ${v.line}):`,
      ...ready.map((c) => checkText(c)),
    ],
  };
}
