// Refuses a run that must not apply before anything else loads (stacks/preflight.ts).
import "./stacks/preflight";
import { runProgram } from "./stacks";

// Entry point only: config -> validated model -> resources -> named outputs (names and IDs, never values).
const out = runProgram();

export const stack = out.stack;
export const gcpProject = out.gcpProject;
export const secretIds = out.secretIds;
export const identityEmails = out.identityEmails;
export const accessGrants = out.accessGrants;
export const rotationTopic = out.rotationTopic;
export const rotationKeepers = out.rotationKeepers;
export const previousKeepers = out.previousKeepers;
export const auditLogging = out.auditLogging;
