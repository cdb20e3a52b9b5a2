import * as pulumi from "@pulumi/pulumi";
import {
  childOptions,
  DERIVED_SECRET_OUTPUTS,
  deliveredKeys,
  EnvGroupArgs,
  requirePattern,
  secretInputs,
  validateEnvGroupArgs,
} from "./envGroupArgs";
import { PLATFORM_PATTERNS } from "../../model/naming";
import {
  apiErrorOf,
  baseUrl,
  checkDeliveryInputs,
  credential,
  DeliveryInputs,
  DeliveryState,
  desiredValues,
  diffDelivery,
  goneError,
  newHashKey,
  ownedKeys,
  partialFailure,
  platformClient,
  PlatformClient,
  reveal,
  stateFromPlatform,
  wireSecret,
} from "./providerKit";

/** How the Railway service picks up its variables: one explicit redeploy, or nothing. */
export type RailwayActivation = "redeploy" | "none";

/** Inputs of the Railway dynamic resource. */
export interface RailwayInputs extends DeliveryInputs {
  projectId: string;
  environmentId: string;
  serviceId: string;
  activation: RailwayActivation;
}

/** State of the Railway dynamic resource. */
export interface RailwayState extends DeliveryState {
  projectId: string;
  environmentId: string;
  serviceId: string;
  activation: RailwayActivation;
  /** True when a run wrote variables but stopped before the redeploy. */
  pendingActivation: boolean;
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
  const api: PlatformClient = platformClient(
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
  scope: { projectId: string; environmentId: string; serviceId: string },
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

async function railwayReconcile(
  oldsIn: RailwayState | undefined,
  newsIn: RailwayInputs,
): Promise<{ id: string; outs: Record<string, unknown> }> {
  const olds = oldsIn ? reveal(oldsIn) : undefined;
  const news = reveal(newsIn);
  const desired = desiredValues(news);
  const api = railwayClient(Object.values(desired));
  const scope = {
    projectId: news.projectId,
    environmentId: news.environmentId,
    serviceId: news.serviceId,
  };
  const id = `${scope.projectId}/${scope.environmentId}/${scope.serviceId}`;
  const secretKeys = Object.keys(news.secrets ?? {}).sort();
  const plainKeys = Object.keys(news.vars ?? {}).sort();
  const hashKey = olds?.hashKey || newHashKey();

  const current = await railwayVariables(api, scope);
  if (!current && olds) {
    throw goneError(
      `Railway service ${scope.serviceId} (project ${scope.projectId}, environment ${scope.environmentId})`,
      "set `targets.railway.services` to the service that replaces it and run `pulumi up`",
    );
  }
  if (!current) {
    throw new Error(
      `Railway service ${scope.serviceId} (project ${scope.projectId}, environment ${scope.environmentId}) was not found. Fix \`targets.railway\` in the stack config.`,
    );
  }
  if (!olds) {
    const clash = Object.keys(desired).filter((k) => k in current);
    if (clash.length > 0 && !news.adopt) {
      throw new Error(
        `Railway service ${scope.serviceId} already has variables this stack would own: ${clash.sort().join(", ")}. To take them over (every other variable stays), set \`targets.railway.adopt: true\` in the stack config, or delete them in the Railway dashboard.`,
      );
    }
  }
  // Values are readable (except sealed ones, which show as missing and are written again).
  const platform: Record<string, string | undefined> = { ...current };
  const toWrite = Object.keys(desired).filter((k) => platform[k] !== desired[k]);
  const toRemove = ownedKeys(olds ?? { secretKeys: [], plainKeys: [] }).filter(
    (k) => !(k in desired) && platform[k] !== undefined,
  );
  let pending = olds?.pendingActivation ?? false;
  let done = false;
  const stateNow = (): Record<string, unknown> => {
    const union = (a: string[], b: string[]) => [...new Set([...a, ...b])].sort();
    const sk = done ? secretKeys : union(olds?.secretKeys ?? [], secretKeys);
    const pk = done
      ? plainKeys
      : union(olds?.plainKeys ?? [], plainKeys).filter((k) => !sk.includes(k));
    const seen = stateFromPlatform(hashKey, sk, pk, platform);
    return {
      ...scope,
      activation: news.activation,
      adopt: news.adopt,
      secretKeys: sk,
      plainKeys: pk,
      vars: seen.vars,
      hashKey: wireSecret(hashKey),
      hashes: wireSecret(seen.hashes),
      pendingActivation: pending,
    };
  };
  try {
    if (toWrite.length > 0) {
      // One call for every changed key, deploys skipped: the service redeploys once, below.
      await api.gql(
        "PegasusVariableCollectionUpsert",
        M_UPSERT,
        {
          input: {
            ...scope,
            variables: Object.fromEntries(toWrite.map((k) => [k, desired[k]])),
            skipDeploys: true,
          },
        },
        true,
      );
      for (const k of toWrite) platform[k] = desired[k];
      pending = true;
    }
    // No bulk delete exists (`replace: true` would also drop variables this stack does not own).
    for (const name of toRemove) {
      await api.gql("PegasusVariableDelete", M_DELETE, { input: { ...scope, name } }, true);
      delete platform[name];
      pending = true;
    }
    if (news.activation === "none") pending = false;
    if (pending) {
      await api.gql(
        "PegasusServiceInstanceRedeploy",
        M_REDEPLOY,
        {
          environmentId: scope.environmentId,
          serviceId: scope.serviceId,
        },
        false,
      );
      pending = false;
    }
  } catch (err) {
    throw partialFailure(err, id, stateNow());
  }
  done = true;
  return { id, outs: stateNow() };
}

/**
 * The Railway provider (DESIGN.md D6): service-scoped variables (never shared ones), written with
 * deploys skipped, then one explicit redeploy. Its credential is read from `RAILWAY_API_TOKEN` when a
 * method runs.
 */
export const railwayProvider: pulumi.dynamic.ResourceProvider = {
  async check(_olds, news) {
    return { inputs: news, failures: checkDeliveryInputs(news, PLATFORM_PATTERNS.envKey.re) };
  },

  async diff(_id, olds: RailwayState, news: RailwayInputs) {
    return diffDelivery(
      olds as RailwayState & Record<string, unknown>,
      news as RailwayInputs & Record<string, unknown>,
      { replace: ["projectId", "environmentId", "serviceId"], update: ["activation", "adopt"] },
      reveal(olds).pendingActivation === true,
    );
  },

  async create(inputs: RailwayInputs) {
    return railwayReconcile(undefined, inputs);
  },

  async update(_id, olds: RailwayState, news: RailwayInputs) {
    const { outs } = await railwayReconcile(olds, news);
    return { outs };
  },

  async read(id, propsIn: RailwayState) {
    const props = reveal(propsIn);
    const api = railwayClient([]);
    const current = await railwayVariables(api, {
      projectId: props.projectId,
      environmentId: props.environmentId,
      serviceId: props.serviceId,
    });
    if (!current) return { id: "", props: {} };
    const seen = stateFromPlatform(props.hashKey, props.secretKeys, props.plainKeys, current);
    return {
      id,
      props: {
        ...props,
        vars: seen.vars,
        hashKey: wireSecret(props.hashKey),
        hashes: wireSecret(seen.hashes),
      },
    };
  },

  async delete(_id, propsIn: RailwayState) {
    const props = reveal(propsIn);
    const api = railwayClient([]);
    const scope = {
      projectId: props.projectId,
      environmentId: props.environmentId,
      serviceId: props.serviceId,
    };
    const current = await railwayVariables(api, scope);
    if (!current) return;
    for (const name of ownedKeys(props)) {
      if (!(name in current)) continue;
      await api.gql("PegasusVariableDelete", M_DELETE, { input: { ...scope, name } }, true);
    }
  },
};

/** Arguments of {@link RailwayVariables}. */
export interface RailwayVariablesArgs extends EnvGroupArgs {
  projectId: string;
  environmentId: string;
  serviceId: string;
  /** `redeploy` (default): one `serviceInstanceRedeploy` after a change; `none`: never. */
  activation?: RailwayActivation;
  /** Take over existing service variables of the same names (every other one stays). Default false. */
  adopt?: boolean;
}

/** The dynamic resource behind {@link RailwayVariables}. */
class RailwayVariablesResource extends pulumi.dynamic.Resource {
  public readonly pendingActivation!: pulumi.Output<boolean>;

  constructor(name: string, props: Record<string, unknown>, opts: pulumi.CustomResourceOptions) {
    super(
      railwayProvider,
      name,
      { ...props, pendingActivation: undefined },
      opts,
      "pegasus",
      "RailwayVariables",
    );
  }
}

/**
 * One consumer's variables as service variables of its Railway service (the guide: project/service
 * settings, never TOML; separate API and worker scopes). Never shared variables: each consumer's
 * values stay in its own service.
 */
export class RailwayVariables extends pulumi.ComponentResource {
  /** Names of the service variables this stack owns (never values). */
  public readonly keys: pulumi.Output<string[]>;
  /** The resource that writes the variables: what a later step can `dependsOn`. */
  public readonly delivery: pulumi.CustomResource;

  constructor(name: string, args: RailwayVariablesArgs, opts?: pulumi.ComponentResourceOptions) {
    super("pegasus:platforms:RailwayVariables", name, {}, opts);
    const component = "RailwayVariables";
    validateEnvGroupArgs(component, args);
    for (const arg of ["projectId", "environmentId", "serviceId"] as const) {
      requirePattern(component, arg, args[arg], PLATFORM_PATTERNS.railwayId);
    }
    const activation = args.activation ?? "redeploy";
    if (!["redeploy", "none"].includes(activation)) {
      throw new Error(`${component}: \`activation\` must be redeploy or none.`);
    }
    const delivery = new RailwayVariablesResource(
      name,
      {
        projectId: args.projectId,
        environmentId: args.environmentId,
        serviceId: args.serviceId,
        activation,
        adopt: args.adopt ?? false,
        vars: { ...args.vars },
        secrets: secretInputs(args.secrets),
      },
      childOptions(this, opts, DERIVED_SECRET_OUTPUTS),
    );
    this.delivery = delivery;
    this.keys = pulumi.output(deliveredKeys(args));
    this.registerOutputs({ keys: this.keys });
  }
}
