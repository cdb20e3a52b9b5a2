// The files a secret can be committed in besides the platforms' manifests: Dockerfiles, compose
// files, mobile app config, env files whatever their name, workflows, stack files, and any text
// file. Credential-shaped values are made at test time (never committed: the scan would refuse them).
import { randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { lintManifest, lintManifests } from "../../../policy/manifests";
import { isTestStep } from "../../../policy/manifests/steps";

const EXAMPLES = path.resolve(__dirname, "..", "..", "..", "examples", "manifests");
const rows = (file: string, text: string) =>
  lintManifest(file, text).map((f) => [f.line, f.variable, f.rule]);
const bad = (file: string) => rows(file, fs.readFileSync(path.join(EXAMPLES, "bad", file), "utf8"));
// Public-prefixed secret names are spelled at run time: the repository's own lint refuses them.
const EXPO = ["EXPO", "PUBLIC_"].join("_");
const hex = () => randomBytes(32).toString("hex");
// A base64 key: mixed case and digits whatever the random bytes.
const key = () => `Kq7${randomBytes(30).toString("base64").replace(/[+/=]/g, "x")}`;

test("Dockerfile: ENV and ARG of a catalog secret, a secret-looking value, COPY of an env file", () => {
  expect(bad("Dockerfile")).toEqual([
    [3, "OPENAI_API_KEY", "dockerfile-secret"],
    [4, "JWT_SECRET", "dockerfile-secret"],
    [6, "PARTNER_API_TOKEN", "secret-looking-value"],
    [7, ".env", "dockerfile-env-file"],
  ]);
  expect(
    rows("api.Dockerfile", `FROM node:20\nARG BUILD_ID=${hex()}\nCOPY .env.example ./\n`),
  ).toEqual([[2, "BUILD_ID", "secret-literal"]]);
});

test("compose: a catalog secret's value, a secret build argument; host references and local URLs pass", () => {
  expect(bad("docker-compose.yml")).toEqual([
    [7, "SIGNED_URL_KEY", "compose-build-arg-secret"],
    [9, "DATABASE_URL", "compose-secret-value"],
  ]);
});

test("mobile: a catalog secret in app.json's extra, a public-prefixed secret in eas.json, a secret read in app.config.ts", () => {
  expect(bad("mobile/app.json")).toEqual([[7, "OPENAI_API_KEY", "mobile-secret"]]);
  expect(bad("mobile/eas.json")).toEqual([[6, `${EXPO}JWT_SECRET`, "public-prefixed-secret"]]);
  const config = `export default { extra: { jwt: process.env.JWT_SECRET, url: process.env.${EXPO}API_URL } };\n`;
  expect(rows("app.config.ts", config)).toEqual([[1, "JWT_SECRET", "mobile-secret"]]);
});

test("env files whatever their name: a committed production.env full of values", () => {
  expect(bad("deploy/production.env")).toEqual([
    [2, "WEBHOOK_SHARED_SECRET", "env-file-secret-value"],
    [3, "PARTNER_PASSWORD", "secret-looking-value"],
  ]);
  const text = `REDIS_URL=\nDATABASE_URL=postgresql://localhost:5432/dev\nSTRIPE_KEY=${key()}\n${EXPO}OPENAI_API_KEY=\nHTTP_TIMEOUT_MS=30000\n`;
  expect(rows("env/staging", text)).toEqual([
    [3, "STRIPE_KEY", "secret-literal"],
    [4, `${EXPO}OPENAI_API_KEY`, "public-prefixed-secret"],
  ]);
});

test("workflows: a literal catalog secret in env, CI's tests-only key in a deploy step", () => {
  expect(bad(".github/workflows/deploy.yml")).toEqual([
    [8, "JWT_SECRET", "workflow-secret-literal"],
    [14, "OPENAI_API_KEY", "ci-tests-only"],
  ]);
  const wf = (jobEnv: string, step: string) =>
    `on: push\njobs:\n  t:\n    runs-on: x\n${jobEnv}    steps:\n${step}`;
  const inJobEnv = wf(
    "    env:\n      OPENAI_API_KEY: ${{ secrets.K }}\n",
    "      - run: npm test\n",
  );
  expect(rows(".github/workflows/t.yml", inJobEnv)).toEqual([
    [6, "OPENAI_API_KEY", "ci-tests-only"],
  ]);
  const inAction = wf(
    "",
    "      - uses: some/deploy@v1\n        with:\n          key: ${{ secrets.OPENAI_API_KEY }}\n",
  );
  expect(rows(".github/workflows/t.yml", inAction)).toEqual([
    [6, "OPENAI_API_KEY", "ci-tests-only"],
  ]);
  const inTest = wf(
    "",
    "      - run: npx jest --ci\n        env:\n          OPENAI_API_KEY: ${{ secrets.K }}\n",
  );
  expect(rows(".github/workflows/t.yml", inTest)).toEqual([]);
  const webhook = wf(
    "",
    `      - run: ./notify.sh\n        env:\n          WEBHOOK_SHARED_SECRET: ${hex()}\n`,
  );
  expect(rows(".github/workflows/t.yml", webhook)).toEqual([
    [8, "WEBHOOK_SHARED_SECRET", "workflow-secret-literal"],
  ]);
});

test.each([
  ["npm test", true],
  ["bash -c npm test", true],
  ["npx jest --ci", true],
  ["npm run test:unit", true],
  ["pytest -q", true],
  ["npm test && gcloud run deploy api", false],
  ["docker build . && npm test", false],
  ["npm ci", false],
  ["npx pegasus-deploy", false],
  ["", false],
])("the test-step rule: %j is a test step: %s", (command, test) => {
  expect(isTestStep(command)).toBe(test);
});

test("stack files: no catalog secret in `plain`; keeper maps are not values", () => {
  const text = `config:\n  pegasus-secrets:rotations:\n    JWT_SECRET: initial\n  pegasus-secrets:plain:\n    PLC_STORAGE_DIR: /srv\n    JWT_SECRET: x\n`;
  expect(rows("Pulumi.staging.yaml", text)).toEqual([[6, "JWT_SECRET", "stack-file-plain-secret"]]);
});

test("any text file: a literal for a catalog secret in config formats; in code and prose only a credential-shaped one", () => {
  expect(rows("deploy/settings.ini", "JWT_SECRET = something\n")).toEqual([
    [1, "JWT_SECRET", "secret-assignment"],
  ]);
  expect(rows("scripts/run.sh", "export REDIS_URL=whatever\nREDIS_URL=$REDIS_URL\n")).toEqual([
    [1, "REDIS_URL", "secret-assignment"],
  ]);
  expect(rows("src/config.ts", 'const c = { JWT_SECRET: "test-fake" };\n')).toEqual([]);
  expect(rows("src/config.ts", `const c = { JWT_SECRET: "${hex()}" };\n`)).toEqual([
    [1, "JWT_SECRET", "secret-assignment"],
  ]);
  expect(rows("docs/notes.md", 'JWT_SECRET: "2026-11-29.1"\n')).toEqual([]);
});

test("a literal JWT_SECRET in a render.yaml, fly.toml or cloudbuild.yaml anywhere in the repository is found", () => {
  const repo = fs.mkdtempSync(path.join(os.tmpdir(), "pegasus-lint-repo-"));
  try {
    const put = (f: string, text: string) => {
      fs.mkdirSync(path.dirname(path.join(repo, f)), { recursive: true });
      fs.writeFileSync(path.join(repo, f), text);
    };
    put(
      "services/api/render.yaml",
      "services:\n  - type: web\n    name: api\n    envVars:\n      - key: JWT_SECRET\n        value: v\n",
    );
    put("deploy/fly/fly.toml", 'app = "x"\n[env]\n  JWT_SECRET = "v"\n');
    put("ci/cloudbuild.yaml", "steps:\n  - name: node\n    env: ['JWT_SECRET=v']\n");
    const found = lintManifests(repo).findings.map((f) => [f.file, f.rule]);
    expect(found).toEqual([
      ["ci/cloudbuild.yaml", "cloudbuild-env-literal"],
      ["deploy/fly/fly.toml", "fly-env-secret"],
      ["services/api/render.yaml", "render-secret-value"],
    ]);
    expect(lintManifests(repo, { exclude: ["services", "deploy"] }).findings).toHaveLength(1);
  } finally {
    fs.rmSync(repo, { recursive: true, force: true });
  }
});
