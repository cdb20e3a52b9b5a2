import {
  accessRows,
  Evaluation,
  planJson,
  planText,
  REDACTED,
  Registrations,
} from "../../cli/plan";
import { CATALOG } from "../../catalog";
import { kebab, shortHash } from "../../model/naming";
import { Model, planDeliveries } from "../../model";
import { canaryValueGenerator, planStack, registerStack } from "../helpers";

const K = "pegasus-secrets";
/** The platform delivery resources (`type::name`) that carry a variable or one that rotates with it. */
const carriers = (ev: { model: Model }, variable: string): string[] => {
  const carried = new Set(
    ev.model.secrets
      .filter((s) => s.variable === variable || s.rotatesWith === variable)
      .map((s) => s.variable),
  );
  const types = { render: "RenderEnvGroup", fly: "FlyAppSecrets", railway: "RailwayVariables" };
  return planDeliveries(ev.model)
    .filter((d) => d.secrets.some((s) => carried.has(s.variable)))
    .map((d) => `pulumi-nodejs:dynamic/pegasus:${types[d.target.platform]}::${d.name}`);
};
/** Each registered resource's inputs, values included, by `type::name`. */
const byKey = (r: Registrations) =>
  new Map(r.registered.map((x) => [`${x.type}::${x.name}`, JSON.stringify(x.inputs)]));

/** Resources added, removed or changed between two runs of the program, values compared. */
function changes(a: Registrations, b: Registrations): string[] {
  const x = byKey(a);
  const y = byKey(b);
  const keys = new Set([...x.keys(), ...y.keys()]);
  return [...keys].filter((k) => x.get(k) !== y.get(k)).sort();
}

/** One evaluation per stack with the default options, shared by the tests that only read it. */
const plans = new Map<string, Promise<Evaluation>>();
const planOf = (stack: string): Promise<Evaluation> => {
  if (!plans.has(stack)) plans.set(stack, planStack(stack));
  return plans.get(stack)!;
};

describe.each(["staging", "production"])("%s: who can read what", (stack) => {
  let ev: Evaluation;
  beforeAll(async () => {
    ev = await planOf(stack);
  });

  it("grants secret access only to the stack's runtime identities", () => {
    const members = new Set(ev.model.identities.map((i) => i.member));
    const rows = accessRows(ev);
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) {
      expect(row.member).toMatch(/^serviceAccount:/);
      expect(members.has(row.member)).toBe(true);
    }
  });

  it("declares no project-level IAM at all, so no project-wide accessor grant", () => {
    const projectIam = ev.resources.filter((r) =>
      /^gcp:projects\/iAM(Member|Binding|Policy):/.test(r.type),
    );
    expect(projectIam).toEqual([]);
    const bindings = ev.resources.filter(
      (r) => r.type === "gcp:secretmanager/secretIamBinding:SecretIamBinding",
    );
    expect(bindings.length).toBe(ev.model.secrets.length);
    for (const b of bindings) expect(b.inputs.role).toBe("roles/secretmanager.secretAccessor");
  });

  it("gives mobile nothing secret", () => {
    expect(accessRows(ev).filter((r) => r.consumer === "mobile")).toEqual([]);
    expect(ev.model.secrets.filter((s) => s.consumers.includes("mobile"))).toEqual([]);
    const mobileVars = ev.model.plain
      .filter((p) => p.consumers.includes("mobile"))
      .map((p) => p.variable);
    for (const v of mobileVars) expect(CATALOG.find((e) => e.name === v)?.kind).toBe("plain");
  });

  it("turns on Data Access audit logs for Secret Manager exactly per D5", () => {
    const audit = ev.resources.filter(
      (r) => r.type === "gcp:projects/iAMAuditConfig:IAMAuditConfig",
    );
    expect(audit).toHaveLength(1);
    expect(audit[0].inputs.service).toBe("secretmanager.googleapis.com");
    expect(audit[0].inputs.auditLogConfigs).toEqual([
      { logType: "ADMIN_READ" },
      { logType: "DATA_READ" },
      { logType: "DATA_WRITE" },
    ]);
  });

  it("disables rather than deletes replaced versions, delays destruction and rotates every 90 days", () => {
    const versions = ev.resources.filter(
      (r) => r.type === "gcp:secretmanager/secretVersion:SecretVersion",
    );
    expect(versions.length).toBe(ev.model.secrets.length);
    for (const v of versions) {
      expect(v.inputs.deletionPolicy).toBe("DISABLE");
      expect(v.inputs.secretData).toBe(REDACTED);
    }
    const secrets = ev.resources.filter((r) => r.type === "gcp:secretmanager/secret:Secret");
    const topic = ev.resources.find((r) => r.type === "gcp:pubsub/topic:Topic");
    for (const s of secrets) {
      expect(s.inputs.rotation).toMatchObject({ rotationPeriod: "7776000s" });
      expect(s.inputs.topics).toEqual([
        { name: `projects/${ev.model.config.gcpProject}/topics/${topic?.inputs.name}` },
      ]);
      expect(s.inputs.versionDestroyTtl).toBe("604800s");
      expect(s.inputs.deletionProtection).toBe(stack === "production");
      expect(s.options.protect === true).toBe(stack === "production");
    }
  });

  it("lets the Secret Manager service agent publish rotation notices", () => {
    const grant = ev.resources.find((r) => r.type === "gcp:pubsub/topicIAMMember:TopicIAMMember");
    expect(grant?.inputs).toMatchObject({
      role: "roles/pubsub.publisher",
      member: "serviceAccount:service-000000000000@gcp-sa-secretmanager.iam.gserviceaccount.com",
    });
  });

  it("generates values only with RandomPassword", () => {
    const random = ev.resources.filter((r) => r.type.startsWith("random:"));
    expect(random.length).toBeGreaterThan(0);
    expect(new Set(random.map((r) => r.type))).toEqual(
      new Set(["random:index/randomPassword:RandomPassword"]),
    );
  });
});

describe("no value escapes", () => {
  it("keeps every generated and encrypted value out of the plan, its summary and the stack outputs", async () => {
    const { gen, issued } = canaryValueGenerator();
    const external = {
      redisUrl: `canaryext${Date.now()}`,
      webhookSharedSecret: `canaryext${Math.random().toString(36).slice(2)}`,
    };
    const ev = await planStack("staging", {
      values: gen,
      overrides: {
        [`${K}:redisUrl`]: external.redisUrl,
        [`${K}:webhookSharedSecret`]: external.webhookSharedSecret,
      },
      secretOverrides: [`${K}:redisUrl`, `${K}:webhookSharedSecret`],
    });
    const plan = planJson(ev);
    const everything = JSON.stringify(plan) + planText(plan) + JSON.stringify(ev.outputs);
    const values = [...issued, ...Object.values(external)];
    expect(issued.length).toBeGreaterThan(10);
    for (const v of values) expect(everything).not.toContain(v);
    // ...while the program really did receive them: the registrations below the redaction carry them.
    const revealed = JSON.stringify(
      (
        await registerStack("staging", {
          values: () => issued[0],
          overrides: { [`${K}:redisUrl`]: external.redisUrl },
          secretOverrides: [`${K}:redisUrl`],
        })
      ).registered,
    );
    expect(revealed).toContain(external.redisUrl);
    expect(revealed).toContain(issued[0]);
  });

  it("exports names, IDs and emails only", async () => {
    const ev = await planOf("staging");
    expect(Object.keys(ev.outputs).sort()).toEqual([
      "accessGrants",
      "auditLogging",
      "gcpProject",
      "identityEmails",
      "previousKeepers",
      "rotationKeepers",
      "rotationTopic",
      "secretIds",
      "stack",
    ]);
    expect(JSON.stringify(ev.outputs)).not.toContain(REDACTED);
  });
});

describe("rotation by keeper", () => {
  // Compared with values: a keeper bump must reach the deliveries that carry the value, whose inputs
  // differ only in the (secret) value itself.
  let base: Registrations;
  beforeAll(async () => {
    base = await registerStack("staging");
  });
  const leaders = CATALOG.filter((e) => e.kind === "secret" && !e.rotatesWith).map((e) => e.name);

  it.each(leaders)(
    "bumping the keeper of %s changes only that secret's value and version",
    async (variable) => {
      const rotations = { JWT_SECRET: "initial", [variable]: "2026-11-29.1" };
      const after = await registerStack("staging", {
        overrides: { [`${K}:rotations`]: JSON.stringify(rotations) },
      });
      const changed = changes(base, after);
      expect(changed.length).toBeGreaterThan(0);
      const own = [
        kebab(variable),
        ...(variable === "AWS_SECRET_ACCESS_KEY" ? ["aws-access-key-id", "storage-hmac"] : []),
      ];
      // D2: the new value also reaches exactly the platform deliveries that carry it.
      const delivered = carriers(base, variable);
      expect(delivered.length).toBeGreaterThan(0);
      for (const c of changed) {
        const name = c.split("::")[1];
        expect(delivered.includes(c) || own.some((prefix) => name.startsWith(prefix))).toBe(true);
      }
      // An external value changes only when its operator sets a new one; the others change here.
      const external = base.model.secrets.some(
        (s) => s.variable === variable && s.source.kind === "external",
      );
      for (const d of delivered) {
        if (external) expect(changed).not.toContain(d);
        else expect(changed).toContain(d);
      }
      // A new version named by the new keeper replaces the old one in every value of this variable.
      const versions = changed.filter((c) =>
        c.startsWith("gcp:secretmanager/secretVersion:SecretVersion::"),
      );
      const scopes = base.model.secrets.filter(
        (s) => s.variable === variable || s.rotatesWith === variable,
      ).length;
      expect(versions.filter((v) => v.endsWith(shortHash("2026-11-29.1")))).toHaveLength(scopes);
      expect(versions.filter((v) => v.endsWith(shortHash("initial")))).toHaveLength(scopes);
    },
  );

  it("gives a signing key a new value while its previous one stays, during the overlap window", async () => {
    const after = await registerStack("staging", {
      overrides: {
        [`${K}:rotations`]: JSON.stringify({ JWT_SECRET: "2026-11-29.1" }),
        [`${K}:previousKeepers`]: JSON.stringify({ JWT_SECRET: "initial" }),
      },
    });
    // Only additions: the previous value and version are untouched, the new ones are added.
    expect(changes(base, after)).toEqual(
      [
        `gcp:secretmanager/secretVersion:SecretVersion::jwt-secret-version-${shortHash("2026-11-29.1")}`,
        `random:index/randomPassword:RandomPassword::jwt-secret-value-${shortHash("2026-11-29.1")}`,
        // The API's deliveries gain JWT_SECRET_PREVIOUS and the new JWT_SECRET (D2).
        ...carriers(base, "JWT_SECRET"),
      ].sort(),
    );
    const before = byKey(base);
    const jwtVersions = after.registered.filter((r) => r.name.startsWith("jwt-secret-version-"));
    expect(jwtVersions).toHaveLength(2);
    expect(
      before.get(
        `gcp:secretmanager/secretVersion:SecretVersion::jwt-secret-version-${shortHash("initial")}`,
      ),
    ).toBe(JSON.stringify(jwtVersions.find((v) => v.name.endsWith(shortHash("initial")))?.inputs));
  });
});

describe("staging and production are isolated", () => {
  it("have distinct identities and distinct secret IDs, even in one GCP project", async () => {
    const staging = await planOf("staging");
    const shared = await planStack("production", {
      overrides: { "gcp:project": "pegasus-staging" },
    });
    const ids = (ev: Evaluation) => ev.model.secrets.map((s) => s.secretId);
    const emails = (ev: Evaluation) => ev.model.identities.map((i) => i.email);
    expect(ids(staging).filter((id) => ids(shared).includes(id))).toEqual([]);
    expect(emails(staging).filter((e) => emails(shared).includes(e))).toEqual([]);
    const topics = [staging, shared].map(
      (ev) => ev.resources.find((r) => r.type === "gcp:pubsub/topic:Topic")?.inputs.name,
    );
    expect(topics[0]).not.toBe(topics[1]);
  });

  it("exactly one committed stack owns the audit config of each GCP project", async () => {
    const owners = new Map<string, string[]>();
    for (const stack of ["staging", "production"]) {
      const ev = await planOf(stack);
      if (ev.model.config.manageAuditConfig) {
        owners.set(ev.model.config.gcpProject, [
          ...(owners.get(ev.model.config.gcpProject) ?? []),
          stack,
        ]);
      }
    }
    for (const stacks of owners.values()) expect(stacks).toHaveLength(1);
  });
});
