import { z } from "zod";
import { IssueList } from "./errors";
import { PLATFORM_CONSUMERS } from "./targets";

/**
 * Stack config of the rotation runbook: where `verify` finds each service's readiness endpoint and
 * the ingest-to-generate smoke flow (guide, rotation runbook step 2), and production's staggered
 * rollout order (step 3). `model/config.ts` parses both keys; this file holds their shape.
 */

/**
 * Services that run continuously and answer `/health/ready`: the consumers that run on a platform
 * (CI runs jobs, mobile is a bundle).
 */
export const RUNTIME_SERVICES = PLATFORM_CONSUMERS;
export type RuntimeService = (typeof RUNTIME_SERVICES)[number];

/** A condition on one field of a JSON response, addressed by a dotted path (`job.status`, `items.0.id`). */
export interface FieldCondition {
  path: string;
  /** The field must equal this value. */
  equals?: string | number | boolean;
  /** The field must equal one of these values. Neither `equals` nor `oneOf`: the field must exist. */
  oneOf?: (string | number | boolean)[];
}

/** One HTTP step of the smoke flow. */
export interface SmokeStep {
  /** Shown in `verify` output and recorded in the operations log. */
  name: string;
  method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
  /** May use `{{name}}` for a value saved by an earlier step (URL-encoded when substituted). */
  url: string;
  /**
   * Request headers. A credential never sits in the stack file: a sensitive header (Authorization,
   * cookies, tokens, keys) must take its value from the operator's environment, `Bearer ${env:NAME}`.
   */
  headers: Record<string, string>;
  /** JSON body; strings may use `{{name}}`. */
  json?: unknown;
  /** Accepted HTTP statuses; default 200-299. */
  expectStatus?: number[];
  /** A field the response must carry. */
  expect?: FieldCondition;
  /** Values to keep for later steps: name -> dotted path in the JSON response. */
  save: Record<string, string>;
  /** Repeat the request until a field says the work is done (an ingest or generate job). */
  poll?: {
    until: FieldCondition;
    /** Stop at once and fail when this matches (a job reported `failed`). */
    failWhen?: FieldCondition;
    intervalSeconds: number;
    timeoutSeconds: number;
  };
}

/** `pegasus-secrets:verify`: what `npx pegasus-secrets verify --stack <name>` checks. */
export interface VerifyConfig {
  /** Readiness URL per service (`https://api.example/health/ready`): 2xx means ready. */
  ready: Partial<Record<RuntimeService, string>>;
  /** Bound on one HTTP request. Default 10 s. */
  requestTimeoutSeconds: number;
  /** How long a service may take to become ready (it may be restarting after `pulumi up`). Default 120 s. */
  readyTimeoutSeconds: number;
  /** Pause between readiness attempts. Default 5 s. */
  readyIntervalSeconds: number;
  /** Bound on the whole verify run. Default 900 s. */
  deadlineSeconds: number;
  /** The ingest-to-generate flow, in order. */
  smoke: SmokeStep[];
}

/** `pegasus-secrets:rollout`: how `pulumi up` applies a change to the services, one at a time. */
export interface RolloutConfig {
  /** Services in the order they receive a change; each waits for the previous one's readiness gate. */
  order: RuntimeService[];
  /** How long each service may take to become ready before the update fails. Default 600 s. */
  timeoutSeconds: number;
  /** Pause between readiness attempts. Default 10 s. */
  intervalSeconds: number;
  /** Consecutive ready answers the gate needs, so an instance about to restart does not pass it. Default 3. */
  successes: number;
  /** Bound on one readiness request. Default 10 s. */
  requestTimeoutSeconds: number;
}

const seconds = (max: number) => z.number().positive().max(max);
/** Loopback hosts, where plain http is allowed (a local test of the runbook). */
const LOOPBACK = new Set(["localhost", "127.0.0.1", "[::1]"]);
/** An https URL (http only on loopback): a readiness or smoke check carries a token over it. */
const httpUrl = z.string().refine((u) => {
  try {
    const p = new URL(u.replace(/\{\{[A-Za-z][A-Za-z0-9_]*\}\}/g, "x"));
    return p.protocol === "https:" || (p.protocol === "http:" && LOOPBACK.has(p.hostname));
  } catch {
    return false;
  }
}, "must be an https URL (plain http only for a loopback address)");
const scalar = z.union([z.string(), z.number(), z.boolean()]);
const fieldSchema = z.strictObject({
  path: z
    .string()
    .regex(/^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/, "must be a dotted path such as job.status"),
  equals: scalar.optional(),
  oneOf: z.array(scalar).min(1).optional(),
});
const stepSchema = z.strictObject({
  name: z.string().min(1).max(80),
  method: z.enum(["GET", "POST", "PUT", "PATCH", "DELETE"]).default("GET"),
  url: httpUrl,
  headers: z.record(z.string().regex(/^[A-Za-z0-9-]+$/), z.string()).default({}),
  json: z.unknown().optional(),
  expectStatus: z
    .union([z.number().int().min(100).max(599), z.array(z.number().int().min(100).max(599)).min(1)])
    .transform((v) => (Array.isArray(v) ? v : [v]))
    .optional(),
  expect: fieldSchema.optional(),
  save: z.record(z.string().regex(/^[A-Za-z][A-Za-z0-9_]*$/), fieldSchema.shape.path).default({}),
  poll: z
    .strictObject({
      until: fieldSchema,
      failWhen: fieldSchema.optional(),
      intervalSeconds: seconds(600).default(2),
      timeoutSeconds: seconds(3600).default(300),
    })
    .optional(),
});

/** Schema of `pegasus-secrets:verify`, with its defaults. */
export const verifySchema = z.strictObject({
  ready: z.partialRecord(z.enum(RUNTIME_SERVICES), httpUrl),
  requestTimeoutSeconds: seconds(300).default(10),
  readyTimeoutSeconds: seconds(3600).default(120),
  readyIntervalSeconds: seconds(600).default(5),
  deadlineSeconds: seconds(7200).default(900),
  smoke: z.array(stepSchema).default([]),
});

/** Schema of `pegasus-secrets:rollout`, with its defaults. */
export const rolloutSchema = z.strictObject({
  order: z.array(z.enum(RUNTIME_SERVICES)).min(1),
  timeoutSeconds: seconds(3600).default(600),
  intervalSeconds: seconds(600).default(10),
  successes: z.number().int().min(1).max(20).default(3),
  requestTimeoutSeconds: seconds(300).default(10),
});

/** A header that carries a credential: its value must come from the environment. */
const SENSITIVE_HEADER = /authorization|cookie|token|secret|key|password|session/i;
const ENV_REF = /\$\{env:[A-Z_][A-Z0-9_]*\}/;

/**
 * Checks that the schema cannot: no credential literal in a smoke header, no service in the rollout
 * twice or without a readiness URL, no `{{name}}` used before a step saves it.
 */
export function checkRunbookConfig(
  stack: string,
  verify: VerifyConfig | undefined,
  rollout: RolloutConfig | undefined,
  issues: IssueList,
  keyOf: (path: string) => string,
): void {
  const saved = new Set<string>();
  verify?.smoke.forEach((step, i) => {
    for (const [name, value] of Object.entries(step.headers)) {
      if (SENSITIVE_HEADER.test(name) && !ENV_REF.test(value)) {
        issues.add(
          keyOf(`verify.smoke.${i}.headers.${name}`),
          `carries a credential literally; a credential never sits in the stack file.`,
          `reference the operator's environment instead, e.g. \`${name}: "Bearer \${env:PEGASUS_SMOKE_TOKEN}"\`, and export that variable before running verify.`,
        );
      }
    }
    const used = [
      ...`${step.url} ${JSON.stringify(step.json ?? null)}`.matchAll(
        /\{\{([A-Za-z][A-Za-z0-9_]*)\}\}/g,
      ),
    ].map((m) => m[1]);
    for (const name of used) {
      if (!saved.has(name)) {
        issues.add(
          keyOf(`verify.smoke.${i}`),
          `uses {{${name}}}, which no earlier step saves.`,
          `save it in an earlier step (\`save: {${name}: <json path>}\`) or remove the reference.`,
        );
      }
    }
    for (const name of Object.keys(step.save)) saved.add(name);
  });
  if (!rollout) return;
  const seen = new Set<string>();
  rollout.order.forEach((service, i) => {
    if (seen.has(service)) {
      issues.add(keyOf(`rollout.order.${i}`), `lists ${service} twice.`, "list each service once.");
    }
    seen.add(service);
    if (!verify?.ready[service]) {
      issues.add(
        keyOf(`rollout.order.${i}`),
        `${service} has no readiness URL, so its rollout cannot be gated.`,
        `pulumi config set --path 'verify.ready.${service}' https://<${service} host>/health/ready --stack ${stack}`,
      );
    }
  });
}
