/**
 * The part of actions/github-script's `github` client the repository's scripts use, over a test's
 * own `rest` fake: `paginate` returns the one page the fake answers.
 */
export const fakeOctokit = <R>(rest: R) => ({
  rest,
  paginate: async (fn: (args: unknown) => Promise<{ data: unknown[] }>, args: unknown) =>
    (await fn(args)).data,
});

/** The `context` github-script passes: this repository. */
export const REPO_CONTEXT = { repo: { owner: "pegasus", repo: "pegasus-secrets" } };
