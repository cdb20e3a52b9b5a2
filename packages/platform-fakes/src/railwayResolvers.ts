/**
 * How the Railway fake answers a validated GraphQL request: the root-field resolvers (variables,
 * upserts and deletes with their automatic deployments, redeploys, restarts, the project token),
 * the reach of the caller's token, and the execution that runs them.
 */
import {
  GraphQLError,
  defaultFieldResolver,
  execute,
  type GraphQLFieldResolver,
  type GraphQLSchema,
} from "graphql";
import type { Reply, RequestContext } from "./fakeTypes";
import type { ParsedGraphQLRequest } from "./graphqlContract";
import type {
  ProjectTokenInfo,
  RailwayDeploymentRecord,
  RailwayScope,
  RailwayState,
} from "./railwayState";

/** Who is calling: an account/workspace token (every project) or a project token. */
export type AccessScope = { kind: "account" } | ({ kind: "project" } & ProjectTokenInfo);

/** What every resolver receives. */
export interface ResolverContext {
  ctx: RequestContext;
  scope: AccessScope;
}

/** Answers one root field. */
export type Resolver = (args: Record<string, unknown>, context: ResolverContext) => unknown;

/** The scope fields the variable mutations share. */
interface UpsertInput {
  projectId: string;
  environmentId: string;
  serviceId?: string | null;
  skipDeploys?: boolean | null;
}

/** The root fields the fake implements, over `state`. */
export function railwayResolvers(
  state: RailwayState,
  deleteTriggersDeploy: boolean,
): Record<string, Resolver> {
  return {
    variables: (args, c) => {
      const scope = access(state, c, args.projectId, args.environmentId, args.serviceId);
      const visible = state.visibleVariables(scope);
      return args.unrendered === true ? visible : state.renderAll(scope, visible);
    },
    variablesForServiceDeployment: (args, c) => {
      const scope = access(state, c, args.projectId, args.environmentId, args.serviceId);
      return {
        ...state.systemVariables(scope),
        ...state.renderAll(scope, state.visibleVariables(scope)),
      };
    },
    variableUpsert: (args, c) => {
      const input = args.input as UpsertInput & { name: string; value: string };
      const scope = access(state, c, input.projectId, input.environmentId, input.serviceId);
      state.setVariable(scope, input.name, input.value);
      if (input.skipDeploys !== true) state.autoDeploy(scope, [input.name], "variableUpsert");
      return true;
    },
    variableCollectionUpsert: (args, c) => {
      const input = args.input as UpsertInput & {
        variables: Record<string, string>;
        replace?: boolean | null;
      };
      const scope = access(state, c, input.projectId, input.environmentId, input.serviceId);
      const vars = state.scopeVariables(scope);
      const names = new Set(Object.keys(input.variables));
      if (input.replace === true) {
        // Schema: "removes all existing variables before upserting the new collection".
        for (const name of vars.keys()) names.add(name);
        vars.clear();
      }
      for (const [name, value] of Object.entries(input.variables))
        state.setVariable(scope, name, value);
      if (input.skipDeploys !== true) {
        state.autoDeploy(scope, [...names], "variableCollectionUpsert");
      }
      return true;
    },
    variableDelete: (args, c) => {
      const input = args.input as UpsertInput & { name: string };
      const scope = access(state, c, input.projectId, input.environmentId, input.serviceId);
      const existed = state.scopeVariables(scope).delete(input.name);
      if (existed && deleteTriggersDeploy) {
        state.autoDeploy(scope, [input.name], "variableDelete");
      }
      return true;
    },
    serviceInstanceRedeploy: (args, c) => {
      const scope = serviceInstance(state, c, args.environmentId, args.serviceId);
      state.recordDeployment(scope, "serviceInstanceRedeploy", false);
      return true;
    },
    serviceInstanceDeployV2: (args, c) => {
      const scope = serviceInstance(state, c, args.environmentId, args.serviceId);
      const record = state.recordDeployment(scope, "serviceInstanceDeployV2", false);
      if (typeof args.commitSha === "string") record.commitSha = args.commitSha;
      return record.id;
    },
    deploymentRedeploy: (args, c) => {
      const previous = deploymentFor(state, c, args.id);
      const record = state.recordDeployment(previous, "deploymentRedeploy", false);
      record.redeployOf = previous.id;
      return deploymentView(record);
    },
    deploymentRestart: (args, c) => {
      const deployment = deploymentFor(state, c, args.id);
      state.restarts.push({ deploymentId: deployment.id, at: state.now() });
      return true;
    },
    projectToken: (_args, c) => {
      if (c.scope.kind !== "project") throw new GraphQLError("Project Token not found");
      const token = c.scope;
      const project = state.projects.get(token.projectId)!;
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
}

/**
 * Runs a validated request. Root fields go to `resolvers` (or fail as not implemented, recorded
 * with `violate`); nested fields read properties. Errors come back in the body, with HTTP 200.
 */
export async function executeRequest(
  schema: GraphQLSchema,
  parsed: ParsedGraphQLRequest,
  contextValue: ResolverContext,
  resolvers: Record<string, Resolver>,
  violate: (ctx: RequestContext, message: string) => void,
): Promise<Reply> {
  const fieldResolver: GraphQLFieldResolver<unknown, ResolverContext> = (
    source,
    args,
    context,
    info,
  ) => {
    const root =
      info.parentType === info.schema.getQueryType() ||
      info.parentType === info.schema.getMutationType();
    if (!root) return defaultFieldResolver(source, args, context, info);
    const resolver = resolvers[info.fieldName];
    if (!resolver) {
      const what = `${info.parentType.name}.${info.fieldName}`;
      violate(context.ctx, `GraphQL ${what} is not implemented in the fake`);
      throw new GraphQLError(`${what} is not implemented in the fake`);
    }
    return resolver(args as Record<string, unknown>, context);
  };
  const result = await execute({
    schema,
    document: parsed.document!,
    operationName: parsed.operation?.name?.value,
    rootValue: {},
    contextValue,
    variableValues: parsed.variables,
    fieldResolver,
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

/** Checks the token's reach and that the project/environment/service exist. */
function access(
  state: RailwayState,
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
  const project = state.projects.get(scope.projectId);
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
function serviceInstance(
  state: RailwayState,
  c: ResolverContext,
  environmentId: unknown,
  serviceId: unknown,
): RailwayScope & { serviceId: string } {
  const project = [...state.projects.values()].find(
    (p) => p.environments.has(String(environmentId)) && p.services.has(String(serviceId)),
  );
  if (!project) throw new GraphQLError("Service instance not found");
  return access(state, c, project.id, environmentId, serviceId) as RailwayScope & {
    serviceId: string;
  };
}

function deploymentFor(
  state: RailwayState,
  c: ResolverContext,
  id: unknown,
): RailwayDeploymentRecord {
  const deployment = state.deployments.find((d) => d.id === id);
  if (!deployment) throw new GraphQLError("Deployment not found");
  access(state, c, deployment.projectId, deployment.environmentId, deployment.serviceId);
  return deployment;
}

function deploymentView(d: RailwayDeploymentRecord): Record<string, unknown> {
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
