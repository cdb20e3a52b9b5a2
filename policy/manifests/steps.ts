/**
 * Which CI steps are tests. A matrix cell marked tests-only (CI's `OPENAI_API_KEY`: "✅ (tests
 * only)") may be read only by a test step, in Cloud Build (`cloudbuild.yaml`) and in GitHub
 * workflows alike. The rule, documented in docs/review.md:
 *
 *   A step is a test step when what it runs (Cloud Build: its `entrypoint`, `args` and `script`;
 *   GitHub: its `run`) invokes a test runner ({@link TEST_COMMAND}) and nothing that builds or
 *   pushes an image, deploys, publishes or calls a cloud CLI ({@link DEPLOY_COMMAND}). Every other
 *   step is a build or deploy step, including any step that `uses:` an action (it could do anything
 *   with what it reads) and any step that runs nothing.
 *
 * Judged on the text of the command, so a step that both tests and deploys is a deploy step.
 */

/** Test runners. */
export const TEST_COMMAND =
  /(^|[\s;&|(])(npm (run )?test([:\s;&|]|$)|npm run test:[\w-]+|yarn (run )?test\b|pnpm (run )?test\b|npx (jest|vitest|mocha|playwright test)\b|jest\b|vitest\b|mocha\b|pytest\b|python -m (pytest|unittest)\b|go test\b|cargo test\b|mvn( -\S+)* test\b|(\.\/)?gradlew? test\b|rspec\b|bundle exec rspec\b|phpunit\b|bun test\b|deno test\b)/;

/** Anything that builds, pushes, deploys, publishes or reaches a cloud with the step's credentials. */
export const DEPLOY_COMMAND =
  /(^|[\s;&|(])(gcloud|gsutil|bq|kubectl|helm|docker|podman|buildah|kaniko|pulumi|terraform|fly(ctl)?|railway|render|firebase|eas|aws|az|npm (publish|deploy)|yarn (publish|deploy)|pnpm (publish|deploy)|twine|curl|wget|ssh|scp|rsync)(\s|$)/;

/** The command text of a step. */
export function stepCommand(s: {
  entrypoint?: string;
  args?: string[];
  script?: string;
  run?: string;
}): string {
  return [s.entrypoint, ...(s.args ?? []), s.script, s.run].filter(Boolean).join(" ");
}

/** True when a step's command runs tests and nothing else the rule counts as build or deploy. */
export const isTestStep = (command: string): boolean =>
  command.trim() !== "" && TEST_COMMAND.test(command) && !DEPLOY_COMMAND.test(command);
