import * as fs from "fs";
import * as path from "path";
import { Model, planDeliveries } from "../../model";
import { writeFileAtomic } from "../shared/atomicWrite";
import { RUNTIME_SERVICES } from "../../model/runbookConfig";
import { list } from "./impact";
import { LOG_FILE, RotateEntry } from "./log";
import { FREEZE_FILE } from "./freeze";

/** One follow-up of break-glass: a command to run, a step only a person can do, or a note. */
export interface FollowUp {
  stack: string;
  /** `value` (set an external value), `up`, `restart`, `verify`, `manual` (by hand), `info` (nothing to do). */
  step: "value" | "up" | "restart" | "verify" | "manual" | "info";
  /** The exact command; absent for a manual step or a note. */
  command?: string[];
  /** What it does, in a few words. */
  note: string;
}

/** Shell-quotes one argument for printing. */
const q = (a: string): string =>
  /^[A-Za-z0-9_@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`;
/** A command as it is printed: exactly the argument vector that `--run` executes. */
export const shellLine = (cmd: string[]): string => cmd.map(q).join(" ");

/**
 * The restart of each service of a stack (guide, break-glass step 3), from its platform deliveries.
 * A delivery whose activation already restarts the service at `pulumi up` (a Render deploy or
 * restart, a Fly machine update, a Railway redeploy) needs no second restart; the others get the
 * platform's own restart call, with credentials read from the environment at run time and never
 * printed. A service with no platform target here is a step by hand. Only `services` (those that
 * receive a rotated value) are restarted: the others' values did not change.
 */
export function restartFollowUps(model: Model, stack: string, services: string[]): FollowUp[] {
  const out: FollowUp[] = [];
  const automatic: string[] = [];
  const covered = new Set<string>();
  for (const d of planDeliveries(model).filter((x) => services.includes(x.consumer))) {
    covered.add(d.consumer);
    const t = d.target;
    if (t.platform === "render") {
      if (t.activation !== "none") {
        automatic.push(`${d.consumer} on Render (${t.activation})`);
        continue;
      }
      for (const id of t.serviceIds) {
        out.push({
          stack,
          step: "restart",
          note: `restart ${d.consumer} (Render service ${id})`,
          command: [
            "sh",
            "-c",
            `curl -fsS -X POST -H "Authorization: Bearer $RENDER_API_KEY" "\${RENDER_API_URL:-https://api.render.com/v1}/services/${id}/restart"`,
          ],
        });
      }
    } else if (t.platform === "fly") {
      if (t.activation === "update-machines") {
        automatic.push(`${d.consumer} on Fly.io (machine update)`);
        continue;
      }
      out.push({
        stack,
        step: "restart",
        note: `restart ${d.consumer} (Fly app ${t.app})`,
        command: ["fly", "apps", "restart", t.app],
      });
    } else {
      if (t.activation === "redeploy") {
        automatic.push(`${d.consumer} on Railway (redeploy)`);
        continue;
      }
      const body = JSON.stringify({
        query: `mutation { serviceInstanceRedeploy(environmentId: "${t.environmentId}", serviceId: "${t.serviceId}") }`,
      });
      out.push({
        stack,
        step: "restart",
        note: `restart ${d.consumer} (Railway service ${t.serviceId})`,
        command: [
          "sh",
          "-c",
          `curl -fsS -X POST -H "Authorization: Bearer $RAILWAY_API_TOKEN" -H "Content-Type: application/json" --data '${body}' "\${RAILWAY_API_URL:-https://backboard.railway.com/graphql/v2}"`,
        ],
      });
    }
  }
  if (automatic.length > 0) {
    out.unshift({ stack, step: "info", note: `pulumi up restarts ${list(automatic)}` });
  }
  const elsewhere = RUNTIME_SERVICES.filter((s) => services.includes(s) && !covered.has(s));
  if (elsewhere.length > 0) {
    const them = elsewhere.length === 1 ? "it" : "them";
    out.push({
      stack,
      step: "manual",
      note: `restart ${list([...elsewhere])} where ${elsewhere.length === 1 ? "it runs" : "they run"} (${stack} has no platform target for ${them}, so this tool cannot restart ${them})`,
    });
  }
  return out;
}

/** Incident records live beside the log, one Markdown file per incident. */
export const incidentPath = (projectDir: string, incident: string): string =>
  path.join(projectDir, "operations", "incidents", `${incident}.md`);

export interface IncidentInput {
  incident: string;
  operator: string;
  ts: string;
  reason: string | null;
  variables: string[];
  stacks: string[];
  rotations: { entry: RotateEntry; line: number }[];
  freeze: { since: string; line: number | null };
  followUps: FollowUp[];
  externalVariables: string[];
}

/**
 * Opens the incident record (guide, break-glass step 5) with what the tool knows filled in, and the
 * impact window and remediation timeline left as fields for the people handling the incident. A
 * second break-glass for the same incident adds a section; nothing already written is changed.
 */
export function writeIncident(
  projectDir: string,
  i: IncidentInput,
): { file: string; created: boolean } {
  const file = incidentPath(projectDir, i.incident);
  const services = [...new Set(i.rotations.flatMap((r) => r.entry.impact.services))];
  const targets = [...new Set(i.rotations.flatMap((r) => r.entry.impact.targets))];
  const lines = i.rotations.map((r) => r.line);
  const fill = "_fill in_";
  const timeline = [
    "| time (UTC) | step | by | evidence |",
    "|---|---|---|---|",
    `| ${i.freeze.since} | Deploys frozen (break-glass step 1) | ${i.operator} | ${FREEZE_FILE}${i.freeze.line ? `, ${LOG_FILE} line ${i.freeze.line}` : ""} |`,
    `| ${i.ts} | Keepers rotated: ${i.variables.join(", ")} in ${i.stacks.join(", ")} (step 2) | ${i.operator} | ${LOG_FILE} lines ${Math.min(...lines)}-${Math.max(...lines)} |`,
    ...i.followUps
      .filter((f) => f.step !== "info")
      .map(
        (f) =>
          `| ${fill} | ${f.command ? `\`${shellLine(f.command)}\`` : f.note} (${f.stack}) | ${fill} | ${f.step === "verify" ? `${LOG_FILE} verify entry` : fill} |`,
      ),
    `| ${fill} | Freeze lifted: \`npx pegasus-secrets lift-freeze --operator <you>\` | ${fill} | ${LOG_FILE} |`,
  ];
  const rotations = i.rotations.map(
    (r) =>
      `- ${r.entry.variable} in ${r.entry.stack}: keeper ${r.entry.oldKeeper} -> ${r.entry.newKeeper} (${LOG_FILE} line ${r.line}); secrets ${r.entry.impact.secretIds.join(", ")}`,
  );
  const followUp = [
    `- [ ] Root cause of the exposure: ${fill}`,
    ...i.externalVariables.map(
      (v) =>
        `- [ ] ${v}: new value created at its issuer and set in every stack; the old value revoked at the issuer`,
    ),
    "- [ ] Secret Manager Data Access logs checked for reads of the old versions during the impact window",
    '- [ ] Freeze lifted once every stack verifies: `npx pegasus-secrets lift-freeze --operator <you> --reason "..."`',
    "- [ ] Evidence: `npx pegasus-secrets evidence --stack production`",
  ];
  const section = [
    `## Break-glass at ${i.ts} by ${i.operator}`,
    "",
    `- **Variables:** ${i.variables.join(", ")}`,
    `- **Stacks rotated:** ${i.stacks.join(", ")}`,
    `- **Reason:** ${i.reason ?? fill}`,
    `- **Services affected:** ${services.join(", ") || "none"}`,
    `- **Platform targets affected:** ${targets.join("; ") || "none configured"}`,
    "",
    "### Rotations",
    ...rotations,
    "",
    "### Impact window",
    `- **Exposure began (earliest possible):** ${fill}`,
    `- **Detected:** ${fill}`,
    `- **Old values stopped working:** ${fill} (the successful \`pulumi up\` of each stack)`,
    `- **Evidence of use of the old values:** ${fill}`,
    "",
    "### Remediation timeline",
    ...timeline,
    "",
    "### Follow-up",
    ...followUp,
    "",
  ].join("\n");
  fs.mkdirSync(path.dirname(file), { recursive: true });
  if (fs.existsSync(file)) {
    fs.appendFileSync(file, `\n${section}`);
    return { file, created: false };
  }
  writeFileAtomic(
    file,
    [
      `# Incident ${i.incident}: secret exposure`,
      "",
      `Opened ${i.ts} by ${i.operator} with \`npx pegasus-secrets break-glass\` (secrets-management guide, break-glass procedure).`,
      "",
      section,
    ].join("\n"),
    { exclusive: true },
  );
  return { file, created: true };
}
