/**
 * The incident record of a break-glass (guide, break-glass step 5): `operations/incidents/<id>.md`,
 * with what the tool knows filled in and the rest left as fields for the people on the incident.
 */
import * as fs from "fs";
import * as path from "path";
import { writeFileAtomic } from "../../lib/atomicWrite";
import { FREEZE_FILE } from "./freezeMarker";
import { FollowUp, shellLine } from "./followUps";
import { LOG_FILE, RotateEntry } from "./log";

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
