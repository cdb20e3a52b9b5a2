// The rollout order of the staggered production rollout (the declared graph is checked in
// test/components/rollout/staggered.spec.ts and test/runbook/walkthrough.spec.ts).
import { rolloutSteps } from "../../model/rollout";

describe("rolloutSteps", () => {
  it("orders the delivered services by rollout.order and refuses one left out", () => {
    expect(rolloutSteps(["worker", "api"], ["api", "worker"])).toEqual([
      { service: "worker", after: null },
      { service: "api", after: "worker" },
    ]);
    expect(rolloutSteps(["api", "worker"], ["worker"])).toEqual([
      { service: "worker", after: null },
    ]);
    expect(() => rolloutSteps(["api"], ["api", "worker"])).toThrow(
      "`rollout.order` does not list worker, which this stack delivers to: add it (pulumi config set --path 'rollout.order[1]' worker --stack production).",
    );
  });
});
