/**
 * Fake of Railway's public GraphQL API (`POST /graphql/v2`; schema specs/railway-schema.json,
 * operations specs/railway-operations/*.graphql, brief specs/PLATFORM_APIS.md §3): projects,
 * environments and services (seeded), variables per (project, environment, service | shared),
 * deployments, redeploys and restarts. Every request is parsed, validated against the schema and
 * its variables coerced before the resolvers run; errors come back as HTTP 200 +
 * `{"errors": [...]}`.
 *
 * Auth: `Authorization: Bearer <token>` (account/workspace token, every project) or
 * `Project-Access-Token: <token>` (scoped to one project + environment, see `addProjectToken`).
 * When both headers are sent the project token is used.
 *
 * UNCONFIRMED points and the choice made here:
 * - Auth failures answer HTTP 200 with `errors: [{message: "Not Authorized"}]` (bad bearer) or
 *   `"Project Token not found"` (bad project token), as the CLI parses them.
 * - Sealed variables are left out of `variables` and `variablesForServiceDeployment` (not masked).
 *   They still resolve inside references and stay sealed when overwritten.
 * - `variableUpsert` / `variableCollectionUpsert` without `skipDeploys: true` record one automatic
 *   deployment per affected service: the service itself, plus (for a shared variable) every service
 *   of the environment whose variables reference `${{shared.NAME}}`, plus (for a service variable)
 *   services referencing `${{<service name>.NAME}}`. A shared variable nobody references deploys
 *   nothing.
 * - `variableDelete` starts no deployment unless `deleteTriggersDeploy: true` is passed; deleting
 *   a missing variable returns true.
 * - `variableCollectionUpsert` with `replace: true` removes every variable of the scope, sealed
 *   ones included, before the upsert.
 * - `variablesForServiceDeployment` adds the RAILWAY_* system variables Railway injects
 *   (`RAILWAY_PROJECT_ID`, `RAILWAY_ENVIRONMENT_ID`, `RAILWAY_SERVICE_ID`, and their `_NAME`s).
 * - References render to "" when their target is missing.
 * - 429 from `failNext` carries `Retry-After: 1`, `X-RateLimit-Limit/Remaining` and
 *   `X-RateLimit-Reset` (epoch seconds) unless the test gives headers.
 */
import { randomUUID } from "node:crypto";
import {
  GraphQLError,
  defaultFieldResolver,
  execute,
  type GraphQLFieldResolver,
  type GraphQLSchema,
} from "graphql";
import { cloneJson, randomHex } from "./data";
import { FakeServer } from "./fakeServer";
import type { AuthResult, FakeServerOptions, Reply, RequestContext } from "./fakeTypes";
import {
  parseGraphQLRequest,
  railwaySchema,
  validateGraphQLRequest,
  type ParsedGraphQLRequest,
} from "./graphqlContract";

const ENDPOINT = "/graphql/v2";

/** Constructor options of `FakeRailway`. */
export interface FakeRailwayOptions extends FakeServerOptions {
  /** Whether `variableDelete` records an automatic deployment (UNCONFIRMED; default false). */
  deleteTriggersDeploy?: boolean;
}

/** A project as seeded by a test. Every service exists in every environment. */
export interface RailwayProjectSeed {
  id: string;
  name?: string;
  environments: Array<{ id: string; name?: string }>;
  services: Array<{ id: string; name: string }>;
}

/** Where variables live: a service's, or the environment's shared ones (no `serviceId`). */
export interface RailwayScope {
  projectId: string;
  environmentId: string;
  serviceId?: string | null;
}

/** What started a deployment. */
export type RailwayDeployTrigger =
  | "seed"
  | "variableUpsert"
  | "variableCollectionUpsert"
  | "variableDelete"
  | "serviceInstanceRedeploy"
  | "serviceInstanceDeployV2"
  | "deploymentRedeploy";

/** A deployment the fake recorded. */
export interface RailwayDeploymentRecord {
  id: string;
  projectId: string;
  environmentId: string;
  serviceId: string;
  trigger: RailwayDeployTrigger;
  /** True when a variable change started it (no `skipDeploys`). */
  automatic: boolean;
  createdAt: string;
  commitSha?: string;
  /** For `deploymentRedeploy`: the deployment redeployed. */
  redeployOf?: string;
  /** Rendered service variables the deployment runs with (sealed ones included). */
  variables: Record<string, string>;
}

/** A `deploymentRestart`. */
export interface RailwayRestartRecord {
  deploymentId: string;
  at: string;
}

interface Project {
  id: string;
  name: string;
  environments: Map<string, string>;
  services: Map<string, string>;
}

interface Variable {
  id: string;
  value: string;
  isSealed: boolean;
  createdAt: string;
  updatedAt: string;
}

interface ProjectTokenInfo {
  id: string;
  name: string;
  projectId: string;
  environmentId: string;
  createdAt: string;
}

type AccessScope = { kind: "account" } | ({ kind: "project" } & ProjectTokenInfo);

interface ResolverContext {
  ctx: RequestContext;
  scope: AccessScope;
}

type Resolver = (args: Record<string, unknown>, context: ResolverContext) => unknown;

interface RailwayRequest {
  endpoint: boolean;
  parsed: ParsedGraphQLRequest;
}

const REFERENCE = /\$\{\{\s*([^}]+?)\s*\}\}/g;

/**
 * Stateful fake of Railway's GraphQL API. `start()` resolves with
 * `http://127.0.0.1:<port>/graphql/v2`, the stand-in for
 * `https://backboard.railway.com/graphql/v2`.
 */
export class FakeRailway extends FakeServer<RailwayRequest> {
  protected readonly basePath = "";
  protected readonly urlPath = ENDPOINT;
  protected readonly platform = "Railway";

  private readonly schema: GraphQLSchema = railwaySchema();
  private readonly deleteTriggersDeploy: boolean;
  private readonly projects = new Map<string, Project>();
  private readonly variables = new Map<string, Map<string, Variable>>();
  private readonly projectTokens = new Map<string, ProjectTokenInfo>();
  private readonly deployments: RailwayDeploymentRecord[] = [];
  private readonly restarts: RailwayRestartRecord[] = [];

  private readonly resolvers: Record<string, Resolver> = {
    variables: (args, c) => {
      const scope = this.access(c, args.projectId, args.environmentId, args.serviceId);
      const visible = this.visibleVariables(scope);
      return args.unrendered === true ? visible : this.renderAll(scope, visible);
    },
    variablesForServiceDeployment: (args, c) => {
      const scope = this.access(c, args.projectId, args.environmentId, args.serviceId);
      return {
        ...this.systemVariables(scope),
        ...this.renderAll(scope, this.visibleVariables(scope)),
      };
    },
    variableUpsert: (args, c) => {
      const input = args.input as UpsertInput & { name: string; value: string };
      const scope = this.access(c, input.projectId, input.environmentId, input.serviceId);
      this.setVariable(scope, input.name, input.value);
      if (input.skipDeploys !== true) this.autoDeploy(scope, [input.name], "variableUpsert");
      return true;
    },
    variableCollectionUpsert: (args, c) => {
      const input = args.input as UpsertInput & {
        variables: Record<string, string>;
        replace?: boolean | null;
      };
      const scope = this.access(c, input.projectId, input.environmentId, input.serviceId);
      const vars = this.scopeVariables(scope);
      const names = new Set(Object.keys(input.variables));
      if (input.replace === true) {
        // Schema: "removes all existing variables before upserting the new collection".
        for (const name of vars.keys()) names.add(name);
        vars.clear();
      }
      for (const [name, value] of Object.entries(input.variables))
        this.setVariable(scope, name, value);
      if (input.skipDeploys !== true) {
        this.autoDeploy(scope, [...names], "variableCollectionUpsert");
      }
      return true;
    },
    variableDelete: (args, c) => {
      const input = args.input as UpsertInput & { name: string };
      const scope = this.access(c, input.projectId, input.environmentId, input.serviceId);
      const existed = this.scopeVariables(scope).delete(input.name);
      if (existed && this.deleteTriggersDeploy) {
        this.autoDeploy(scope, [input.name], "variableDelete");
      }
      return true;
    },
    serviceInstanceRedeploy: (args, c) => {
      const scope = this.serviceInstance(c, args.environmentId, args.serviceId);
      this.recordDeployment(scope, "serviceInstanceRedeploy", false);
      return true;
    },
    serviceInstanceDeployV2: (args, c) => {
      const scope = this.serviceInstance(c, args.environmentId, args.serviceId);
      const record = this.recordDeployment(scope, "serviceInstanceDeployV2", false);
      if (typeof args.commitSha === "string") record.commitSha = args.commitSha;
      return record.id;
    },
    deploymentRedeploy: (args, c) => {
      const previous = this.deploymentFor(c, args.id);
      const record = this.recordDeployment(previous, "deploymentRedeploy", false);
      record.redeployOf = previous.id;
      return this.deploymentView(record);
    },
    deploymentRestart: (args, c) => {
      const deployment = this.deploymentFor(c, args.id);
      this.restarts.push({ deploymentId: deployment.id, at: this.now() });
      return true;
    },
    projectToken: (_args, c) => {
      if (c.scope.kind !== "project") throw new GraphQLError("Project Token not found");
      const token = c.scope;
      const project = this.projects.get(token.projectId)!;
      return {
        id: token.id,
        name: token.name,
        createdAt: token.createdAt,
        displayToken: "****",
        projectId: token.projectId,
        environmentId: token.environmentId,
        project: { id: project.id, name: project.name },
        environment: {
          id: token.environmentId,
          name: project.environments.get(token.environmentId),
          projectId: project.id,
        },
      };
    },
  };

  constructor(options: FakeRailwayOptions = {}) {
    super(options);
    this.deleteTriggersDeploy = options.deleteTriggersDeploy ?? false;
  }

  // ---------------------------------------------------------------------------------------------
  // Test helpers (no HTTP).

  /** Adds a project with its environments and services. */
  addProject(seed: RailwayProjectSeed): void {
    this.projects.set(seed.id, {
      id: seed.id,
      name: seed.name ?? seed.id,
      environments: new Map(seed.environments.map((e) => [e.id, e.name ?? e.id])),
      services: new Map(seed.services.map((s) => [s.id, s.name])),
    });
  }

  /** Someone deletes a service in the dashboard; its variables go with it. */
  removeService(projectId: string, serviceId: string): void {
    const project = this.project(projectId);
    if (!project.services.delete(serviceId)) {
      throw new Error(`FakeRailway: no service ${serviceId} in ${projectId}`);
    }
    for (const key of [...this.variables.keys()]) {
      if (key.startsWith(`${projectId}|`) && key.endsWith(`|${serviceId}`))
        this.variables.delete(key);
    }
  }

  /**
   * Registers a project token (header `Project-Access-Token`) scoped to one environment; returns
   * it (random when not given).
   */
  addProjectToken(projectId: string, environmentId: string, token: string = randomHex(24)): string {
    const project = this.project(projectId);
    if (!project.environments.has(environmentId)) {
      throw new Error(`FakeRailway: no environment ${environmentId} in ${projectId}`);
    }
    this.projectTokens.set(token, {
      id: randomUUID(),
      name: `token for ${environmentId}`,
      projectId,
      environmentId,
      createdAt: this.now(),
    });
    return token;
  }

  /** Sets variables directly (no deployment); `sealed` marks them sealed. */
  seedVariables(
    scope: RailwayScope,
    vars: Record<string, string>,
    options: { sealed?: boolean } = {},
  ): void {
    this.checkScope(scope);
    for (const [name, value] of Object.entries(vars)) {
      this.setVariable(scope, name, value);
      if (options.sealed) this.scopeVariables(scope).get(name)!.isSealed = true;
    }
  }

  /** Seals a variable (Railway has no API for it; UNCONFIRMED, PLATFORM_APIS.md §3). */
  sealVariable(scope: RailwayScope, name: string): void {
    const variable = this.scopeVariables(scope).get(name);
    if (!variable) throw new Error(`FakeRailway: no variable ${name} in that scope`);
    variable.isSealed = true;
  }

  /** A human edits a variable in the dashboard (drift tests); undefined deletes it. No deploy. */
  setVariableOutOfBand(scope: RailwayScope, name: string, value: string | undefined): void {
    this.checkScope(scope);
    if (value === undefined) this.scopeVariables(scope).delete(name);
    else this.setVariable(scope, name, value);
  }

  /** Raw (unrendered) variables of a scope, sealed ones included (a copy). */
  variablesOf(scope: RailwayScope): Record<string, string> {
    return Object.fromEntries([...this.scopeVariables(scope)].map(([n, v]) => [n, v.value]));
  }

  /** Names of the sealed variables of a scope. */
  sealedNames(scope: RailwayScope): string[] {
    return [...this.scopeVariables(scope)].filter(([, v]) => v.isSealed).map(([n]) => n);
  }

  /** Records a deployment as if one already ran (so redeploy/restart have an id); returns it. */
  seedDeployment(scope: RailwayScope & { serviceId: string }): string {
    this.checkScope(scope);
    return this.recordDeployment(scope, "seed", false).id;
  }

  /** Deployments of a service (optionally of one environment), oldest first (copies). */
  deploymentsFor(serviceId: string, environmentId?: string): RailwayDeploymentRecord[] {
    return cloneJson(
      this.deployments.filter(
        (d) =>
          d.serviceId === serviceId &&
          (environmentId === undefined || d.environmentId === environmentId),
      ),
    );
  }

  /** Every deployment recorded, oldest first (copies). */
  allDeployments(): RailwayDeploymentRecord[] {
    return cloneJson(this.deployments);
  }

  /** `deploymentRestart` calls, oldest first (copies). */
  restartsOf(deploymentId?: string): RailwayRestartRecord[] {
    return cloneJson(
      this.restarts.filter((r) => deploymentId === undefined || r.deploymentId === deploymentId),
    );
  }

  // ---------------------------------------------------------------------------------------------
  // Platform behaviour.

  protected identify(ctx: RequestContext): RailwayRequest {
    const endpoint = ctx.method === "POST" && ctx.rawPath === ENDPOINT;
    const parsed = endpoint
      ? ctx.bodyParseError
        ? { errors: ["request body is not valid JSON"], rootFields: [], variables: {} }
        : parseGraphQLRequest(ctx.body)
      : { errors: [], rootFields: [], variables: {} };
    ctx.entry.operation = parsed.operationName ?? parsed.rootFields[0];
    ctx.operationNames = [
      ...(parsed.operationName ? [parsed.operationName] : []),
      ...parsed.rootFields,
    ];
    return { endpoint, parsed };
  }

  protected authenticate(ctx: RequestContext): AuthResult {
    const header = ctx.headers["project-access-token"];
    if (typeof header === "string" && header !== "") {
      const token = this.projectTokens.get(header.trim());
      const scope: AccessScope | undefined = token ? { kind: "project", ...token } : undefined;
      return token
        ? { ok: true, scheme: "Project-Access-Token", scope }
        : { ok: false, scheme: "Project-Access-Token", reason: "project-token" };
    }
    const result = super.authenticate(ctx);
    return result.ok ? { ...result, scope: { kind: "account" } } : result;
  }

  protected unauthorizedReply(ctx: RequestContext): Reply {
    // PLATFORM_APIS.md §3: messages the CLI handles, with HTTP 200 (UNCONFIRMED).
    const message =
      ctx.auth.reason === "project-token" ? "Project Token not found" : "Not Authorized";
    return { status: 200, body: { data: null, errors: [{ message }] } };
  }

  protected errorReply(status: number, message: string): Reply {
    return { status, body: { data: null, errors: [{ message }] } };
  }

  protected defaultFaultHeaders(status: number): Record<string, string> {
    if (status !== 429) return {};
    // PLATFORM_APIS.md §3: "Backboard sets Retry-After on every 429", in seconds.
    return {
      "Retry-After": "1",
      "X-RateLimit-Limit": "1000",
      "X-RateLimit-Remaining": "0",
      "X-RateLimit-Reset": String(Math.ceil(Date.now() / 1000) + 1),
    };
  }

  protected async dispatch(ctx: RequestContext, request: RailwayRequest): Promise<Reply> {
    if (!request.endpoint) {
      this.violate(
        ctx,
        `${ctx.method} ${ctx.rawPath}: not the Railway endpoint (POST ${ENDPOINT})`,
      );
      return this.errorReply(404, "Not Found");
    }
    const parsed = request.parsed;
    const label = `GraphQL ${parsed.operationName ?? (parsed.rootFields.join(",") || "request")}`;
    const contentType = ctx.headers["content-type"];
    if (!contentType || !/\bjson\b/i.test(contentType)) {
      this.violate(ctx, `${label}: content-type must be application/json`);
    }
    const checked = validateGraphQLRequest(this.schema, parsed);
    if (checked.errors.length > 0) {
      this.violate(ctx, `${label}: ${checked.errors.join("; ")}`);
      return {
        status: 200,
        body: { data: null, errors: checked.errors.map((message) => ({ message })) },
      };
    }
    const context: ResolverContext = {
      ctx,
      scope: (ctx.auth.scope as AccessScope) ?? { kind: "account" },
    };
    const result = await execute({
      schema: this.schema,
      document: parsed.document!,
      operationName: parsed.operation?.name?.value,
      rootValue: {},
      contextValue: context,
      variableValues: parsed.variables,
      fieldResolver: this.fieldResolver,
    });
    const body: Record<string, unknown> = { data: result.data ?? null };
    if (result.errors && result.errors.length > 0) {
      body.errors = result.errors.map((e) => {
        const json: Record<string, unknown> = { message: e.message };
        if (e.path) json.path = e.path;
        if (e.extensions && Object.keys(e.extensions).length > 0) json.extensions = e.extensions;
        return json;
      });
    }
    return { status: 200, body };
  }

  /** Root fields go to `resolvers` (or fail as not implemented); nested fields read properties. */
  private readonly fieldResolver: GraphQLFieldResolver<unknown, ResolverContext> = (
    source,
    args,
    context,
    info,
  ) => {
    const root =
      info.parentType === info.schema.getQueryType() ||
      info.parentType === info.schema.getMutationType();
    if (!root) return defaultFieldResolver(source, args, context, info);
    const resolver = this.resolvers[info.fieldName];
    if (!resolver) {
      const what = `${info.parentType.name}.${info.fieldName}`;
      this.violate(context.ctx, `GraphQL ${what} is not implemented in the fake`);
      throw new GraphQLError(`${what} is not implemented in the fake`);
    }
    return resolver(args as Record<string, unknown>, context);
  };

  /** Checks the token's reach and that the project/environment/service exist. */
  private access(
    c: ResolverContext,
    projectId: unknown,
    environmentId: unknown,
    serviceId: unknown,
  ): RailwayScope {
    const scope: RailwayScope = {
      projectId: String(projectId),
      environmentId: String(environmentId),
      serviceId: typeof serviceId === "string" ? serviceId : null,
    };
    if (
      c.scope.kind === "project" &&
      (c.scope.projectId !== scope.projectId || c.scope.environmentId !== scope.environmentId)
    ) {
      throw new GraphQLError("Not Authorized");
    }
    const project = this.projects.get(scope.projectId);
    if (!project) throw new GraphQLError("Project not found");
    if (!project.environments.has(scope.environmentId)) {
      throw new GraphQLError("Environment not found");
    }
    if (scope.serviceId && !project.services.has(scope.serviceId)) {
      throw new GraphQLError("Service not found");
    }
    return scope;
  }

  /** `(environmentId, serviceId)` of the serviceInstance* mutations → its project. */
  private serviceInstance(
    c: ResolverContext,
    environmentId: unknown,
    serviceId: unknown,
  ): RailwayScope & { serviceId: string } {
    const project = [...this.projects.values()].find(
      (p) => p.environments.has(String(environmentId)) && p.services.has(String(serviceId)),
    );
    if (!project) throw new GraphQLError("Service instance not found");
    return this.access(c, project.id, environmentId, serviceId) as RailwayScope & {
      serviceId: string;
    };
  }

  private deploymentFor(c: ResolverContext, id: unknown): RailwayDeploymentRecord {
    const deployment = this.deployments.find((d) => d.id === id);
    if (!deployment) throw new GraphQLError("Deployment not found");
    this.access(c, deployment.projectId, deployment.environmentId, deployment.serviceId);
    return deployment;
  }

  private recordDeployment(
    scope: RailwayScope,
    trigger: RailwayDeployTrigger,
    automatic: boolean,
  ): RailwayDeploymentRecord {
    const serviceId = scope.serviceId!;
    const record: RailwayDeploymentRecord = {
      id: randomUUID(),
      projectId: scope.projectId,
      environmentId: scope.environmentId,
      serviceId,
      trigger,
      automatic,
      createdAt: this.now(),
      variables: this.renderAll(
        { ...scope, serviceId },
        Object.fromEntries(
          [...this.scopeVariables({ ...scope, serviceId })].map(([n, v]) => [n, v.value]),
        ),
      ),
    };
    this.deployments.push(record);
    return record;
  }

  /** An upsert without `skipDeploys` redeploys the affected services (PLATFORM_APIS.md §3). */
  private autoDeploy(scope: RailwayScope, names: string[], trigger: RailwayDeployTrigger): void {
    const project = this.project(scope.projectId);
    const affected = new Set<string>();
    const wanted = new Set<string>();
    if (scope.serviceId) {
      affected.add(scope.serviceId);
      const serviceName = project.services.get(scope.serviceId);
      for (const n of names) wanted.add(`${serviceName}.${n}`);
    } else {
      for (const n of names) wanted.add(`shared.${n}`);
    }
    for (const serviceId of project.services.keys()) {
      const vars = this.scopeVariables({ ...scope, serviceId });
      for (const variable of vars.values()) {
        for (const match of variable.value.matchAll(REFERENCE)) {
          if (wanted.has(match[1])) affected.add(serviceId);
        }
      }
    }
    for (const serviceId of affected) this.recordDeployment({ ...scope, serviceId }, trigger, true);
  }

  private visibleVariables(scope: RailwayScope): Record<string, string> {
    // UNCONFIRMED (PLATFORM_APIS.md §3): sealed variables are left out, not masked.
    return Object.fromEntries(
      [...this.scopeVariables(scope)].filter(([, v]) => !v.isSealed).map(([n, v]) => [n, v.value]),
    );
  }

  /** Resolves `${{shared.X}}`, `${{X}}` and `${{Service.X}}` (depth-bounded). */
  private renderAll(scope: RailwayScope, vars: Record<string, string>): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [name, value] of Object.entries(vars)) out[name] = this.render(scope, value, 0);
    return out;
  }

  private render(scope: RailwayScope, value: string, depth: number): string {
    if (depth > 3) return value;
    return value.replace(REFERENCE, (_whole, ref: string) => {
      const dot = ref.indexOf(".");
      let target: RailwayScope = scope;
      let name = ref;
      if (dot > 0) {
        const owner = ref.slice(0, dot);
        name = ref.slice(dot + 1);
        if (owner === "shared") {
          target = { ...scope, serviceId: null };
        } else {
          const project = this.project(scope.projectId);
          const serviceId = [...project.services].find(([, n]) => n === owner)?.[0];
          if (!serviceId) return "";
          target = { ...scope, serviceId };
        }
      }
      const system = this.systemVariables(target)[name];
      const found = this.scopeVariables(target).get(name)?.value ?? system;
      return found === undefined ? "" : this.render(target, found, depth + 1);
    });
  }

  private systemVariables(scope: RailwayScope): Record<string, string> {
    const project = this.project(scope.projectId);
    const vars: Record<string, string> = {
      RAILWAY_PROJECT_ID: project.id,
      RAILWAY_PROJECT_NAME: project.name,
      RAILWAY_ENVIRONMENT_ID: scope.environmentId,
      RAILWAY_ENVIRONMENT_NAME: project.environments.get(scope.environmentId) ?? "",
    };
    if (scope.serviceId) {
      vars.RAILWAY_SERVICE_ID = scope.serviceId;
      vars.RAILWAY_SERVICE_NAME = project.services.get(scope.serviceId) ?? "";
    }
    return vars;
  }

  private deploymentView(d: RailwayDeploymentRecord): Record<string, unknown> {
    return {
      id: d.id,
      status: "SUCCESS",
      createdAt: d.createdAt,
      updatedAt: d.createdAt,
      projectId: d.projectId,
      environmentId: d.environmentId,
      serviceId: d.serviceId,
      canRedeploy: true,
      canRollback: false,
      deploymentStopped: false,
      suggestAddServiceDomain: false,
      instances: [],
      sockets: [],
      staticUrl: null,
      url: null,
      meta: null,
    };
  }

  private setVariable(scope: RailwayScope, name: string, value: string): void {
    const vars = this.scopeVariables(scope);
    const existing = vars.get(name);
    const at = this.now();
    vars.set(name, {
      id: existing?.id ?? randomUUID(),
      value,
      isSealed: existing?.isSealed ?? false,
      createdAt: existing?.createdAt ?? at,
      updatedAt: at,
    });
  }

  private scopeVariables(scope: RailwayScope): Map<string, Variable> {
    const key = `${scope.projectId}|${scope.environmentId}|${scope.serviceId ?? "shared"}`;
    let vars = this.variables.get(key);
    if (!vars) {
      vars = new Map();
      this.variables.set(key, vars);
    }
    return vars;
  }

  private checkScope(scope: RailwayScope): void {
    const project = this.project(scope.projectId);
    if (!project.environments.has(scope.environmentId)) {
      throw new Error(`FakeRailway: no environment ${scope.environmentId} in ${scope.projectId}`);
    }
    if (scope.serviceId && !project.services.has(scope.serviceId)) {
      throw new Error(`FakeRailway: no service ${scope.serviceId} in ${scope.projectId}`);
    }
  }

  private project(projectId: string): Project {
    const project = this.projects.get(projectId);
    if (!project) throw new Error(`FakeRailway: no project ${projectId}`);
    return project;
  }
}

interface UpsertInput {
  projectId: string;
  environmentId: string;
  serviceId?: string | null;
  skipDeploys?: boolean | null;
}
