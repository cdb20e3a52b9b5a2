/**
 * The state of the Railway fake: projects with their environments and services, variables per
 * (project, environment, service | shared) with sealing, the references between them as Railway
 * renders them, and the deployments and restarts recorded. No HTTP and no GraphQL here.
 */
import { randomUUID } from "node:crypto";

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

/** A project: environment and service names by id. */
export interface Project {
  id: string;
  name: string;
  environments: Map<string, string>;
  services: Map<string, string>;
}

/** A variable of one scope. */
export interface Variable {
  id: string;
  value: string;
  isSealed: boolean;
  createdAt: string;
  updatedAt: string;
}

/** A project token (header `Project-Access-Token`): one project and environment. */
export interface ProjectTokenInfo {
  id: string;
  name: string;
  projectId: string;
  environmentId: string;
  createdAt: string;
}

/** A reference inside a variable value: `${{NAME}}`, `${{shared.NAME}}`, `${{service.NAME}}`. */
const REFERENCE = /\$\{\{\s*([^}]+?)\s*\}\}/g;

/** Everything the Railway fake holds; `now` is the fake's clock (strictly increasing timestamps). */
export class RailwayState {
  readonly projects = new Map<string, Project>();
  /** Variables by `<projectId>|<environmentId>|<serviceId or "shared">`. */
  readonly variables = new Map<string, Map<string, Variable>>();
  readonly deployments: RailwayDeploymentRecord[] = [];
  readonly restarts: RailwayRestartRecord[] = [];
  readonly now: () => string;

  constructor(now: () => string) {
    this.now = now;
  }

  /** Records a deployment of a service, with the rendered variables it runs with. */
  recordDeployment(
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
  autoDeploy(scope: RailwayScope, names: string[], trigger: RailwayDeployTrigger): void {
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

  /** The values a reader sees, sealed variables left out. */
  visibleVariables(scope: RailwayScope): Record<string, string> {
    // UNCONFIRMED (PLATFORM_APIS.md §3): sealed variables are left out, not masked.
    return Object.fromEntries(
      [...this.scopeVariables(scope)].filter(([, v]) => !v.isSealed).map(([n, v]) => [n, v.value]),
    );
  }

  /** Resolves `${{shared.X}}`, `${{X}}` and `${{Service.X}}` (depth-bounded). */
  renderAll(scope: RailwayScope, vars: Record<string, string>): Record<string, string> {
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

  /** The RAILWAY_* variables Railway injects for a scope. */
  systemVariables(scope: RailwayScope): Record<string, string> {
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
  /** Sets a variable, keeping its id, creation time and seal when it exists. */
  setVariable(scope: RailwayScope, name: string, value: string): void {
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

  /** The variables of a scope (created empty on first use). */
  scopeVariables(scope: RailwayScope): Map<string, Variable> {
    const key = `${scope.projectId}|${scope.environmentId}|${scope.serviceId ?? "shared"}`;
    let vars = this.variables.get(key);
    if (!vars) {
      vars = new Map();
      this.variables.set(key, vars);
    }
    return vars;
  }

  /** Throws when the project, environment or service does not exist. */
  checkScope(scope: RailwayScope): void {
    const project = this.project(scope.projectId);
    if (!project.environments.has(scope.environmentId)) {
      throw new Error(`FakeRailway: no environment ${scope.environmentId} in ${scope.projectId}`);
    }
    if (scope.serviceId && !project.services.has(scope.serviceId)) {
      throw new Error(`FakeRailway: no service ${scope.serviceId} in ${scope.projectId}`);
    }
  }

  /** The project; throws when it does not exist. */
  project(projectId: string): Project {
    const project = this.projects.get(projectId);
    if (!project) throw new Error(`FakeRailway: no project ${projectId}`);
    return project;
  }
}
