// Transitional, for one spec only: test/platforms/targets.spec.ts, which the platform-delivery
// branch is rewriting, still imports the canary value generator from this old path. The generator
// itself is test code (test/helpers.ts); the plan engine is cli/plan. Delete this file once that spec
// imports `canaryValueGenerator` from "../helpers".
export { canaryValueGenerator } from "../test/helpers";
