// The plan engine's old path, kept only because test/platforms/targets.spec.ts still imports the
// canary value generator from it. The generator is test code (test/helpers.ts) and the engine is
// cli/plan; delete this file once that spec imports `canaryValueGenerator` from "../helpers".
export { canaryValueGenerator } from "../test/helpers";
