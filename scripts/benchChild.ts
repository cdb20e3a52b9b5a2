/**
 * One measurement for `npm run bench`: runs in its own process so the parent can time the whole
 * process and read its peak memory. Modes:
 *   plan <stack>   the real `plan` of a committed stack (same code as `pegasus-secrets plan`)
 *   model <n>      the program (catalog -> model -> components) over a generated catalog of n secrets
 *   flat <n>       the same resources declared directly with the SDK: no catalog, model or components
 */
import * as path from "path";
import * as projects from "@pulumi/gcp/projects";
import * as pubsub from "@pulumi/gcp/pubsub";
import * as secretmanager from "@pulumi/gcp/secretmanager";
import * as serviceaccount from "@pulumi/gcp/serviceaccount";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { CatalogEntry } from "../catalog";
import { evaluate, planJson, planText } from "../cli/plan";
import { buildModel } from "../model";
import { buildStack } from "../stacks";

const projectDir = path.resolve(__dirname, "..");
const [mode, arg] = process.argv.slice(2);

/** n generated secrets for api and worker: the shape that scales (a value, a version, a grant each). */
const syntheticCatalog = (n: number): CatalogEntry[] =>
  Array.from({ length: n }, (_, i) => ({
    name: `BENCH_SECRET_${i}`,
    kind: "secret",
    description: "benchmark secret",
    consumers: ["api", "worker"],
    notes: "",
    sources: ["generated"],
    defaultSource: "generated",
    scope: "shared",
    rotationDays: 90,
    overlap: false,
  }));

async function main(): Promise<number> {
  if (mode === "plan") {
    const ev = await evaluate({ projectDir, stack: arg });
    planText(planJson(ev));
    return ev.resources.length;
  }
  const n = Number(arg);
  const files = {
    get: (k: string) =>
      ({
        "gcp:project": "pegasus-bench",
        "pegasus-secrets:owner": "platform",
        "pegasus-secrets:plain": "{}",
      })[k],
    isSecret: () => false,
  };
  const model = buildModel(syntheticCatalog(n), "staging", files);
  const program =
    mode === "model"
      ? () =>
          buildStack("staging", {
            model,
            externalValue: () => pulumi.secret(""),
            deployment: { applying: false, ci: null, breakGlassIncident: null, freeze: null },
          }).outputs
      : () => flat(model.secrets.length, model.config.gcpProject);
  const ev = await evaluate({ projectDir, stack: "staging", program });
  return ev.resources.length;
}

/** The SDK's floor: the same GCP resources per secret, written out with no abstraction. */
function flat(n: number, project: string): Record<string, unknown> {
  const accounts = ["api", "worker", "ci"].map(
    (c) =>
      new serviceaccount.Account(`${c}-identity`, {
        project,
        accountId: `staging-${c}`,
        displayName: c,
      }),
  );
  const topic = new pubsub.Topic("secret-rotation", {
    project,
    name: "staging-secret-rotation",
  });
  new projects.IAMAuditConfig("secret-audit", {
    project,
    service: "secretmanager.googleapis.com",
    auditLogConfigs: [
      { logType: "ADMIN_READ" },
      { logType: "DATA_READ" },
      { logType: "DATA_WRITE" },
    ],
  });
  for (let i = 0; i < n; i++) {
    const pw = new random.RandomPassword(`s${i}-value`, {
      length: 32,
      special: false,
      keepers: { generation: "initial" },
    });
    const secret = new secretmanager.Secret(`s${i}`, {
      project,
      secretId: `staging-s${i}`,
      replication: { auto: {} },
      rotation: { rotationPeriod: "7776000s", nextRotationTime: "2027-03-01T00:00:00Z" },
      topics: [{ name: topic.id }],
    });
    new secretmanager.SecretVersion(`s${i}-version`, {
      secret: secret.id,
      secretData: pw.result,
      deletionPolicy: "DISABLE",
    });
    new secretmanager.SecretIamBinding(`s${i}-accessors`, {
      project,
      secretId: secret.secretId,
      role: "roles/secretmanager.secretAccessor",
      members: accounts.slice(0, 2).map((a) => pulumi.interpolate`serviceAccount:${a.email}`),
    });
  }
  return { count: n };
}

main()
  .then((resources) => {
    process.stdout.write(
      JSON.stringify({ resources, maxRssKiB: process.resourceUsage().maxRSS }) + "\n",
    );
  })
  .catch((err) => {
    process.stderr.write(`${(err as Error).message}\n`);
    process.exit(1);
  });
