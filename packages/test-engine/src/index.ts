/**
 * Test infrastructure that drives the Pulumi Node.js SDK's real hosts the way the Pulumi engine
 * does: the program entry point (`cmd/run`) against a fake engine and resource monitor, the
 * dynamic-provider host, and the policy-pack host. Loopback only; every server a test starts, the
 * test stops.
 */
export * from "./engine";
export * from "./dynamicProvider";
export * from "./policyHost";
