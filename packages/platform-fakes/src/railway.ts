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
 *
 * This file is the fake itself, its auth and its test helpers; the state is in railwayState.ts,
 * the resolvers in railwayResolvers.ts.
 */
import { randomUUID } from "node:crypto";
import type { GraphQLSchema } from "graphql";
import { cloneJson, randomHex } from "./data";
import { FakeServer } from "./fakeServer";
import type { AuthResult, FakeServerOptions, Reply, RequestContext } from "./fakeTypes";
import {
  parseGraphQLRequest,
  railwaySchema,
  validateGraphQLRequest,
  type ParsedGraphQLRequest,
} from "./graphqlContract";
import {
  executeRequest,
  railwayResolvers,
  type AccessScope,
  type Resolver,
  type ResolverContext,
} from "./railwayResolvers";
import {
  RailwayState,
  type ProjectTokenInfo,
  type RailwayDeploymentRecord,
  type RailwayProjectSeed,
  type RailwayRestartRecord,
  type RailwayScope,
} from "./railwayState";

const ENDPOINT = "/graphql/v2";

/** Constructor options of `FakeRailway`. */
export interface FakeRailwayOptions extends FakeServerOptions {
  /** Whether `variableDelete` records an automatic deployment (UNCONFIRMED; default false). */
  deleteTriggersDeploy?: boolean;
}

/** What `identify` learns: whether this is the endpoint, and the parsed request. */
interface RailwayRequest {
  endpoint: boolean;
  parsed: ParsedGraphQLRequest;
}

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
  private readonly state = new RailwayState(() => this.now());
  private readonly projectTokens = new Map<string, ProjectTokenInfo>();
  private readonly resolvers: Record<string, Resolver>;

  constructor(options: FakeRailwayOptions = {}) {
    super(options);
    this.resolvers = railwayResolvers(this.state, options.deleteTriggersDeploy ?? false);
  }

  // ---------------------------------------------------------------------------------------------
  // Test helpers (no HTTP).

  /** Adds a project with its environments and services. */
  addProject(seed: RailwayProjectSeed): void {
    this.state.projects.set(seed.id, {
      id: seed.id,
      name: seed.name ?? seed.id,
      environments: new Map(seed.environments.map((e) => [e.id, e.name ?? e.id])),
      services: new Map(seed.services.map((s) => [s.id, s.name])),
    });
  }

  /** Someone deletes a service in the dashboard; its variables go with it. */
  removeService(projectId: string, serviceId: string): void {
    const project = this.state.project(projectId);
    if (!project.services.delete(serviceId)) {
      throw new Error(`FakeRailway: no service ${serviceId} in ${projectId}`);
    }
    for (const key of [...this.state.variables.keys()]) {
      if (key.startsWith(`${projectId}|`) && key.endsWith(`|${serviceId}`))
        this.state.variables.delete(key);
    }
  }

  /**
   * Registers a project token (header `Project-Access-Token`) scoped to one environment; returns
   * it (random when not given).
   */
  addProjectToken(projectId: string, environmentId: string, token: string = randomHex(24)): string {
    const project = this.state.project(projectId);
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
    this.state.checkScope(scope);
    for (const [name, value] of Object.entries(vars)) {
      this.state.setVariable(scope, name, value);
      if (options.sealed) this.state.scopeVariables(scope).get(name)!.isSealed = true;
    }
  }

  /** Seals a variable (Railway has no API for it; UNCONFIRMED, PLATFORM_APIS.md §3). */
  sealVariable(scope: RailwayScope, name: string): void {
    const variable = this.state.scopeVariables(scope).get(name);
    if (!variable) throw new Error(`FakeRailway: no variable ${name} in that scope`);
    variable.isSealed = true;
  }

  /** A human edits a variable in the dashboard (drift tests); undefined deletes it. No deploy. */
  setVariableOutOfBand(scope: RailwayScope, name: string, value: string | undefined): void {
    this.state.checkScope(scope);
    if (value === undefined) this.state.scopeVariables(scope).delete(name);
    else this.state.setVariable(scope, name, value);
  }

  /** Raw (unrendered) variables of a scope, sealed ones included (a copy). */
  variablesOf(scope: RailwayScope): Record<string, string> {
    return Object.fromEntries([...this.state.scopeVariables(scope)].map(([n, v]) => [n, v.value]));
  }

  /** Names of the sealed variables of a scope. */
  sealedNames(scope: RailwayScope): string[] {
    return [...this.state.scopeVariables(scope)].filter(([, v]) => v.isSealed).map(([n]) => n);
  }

  /** Records a deployment as if one already ran (so redeploy/restart have an id); returns it. */
  seedDeployment(scope: RailwayScope & { serviceId: string }): string {
    this.state.checkScope(scope);
    return this.state.recordDeployment(scope, "seed", false).id;
  }

  /** Deployments of a service (optionally of one environment), oldest first (copies). */
  deploymentsFor(serviceId: string, environmentId?: string): RailwayDeploymentRecord[] {
    return cloneJson(
      this.state.deployments.filter(
        (d) =>
          d.serviceId === serviceId &&
          (environmentId === undefined || d.environmentId === environmentId),
      ),
    );
  }

  /** Every deployment recorded, oldest first (copies). */
  allDeployments(): RailwayDeploymentRecord[] {
    return cloneJson(this.state.deployments);
  }

  /** `deploymentRestart` calls, oldest first (copies). */
  restartsOf(deploymentId?: string): RailwayRestartRecord[] {
    return cloneJson(
      this.state.restarts.filter(
        (r) => deploymentId === undefined || r.deploymentId === deploymentId,
      ),
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
    return executeRequest(this.schema, parsed, context, this.resolvers, (c, message) =>
      this.violate(c, message),
    );
  }
}
