/**
 * The guide's three proof lines for closing the launch checklist item ("Evidence required for
 * checklist closure"), each from data: the stack's offline plan and the operations log. A line with
 * nothing behind it says `no data` and which command produces the data; it never claims.
 */
import * as fs from "fs";
import * as path from "path";
import type { Plan } from "../plan";
import { CheckResult, isRotate, isVerify, LOG_FILE, Logged, RotateEntry, VerifyEntry } from "./log";

/** What one proof line found: a claim with its data, or `no data` saying what is missing and how to get it. */
export interface ProofLine {
  title: string;
  /** `met`: the data proves it; `failed`: the data shows it failed; `no-data`: nothing to show. */
  state: "met" | "failed" | "no-data";
  lines: string[];
}

const noData = (what: string): string => `no data: ${what}`;
const LOG = LOG_FILE.split(path.sep).join("/");

/** Proof line 1, "Endpoint/UI": the secret store of each deploy target, from the stack's plan. */
export function storeProof(plan: Plan, projectDir: string): ProofLine {
  const stack = plan.stack;
  const lines: string[] = [];
  let missing = 0;
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

/** The first verify after a rotation that saw its new keeper. */
function verifyAfter(
  log: Logged[],
  index: number,
  r: RotateEntry,
): Logged<VerifyEntry> | undefined {
  return log
    .slice(index + 1)
    .find(
      (l): l is Logged<VerifyEntry> =>
        isVerify(r.stack)(l.entry) && l.entry.keepers[r.variable] === r.newKeeper,
    );
}

/** Proof line 2, "Test": the latest rotation rehearsal in staging with its health and smoke results. */
export function rehearsalProof(log: Logged[]): ProofLine {
  const title = "Test: secret rotation rehearsal in staging with health and pipeline smoke checks";
  const rotations = log.map((l, i) => ({ l, i })).filter(({ l }) => isRotate("staging")(l.entry));
  if (rotations.length === 0) {
    return {
      title,
      state: "no-data",
      lines: [
        noData(
          `${LOG} records no rotation in staging; rehearse one: npx pegasus-secrets rotate <VARIABLE> --stack staging --operator <you>, pulumi up --stack staging, npx pegasus-secrets verify --stack staging`,
        ),
      ],
    };
  }
  // The latest rotation that has a verify after it; else the latest rotation, reported as unverified.
  const withVerify = [...rotations]
    .reverse()
    .find(({ l, i }) => verifyAfter(log, i, l.entry as RotateEntry));
  const { l, i } = withVerify ?? rotations[rotations.length - 1];
  const r = l.entry as RotateEntry;
  const head = `Rotation of ${r.variable} in staging at ${r.ts} by ${r.operator}: keeper ${r.oldKeeper} -> ${r.newKeeper} (${LOG} line ${l.line}).`;
  const v = verifyAfter(log, i, r);
  if (!v) {
    return {
      title,
      state: "no-data",
      lines: [
        head,
        noData(
          `no verify of staging follows it; run pulumi up --stack staging, then npx pegasus-secrets verify --stack staging`,
        ),
      ],
    };
  }
  const ready = v.entry.checks.filter((c) => c.kind === "ready");
  const smoke = v.entry.checks.filter((c) => c.kind === "smoke");
  const deployed = v.entry.checks.filter((c) => c.kind === "deployed");
  const lines = [
    head,
    `Verify at ${v.entry.ts} by ${v.entry.operator} (${LOG} line ${v.line}): ${v.entry.ok ? "passed" : "FAILED"}.`,
  ];
  lines.push(
    ...(deployed.length
      ? deployed.map((c) => `Deployed: ${checkText(c)}`)
      : [
          "Deployed: not confirmed (the Pulumi CLI could not report the stack's rotationKeepers output when verify ran)",
        ]),
  );
  lines.push(
    ...(ready.length
      ? ready.map((c) => `Health: ${checkText(c)}`)
      : [`Health: ${noData("verify checked no readiness endpoint (verify.ready)")}`]),
  );
  lines.push(
    ...(smoke.length
      ? smoke.map((c) => `Smoke: ${checkText(c)}`)
      : [
          `Smoke: ${noData("verify ran no smoke step (verify.smoke); add the ingest-to-generate flow to Pulumi.staging.yaml")}`,
        ]),
  );
  const state = !v.entry.ok ? "failed" : ready.length && smoke.length ? "met" : "no-data";
  return { title, state, lines };
}

/** Proof line 3, "Proof": the latest secret version update of the stack and the readiness output after it. */
export function versionProof(log: Logged[], stack: string): ProofLine {
  const title = "Proof: dated secret version update plus successful readiness output";
  const idx = log.map((l, i) => ({ l, i })).filter(({ l }) => isRotate(stack)(l.entry));
  if (idx.length === 0) {
    return {
      title,
      state: "no-data",
      lines: [
        noData(
          `${LOG} records no rotation in ${stack}; npx pegasus-secrets rotate <VARIABLE> --stack ${stack} --operator <you> records one`,
        ),
      ],
    };
  }
  const { l, i } = idx[idx.length - 1];
  const r = l.entry as RotateEntry;
  const head =
    `${r.ts.slice(0, 10)}: ${r.variable} in ${stack} got a new version (keeper ${r.oldKeeper} -> ${r.newKeeper}) in ${r.impact.secretIds.join(", ")}, ` +
    `by ${r.operator}${r.breakGlass ? ` (break-glass, incident ${r.incident})` : ""} (${LOG} line ${l.line}).`;
  const v = verifyAfter(log, i, r);
  if (!v) {
    return {
      title,
      state: "no-data",
      lines: [
        head,
        noData(
          `no readiness output after it; run pulumi up --stack ${stack}, then npx pegasus-secrets verify --stack ${stack}`,
        ),
      ],
    };
  }
  const ready = v.entry.checks.filter((c) => c.kind === "ready");
  if (ready.length === 0) {
    return {
      title,
      state: "no-data",
      lines: [
        head,
        noData(`the verify at ${v.entry.ts} checked no readiness endpoint (verify.ready)`),
      ],
    };
  }
  const ok = ready.every((c) => c.ok);
  return {
    title,
    state: ok ? "met" : "failed",
    lines: [
      head,
      `Readiness at ${v.entry.ts} (${LOG} line ${v.line}):`,
      ...v.entry.checks.filter((c) => c.kind === "deployed").map((c) => checkText(c)),
      ...ready.map((c) => checkText(c)),
    ],
  };
}
