/**
 * The placeholder values the committed example stack files carry (target IDs, URLs), and the
 * stacks of one project that would collide. The plan lists placeholders before a first deploy; a
 * real `pulumi up` refuses them (stacks/index.ts), since a placeholder ID either fails late or,
 * worse, names somebody else's service.
 */
import type { StackConfig } from "./config";
import type { Issue } from "./errors";

/** Hosts reserved for documentation (RFC 2606, RFC 6761): never a real endpoint. */
const RESERVED_HOST = /(^|\.)(example|invalid|localhost\.example)$|(^|\.)example\.(com|net|org)$/;

/** Shapes of the example IDs in the committed stack files. */
const PLACEHOLDER_ID = {
  render: /example/,
  railway: /^00000000-0000-/,
};

const hostOf = (url: string): string | undefined => {
  try {
    return new URL(url.replace(/\{\{[A-Za-z][A-Za-z0-9_]*\}\}/g, "x")).hostname;
  } catch {
    return undefined;
  }
};

/** Every placeholder in a stack's config, with its key and the command that replaces it. */
export function placeholdersOf(cfg: StackConfig): Issue[] {
  const out: Issue[] = [];
  const set = (path: string, example: string) =>
    `pulumi config set --path '${path}' ${example} --stack ${cfg.stack}`;
  const add = (path: string, value: string, example: string, what: string) =>
    out.push({
      key: `pegasus-secrets:${path}`,
      problem: `"${value}" is a placeholder ${what}, not a real one.`,
      fix: set(path, example),
    });
  const render = cfg.targets.render;
  if (render) {
    if (PLACEHOLDER_ID.render.test(render.ownerId)) {
      add(
        "targets.render.ownerId",
        render.ownerId,
        "tea-<your workspace ID>",
        "Render workspace ID",
      );
    }
    for (const [consumer, ids] of Object.entries(render.services)) {
      ids?.forEach((id, i) => {
        if (PLACEHOLDER_ID.render.test(id)) {
          add(
            `targets.render.services.${consumer}[${i}]`,
            id,
            "srv-<your service ID>",
            "Render service ID",
          );
        }
      });
    }
  }
  const railway = cfg.targets.railway;
  if (railway) {
    const uuid = "<uuid from the Railway dashboard>";
    for (const k of ["projectId", "environmentId"] as const) {
      if (PLACEHOLDER_ID.railway.test(railway[k]))
        add(`targets.railway.${k}`, railway[k], uuid, "Railway ID");
    }
    for (const [consumer, id] of Object.entries(railway.services)) {
      if (id && PLACEHOLDER_ID.railway.test(id)) {
        add(`targets.railway.services.${consumer}`, id, uuid, "Railway service ID");
      }
    }
  }
  for (const [name, value] of Object.entries(cfg.plain)) {
    const host = hostOf(value);
    if (host && RESERVED_HOST.test(host)) add(`plain.${name}`, value, "https://<your host>", "URL");
  }
  for (const [service, url] of Object.entries(cfg.verify?.ready ?? {})) {
    const host = url ? hostOf(url) : undefined;
    if (url && host && RESERVED_HOST.test(host)) {
      add(
        `verify.ready.${service}`,
        url,
        `https://<${service} host>/health/ready`,
        "readiness URL",
      );
    }
  }
  cfg.verify?.smoke.forEach((step, i) => {
    const host = hostOf(step.url);
    if (host && RESERVED_HOST.test(host)) {
      add(`verify.smoke[${i}].url`, step.url, "https://<api host>/<path>", "smoke-step URL");
    }
  });
  return out;
}

/** What the collision check needs to know about another stack of the project. */
export interface SiblingStack {
  stack: string;
  gcpProject: string;
  secretIdPrefix: string;
}

/**
 * Another stack that would own the same secrets: same GCP project and same secret-ID prefix, so
 * their secret IDs (and rotation topic) are the same resources. An error in both stacks.
 */
export function collidingStacks(cfg: StackConfig, siblings: SiblingStack[]): Issue[] {
  return siblings
    .filter(
      (s) =>
        s.stack !== cfg.stack &&
        s.gcpProject === cfg.gcpProject &&
        s.secretIdPrefix === cfg.secretIdPrefix,
    )
    .map((s) => ({
      key: "pegasus-secrets:secretIdPrefix",
      problem: `is "${cfg.secretIdPrefix}" in GCP project ${cfg.gcpProject}, as in stack ${s.stack}: both stacks would own the same secrets, and each would overwrite the other's.`,
      fix: `give each stack its own prefix (pulumi config set pegasus-secrets:secretIdPrefix ${cfg.stack} --stack ${cfg.stack}) or its own project.`,
    }));
}
