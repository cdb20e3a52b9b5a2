/**
 * Fault injection: the `failNext` / `hangNext` queue of a fake and how a fault picks the requests it
 * answers. Nothing here starts a timer; a hung request waits for the fake's `stop()`.
 */
import type { FailSpec, FaultMatch, HangSpec, RequestContext } from "./fakeTypes";

/** A fault registered and not yet used up. */
export interface PendingFault {
  kind: "fail" | "hang";
  remaining: number;
  match: FaultMatch;
  fail?: FailSpec;
}

/** The faults of one fake, in registration order: the first that matches a request answers it. */
export class FaultQueue {
  private readonly faults: PendingFault[] = [];

  /** Queues an injected error answer. */
  fail(spec: FailSpec): void {
    this.faults.push({
      kind: "fail",
      remaining: spec.times ?? 1,
      match: spec.match ?? {},
      fail: spec,
    });
  }

  /** Queues an injected hang. */
  hang(spec: HangSpec): void {
    this.faults.push({ kind: "hang", remaining: spec.times ?? 1, match: spec.match ?? {} });
  }

  /** Drops the faults not yet consumed. */
  clear(): void {
    this.faults.length = 0;
  }

  /** Faults registered but not yet consumed. */
  get size(): number {
    return this.faults.length;
  }

  /** The first fault that matches the request, counted as used once. */
  take(ctx: RequestContext): PendingFault | undefined {
    for (let i = 0; i < this.faults.length; i++) {
      const fault = this.faults[i];
      if (!faultMatches(fault.match, ctx)) continue;
      fault.remaining -= 1;
      if (fault.remaining <= 0) this.faults.splice(i, 1);
      return fault;
    }
    return undefined;
  }
}

function faultMatches(match: FaultMatch, ctx: RequestContext): boolean {
  if (match.method && match.method.toUpperCase() !== ctx.method) return false;
  if (match.path) {
    const relative = ctx.path ?? ctx.rawPath;
    if (!match.path.test(relative) && !match.path.test(ctx.rawPath)) return false;
  }
  if (match.operation && !ctx.operationNames.includes(match.operation)) return false;
  return true;
}
