// What values may be and where identities come from: plain values that are not credentials,
// secret values from secret sources (what the gate's recorder traced), runtime identities of the
// stack's own project that are not deployers, customer-managed encryption where required.
// Credential-shaped values are made at test time.
import { randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { CATALOG } from "../../catalog";
import { buildModel, possibleExternalKeys } from "../../model";
import { deployerFromEnvironment } from "../../policy/context";
import { checkStack, contextFromConfig, OfflineFacts, RuleResource } from "../../policy/rules";
import { account, compliantStack, context, GCP_PROJECT, secret, STACK_CONFIG } from "./fixtures";

const found = (policy: string, rs: RuleResource[], ctx = context()) =>
  checkStack(rs, ctx)
    .filter((v) => v.policy === policy)
    .map((v) => v.message);
const offline = (o: Partial<OfflineFacts>): OfflineFacts => ({
  provenance: [],
  leaks: [],
  catalog: [],
  localEnv: [],
  ...o,
});
const signingKey = () => randomBytes(32).toString("hex");

describe("plain-values-not-credentials", () => {
  const P = "plain-values-not-credentials";
  test("a plain variable with a literal signing-key default in the catalog, routed to mobile, fails twice", () => {
    const ctx = context({
      offline: offline({
        catalog: [
          {
            name: "PUBLIC_API_URL",
            kind: "plain",
            consumers: ["api", "mobile"],
            default: signingKey(),
          },
        ],
        localEnv: [
          { file: ".env.example", line: 3, variable: "PUBLIC_API_URL", value: signingKey() },
        ],
      }),
    });
    expect(found(P, compliantStack(), ctx)).toEqual([
      "The plain variable PUBLIC_API_URL has a value in its default in catalog/index.ts that looks like a long hexadecimal string (a key or a token). If it is a secret, make it a secret in the catalog (and in the matrix, through a reviewed rule change) and rotate it; a plain value is published in .env.example, the docs and platform settings.",
      "The plain variable PUBLIC_API_URL has a value in .env.example:3 that looks like a long hexadecimal string (a key or a token). If it is a secret, make it a secret in the catalog (and in the matrix, through a reviewed rule change) and rotate it; a plain value is published in .env.example, the docs and platform settings.",
    ]);
  });
  test("a delivered plain variable and the stack's plain config are checked too; real plain values pass", () => {
    const delivery: RuleResource = {
      type: "pulumi-nodejs:dynamic/pegasus:FlyAppSecrets",
      name: "fly-api",
      inputs: {
        app: "a",
        vars: {
          FEATURE_GENERATE_V2: `Ab1${randomBytes(24).toString("base64")}`,
          HTTP_TIMEOUT_MS: "30000",
        },
      },
    };
    const ctx = context(
      {},
      {
        "pegasus-secrets:plain": JSON.stringify({
          PLC_STORAGE_DIR: "/srv/pegasus/plc",
          PUBLIC_API_URL: "https://api.pegasus.example",
        }),
      },
    );
    expect(found(P, [...compliantStack(), delivery], ctx)).toEqual([
      expect.stringContaining(
        "The plain variable FEATURE_GENERATE_V2 has a value in the plain variables of fly-api that looks like a long random-looking string",
      ),
    ]);
    const secretInPlain = context(
      {},
      { "pegasus-secrets:plain": JSON.stringify({ JWT_SECRET: "x" }) },
    );
    expect(found(P, compliantStack(), secretInPlain)[0]).toContain("JWT_SECRET is a secret");
  });
  test("a secret listed for local development is blank or a local service URL", () => {
    const local = (value: string) =>
      context({
        offline: offline({
          localEnv: [{ file: ".env.example", line: 1, variable: "DATABASE_URL", value }],
        }),
      });
    expect(found(P, compliantStack(), local(""))).toEqual([]);
    expect(found(P, compliantStack(), local("postgresql://localhost:5432/dev"))).toEqual([]);
    expect(found(P, compliantStack(), local("[value]"))[0]).toContain("DATABASE_URL is a secret");
  });
});

describe("secret-values-from-secret-sources (offline: the recorder's trace)", () => {
  const P = "secret-values-from-secret-sources";
  test("a plain value reaching Secret Manager or a platform, and a secret in a plain input, fail by name", () => {
    const ctx = context({
      offline: offline({
        provenance: [
          {
            resource: "jwt-secret-version-1",
            type: "gcp:secretmanager/secretVersion:SecretVersion",
            field: "secretData",
            fromSecretSource: false,
          },
          {
            resource: "render-api",
            type: "pulumi-nodejs:dynamic/pegasus:RenderEnvGroup",
            field: "secrets.JWT_SECRET",
            fromSecretSource: true,
          },
        ],
        leaks: [
          { resource: "jwt-secret", type: "gcp:secretmanager/secret:Secret", field: "labels.key" },
        ],
      }),
    });
    expect(found(P, compliantStack(), ctx)).toEqual([
      "jwt-secret-version-1 (SecretVersion) receives `secretData` that comes from no random resource, encrypted config or credential derived from them: a value written in the program or in plain stack config. Generate it (RandomPassword) or set it with `pulumi config set --secret`, and rotate it: it is in git.",
      "A secret value reaches `labels.key` of jwt-secret, which is not secret: it would be stored and shown in plain text. Wrap it in pulumi.secret, or pass the secret's name instead of its value.",
    ]);
    expect(found(P, compliantStack())).toEqual([]);
  });
});

describe("runtime-identities-own-project", () => {
  const P = "runtime-identities-own-project";
  const ids = (ci: Record<string, unknown>) => ({
    "pegasus-secrets:identities": JSON.stringify({ api: { accountId: "staging-api" }, ci }),
  });
  test("a staging identity that is a production account fails", () => {
    expect(
      found(
        P,
        compliantStack(),
        context(
          {},
          ids({
            email: "production-ci@pegasus-production.iam.gserviceaccount.com",
            crossProject: true,
          }),
        ),
      ),
    ).toEqual([
      "The ci identity of stack \"staging\" is production-ci@pegasus-production.iam.gserviceaccount.com, which is not a service account of pegasus-staging, the stack's own project: another project's account (another stack's, say) would read these secrets. Use an account of pegasus-staging (identities.ci).",
    ]);
  });
  test("the deploying account as an identity fails: by its name, or as the deploy's credentials name it", () => {
    const deployer = `pegasus-deployer@${GCP_PROJECT}.iam.gserviceaccount.com`;
    expect(found(P, compliantStack(), context({}, ids({ email: deployer })))[0]).toContain(
      "an account that deploys or previews stacks",
    );
    const runner = `ci-runner@${GCP_PROJECT}.iam.gserviceaccount.com`;
    expect(found(P, compliantStack(), context({}, ids({ email: runner })))).toEqual([]);
    expect(
      found(P, compliantStack(), context({ deployers: [runner] }, ids({ email: runner })))[0],
    ).toContain("an account that deploys");
  });
  test("an account created in another project, or without a project in config, fails", () => {
    const other = {
      ...account("staging-api"),
      inputs: { ...account("staging-api").inputs, project: "pegasus-production" },
    };
    expect(found(P, [...compliantStack(), other])).toEqual([
      "staging-api-identity creates a service account in pegasus-production, not in pegasus-staging, the stack's own project.",
    ]);
    expect(found(P, compliantStack(), context({}, { "gcp:project": undefined }))[0]).toContain(
      "names no GCP project (gcp:project)",
    );
  });
  test("the deploy's credentials name its account: impersonation variables and the external-account file", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pegasus-creds-"));
    try {
      const file = path.join(dir, "creds.json");
      fs.writeFileSync(
        file,
        JSON.stringify({
          type: "external_account",
          service_account_impersonation_url:
            "https://iamcredentials.googleapis.com/v1/projects/-/serviceAccounts/deploy-prod@p.iam.gserviceaccount.com:generateAccessToken",
        }),
      );
      const read = (f: string) => fs.readFileSync(f, "utf8");
      expect(
        deployerFromEnvironment(
          {
            GOOGLE_APPLICATION_CREDENTIALS: file,
            GOOGLE_IMPERSONATE_SERVICE_ACCOUNT: "x@p.iam.gserviceaccount.com",
          },
          read,
        ),
      ).toEqual(["x@p.iam.gserviceaccount.com", "deploy-prod@p.iam.gserviceaccount.com"]);
      expect(
        deployerFromEnvironment(
          { GOOGLE_APPLICATION_CREDENTIALS: path.join(dir, "none.json") },
          read,
        ),
      ).toEqual([]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
  test("the policy's default identities are the program's (model/config.ts)", () => {
    const config = { "gcp:project": GCP_PROJECT };
    const values: Record<string, string> = {
      ...config,
      "pegasus-secrets:owner": "platform",
      "pegasus-secrets:plain": JSON.stringify({
        PLC_STORAGE_DIR: "/x",
        PUBLIC_API_URL: "https://a.example",
      }),
      ...Object.fromEntries(possibleExternalKeys().map((k) => [`pegasus-secrets:${k}`, "set"])),
    };
    const model = buildModel(CATALOG, "staging", { get: (k) => values[k], isSecret: () => true });
    expect(
      contextFromConfig("staging", config).facts.identities.map((i) => [i.consumer, i.email]),
    ).toEqual(model.identities.map((i) => [i.consumer, i.email]));
  });
});

describe("secrets-encrypted-when-required", () => {
  const P = "secrets-encrypted-when-required";
  const required = { "pegasus-secrets:kms": JSON.stringify({ keys: {}, required: true }) };
  const key = (l: string) => ({
    customerManagedEncryption: { kmsKeyName: `projects/p/locations/${l}/keyRings/r/cryptoKeys/k` },
  });
  test("with kms.required, a secret without a customer-managed key on every replica fails; without it, anything passes", () => {
    expect(found(P, compliantStack(), context({}, required))).toEqual([
      'jwt-secret has no customer-managed encryption key for global, but stack "staging" requires one on every replica (kms.required). Set kms.keys for each replica location in Pulumi.staging.yaml.',
      'openai-api-key-ci has no customer-managed encryption key for global, but stack "staging" requires one on every replica (kms.required). Set kms.keys for each replica location in Pulumi.staging.yaml.',
    ]);
    const partial = secret("jwt-secret", {
      replication: {
        userManaged: {
          replicas: [
            { location: "europe-west1", ...key("europe-west1") },
            { location: "europe-west4" },
          ],
        },
      },
    });
    expect(found(P, [partial], context({}, required))).toEqual([
      expect.stringContaining("no customer-managed encryption key for europe-west4"),
    ]);
    expect(
      found(
        P,
        [secret("jwt-secret", { replication: { auto: key("global") } })],
        context({}, required),
      ),
    ).toEqual([]);
    expect(found(P, compliantStack(), context({}, STACK_CONFIG))).toEqual([]);
  });
});
