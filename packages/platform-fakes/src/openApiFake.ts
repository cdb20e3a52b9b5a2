/**
 * The OpenAPI pipeline shared by the REST fakes (Render, Fly): a request is matched to an
 * operation of the contract, its query and body are checked, and the fake's handler for that
 * operationId answers; the answer itself is checked against the spec too.
 */
import { FakeServer } from "./fakeServer";
import type { FakeServerOptions, Reply, RequestContext } from "./fakeTypes";
import type { OpenApiContract } from "./openApiContract";
import type { ContractOperation, RouteMatch } from "./openApiRoutes";

/** What a REST fake's handler receives. */
export interface OperationCall {
  readonly ctx: RequestContext;
  readonly operation: ContractOperation;
  /** Path parameters, URI-decoded. */
  readonly params: Record<string, string>;
  /** Query parameters the spec defines, coerced (`limit` is a number, `name` a string[]). */
  readonly query: Record<string, unknown>;
  readonly body: unknown;
}

/** A REST fake's handler of one operationId. */
export type OperationHandler = (call: OperationCall) => Reply;

/**
 * A fake whose routes come from an OpenAPI document. Unknown routes answer 404, invalid query or
 * body 400, both with a violation; spec operations the fake has no handler for answer 501 with a
 * violation ("not implemented in the fake").
 */
export abstract class OpenApiFakeServer extends FakeServer<RouteMatch | undefined> {
  protected abstract readonly contract: OpenApiContract;
  /** Handlers keyed by OpenAPI operationId. */
  protected abstract readonly handlers: Record<string, OperationHandler>;

  constructor(options: FakeServerOptions = {}) {
    super(options);
  }

  protected identify(ctx: RequestContext): RouteMatch | undefined {
    if (ctx.path === undefined) return undefined;
    const match = this.contract.match(ctx.method, ctx.path);
    if (match.kind === "operation") {
      ctx.entry.route = match.operation.template;
      ctx.entry.operation = match.operation.operationId;
      ctx.operationNames = [match.operation.operationId];
    } else if (match.kind === "unknown-method") {
      ctx.entry.route = match.template;
    }
    return match;
  }

  protected dispatch(ctx: RequestContext, match: RouteMatch | undefined): Reply {
    if (match === undefined) {
      this.violate(ctx, `${ctx.method} ${ctx.rawPath}: outside the base path ${this.basePath}`);
      return this.errorReply(404, "not found");
    }
    if (match.kind === "unknown-path") {
      this.violate(ctx, `${ctx.method} ${ctx.path}: no such path in ${this.contract.file}`);
      return this.errorReply(404, "not found");
    }
    if (match.kind === "unknown-method") {
      this.violate(
        ctx,
        `${ctx.method} ${match.template}: method not in ${this.contract.file} ` +
          `(allowed: ${match.allowed.join(", ")})`,
      );
      return this.errorReply(404, "not found");
    }
    const op = match.operation;
    const query = this.contract.checkQuery(op, ctx.query);
    const body = this.contract.checkBody(op, {
      present: ctx.bodyPresent,
      value: ctx.body,
      parseError: ctx.bodyParseError,
      contentType: ctx.headers["content-type"],
    });
    const warnings = [...query.warnings, ...body.warnings];
    if (warnings.length > 0) this.violate(ctx, `${op.label}: ${warnings.join("; ")}`);
    const errors = [...query.errors, ...body.errors];
    if (errors.length > 0) {
      this.violate(ctx, `${op.label}: ${errors.join("; ")}`);
      return this.errorReply(400, errors.join("; "));
    }
    const handler = this.handlers[op.operationId];
    if (!handler) {
      this.violate(ctx, `${op.label}: ${op.operationId} is not implemented in the fake`);
      return this.errorReply(501, `${op.operationId} is not implemented in the fake`);
    }
    const reply = handler({
      ctx,
      operation: op,
      params: match.params,
      query: query.values,
      body: ctx.body,
    });
    if (this.checkResponses) {
      const problems = this.contract.checkResponse(op, reply.status, reply.body);
      if (problems.length > 0) {
        this.violate(ctx, `${op.label}: the fake's answer breaks the spec: ${problems.join("; ")}`);
      }
    }
    return reply;
  }
}
