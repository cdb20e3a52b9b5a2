/**
 * The Railway adapter of the delivery engine, and its provider: what writes a Railway service's variables. This module
 * and what it imports are bundled into the provider each RailwayVariables stores (`../delivery/packaged.ts`),
 * so it imports Node.js built-ins and the pure layers only, never Pulumi.
 */
import type { RAILWAY_ACTIVATIONS } from "../../model/targets";
import { apiErrorOf, baseUrl, credential, platformClient } from "../delivery/client";
import type { Adapter, StateOf } from "../delivery/adapter";
import { deliveryProvider } from "../delivery/provider";
import type { DeliveryInputs } from "../delivery/state";

/** How the Railway service picks up its variables: one explicit redeploy, or nothing. */
export type RailwayActivation = (typeof RAILWAY_ACTIVATIONS)[number];

/** Inputs of the Railway dynamic resource. */
export interface RailwayInputs extends DeliveryInputs {
  projectId: string;
  environmentId: string;
  serviceId: string;
  activation: RailwayActivation;
}

/** What the Railway delivery keeps of its own. */
interface RailwayOwn {
  /** True when a run wrote variables but stopped before the redeploy. */
  pendingActivation: boolean;
}

/** State of the Railway dynamic resource. */
export type RailwayState = StateOf<RailwayInputs, RailwayOwn>;

/** One service's variables in one environment of one project. */
interface RailwayScope {
  projectId: string;
  environmentId: string;
  serviceId: string;
}

const RAILWAY_PLATFORM = "Railway";
const RAILWAY_API = "https://backboard.railway.com/graphql/v2";

// Operation documents. Every one names `serviceId`: the stack only ever touches service variables,
// never the environment's shared ones (which a missing serviceId would address).
const Q_VARIABLES = `query PegasusVariables($projectId: String!, $environmentId: String!, $serviceId: String!) {
  variables(projectId: $projectId, environmentId: $environmentId, serviceId: $serviceId, unrendered: true)
}`;
const M_UPSERT = `mutation PegasusVariableCollectionUpsert($input: VariableCollectionUpsertInput!) {
  variableCollectionUpsert(input: $input)
}`;
const M_DELETE = `mutation PegasusVariableDelete($input: VariableDeleteInput!) {
  variableDelete(input: $input)
}`;
const M_REDEPLOY = `mutation PegasusServiceInstanceRedeploy($environmentId: String!, $serviceId: String!) {
  serviceInstanceRedeploy(environmentId: $environmentId, serviceId: $serviceId)
}`;

interface RailwayClient {
  gql(
    label: string,
    query: string,
    variables: Record<string, unknown>,
    idempotent: boolean,
  ): Promise<Record<string, unknown>>;
}

function railwayClient(values: string[]): RailwayClient {
  const token = credential(
    "RAILWAY_API_TOKEN",
    RAILWAY_PLATFORM,
    "a Railway account or workspace token",
  );
  const api = platformClient(
    RAILWAY_PLATFORM,
    baseUrl("RAILWAY_API_URL", RAILWAY_API),
    { authorization: `Bearer ${token}` },
    values,
    "RAILWAY_API_TOKEN",
  );
  return {
    async gql(label, query, variables, idempotent) {
      const res = await api.call("POST", "", {
        body: { query, variables, operationName: label },
        label,
        idempotent,
      });
      const body = (res.body ?? {}) as { data?: Record<string, unknown>; errors?: unknown[] };
      // Railway answers GraphQL errors, authentication included, with HTTP 200 (PLATFORM_APIS §3).
      if (Array.isArray(body.errors) && body.errors.length > 0) {
        throw apiErrorOf(RAILWAY_PLATFORM, label, body, "RAILWAY_API_TOKEN", [token, ...values]);
      }
      return body.data ?? {};
    },
  };
}

/** Service variables (unrendered: a reference stays `${{...}}`), or undefined when the service is gone. */
async function railwayVariables(
  api: RailwayClient,
  scope: RailwayScope,
): Promise<Record<string, string> | undefined> {
  try {
    const data = await api.gql("PegasusVariables", Q_VARIABLES, { ...scope }, true);
    return (data.variables ?? {}) as Record<string, string>;
  } catch (err) {
    if (/\b(service|project|environment) not found\b/i.test((err as Error).message)) {
      return undefined;
    }
    throw err;
  }
}

const scopeOf = (s: RailwayScope): RailwayScope => ({
  projectId: s.projectId,
  environmentId: s.environmentId,
  serviceId: s.serviceId,
});
const describeScope = (s: RailwayScope): string =>
  `Railway service ${s.serviceId} (project ${s.projectId}, environment ${s.environmentId})`;
const deleteVariable = (api: RailwayClient, scope: RailwayScope, name: string) =>
  api.gql("PegasusVariableDelete", M_DELETE, { input: { ...scope, name } }, true);

/**
 * Railway (DESIGN.md D6): service-scoped variables (never shared ones), written with deploys
 * skipped, then one explicit redeploy. Values are readable, except sealed ones, which show as
 * missing and are written again.
 */
export const railwayAdapter: Adapter<RailwayInputs, RailwayOwn, RailwayClient, RailwayScope> = {
  platform: RAILWAY_PLATFORM,
  replaceOn: ["projectId", "environmentId", "serviceId"],
  updateOn: [],
  own: { pendingActivation: false },
  secretOwn: [],
  pendingField: "pendingActivation",
  connect: railwayClient,

  async read(api, at) {
    const scope = scopeOf("create" in at ? at.create : at.state);
    const values = await railwayVariables(api, scope);
    if (!values) return undefined;
    const id = `${scope.projectId}/${scope.environmentId}/${scope.serviceId}`;
    return { id, keys: Object.keys(values), values, detail: scope };
  },

  absent(news) {
    throw new Error(
      `${describeScope(news)} was not found. Fix \`targets.railway\` in the stack config.`,
    );
  },

  refuse(news, found) {
    const clash = Object.keys({ ...news.vars, ...news.secrets }).filter((k) =>
      found.keys.includes(k),
    );
    return clash.length > 0
      ? `Railway service ${news.serviceId} already has variables this stack would own: ${clash.sort().join(", ")}. To take them over (every other variable stays), set \`targets.railway.adopt: true\` in the stack config, or delete them in the Railway dashboard.`
      : undefined;
  },

  gone: (_id, state) => ({
    what: describeScope(state),
    then: "set `targets.railway.services` to the service that replaces it and run `pulumi up`",
  }),

  async write(api, job) {
    const scope = job.found.detail;
    if (job.set.length > 0) {
      // One call for every changed key, deploys skipped: the service redeploys once, after.
      const variables = Object.fromEntries(job.set.map((k) => [k, job.desired[k]]));
      const input = { ...scope, variables, skipDeploys: true };
      await api.gql("PegasusVariableCollectionUpsert", M_UPSERT, { input }, true);
      job.wrote(job.set);
      job.own.pendingActivation = true;
    }
    // No bulk delete exists (`replace: true` would also drop variables this stack does not own).
    for (const name of job.remove) {
      await deleteVariable(api, scope, name);
      job.removed([name]);
      job.own.pendingActivation = true;
    }
  },

  async activate(api, job) {
    const { news, own } = job;
    if (news.activation === "none") own.pendingActivation = false;
    if (!own.pendingActivation) return;
    const vars = { environmentId: news.environmentId, serviceId: news.serviceId };
    await api.gql("PegasusServiceInstanceRedeploy", M_REDEPLOY, vars, false);
    own.pendingActivation = false;
  },

  async remove(api, { found, keys }) {
    for (const name of keys) await deleteVariable(api, found.detail, name);
  },
};

/** The Railway provider: the delivery engine around {@link railwayAdapter}. */
export const railwayProvider = deliveryProvider(railwayAdapter);
