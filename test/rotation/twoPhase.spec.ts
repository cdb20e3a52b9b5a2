// Two phases for every kind of secret, as the world sees them: the runbook commands change the
// stack files, and after each change a `pulumi up` is simulated from what the real program declares
// under the runtime mocks. The simulated engine keeps state between ups the way Pulumi does: a
// resource keeps its outputs while its name stays, `ignoreChanges` keeps the stored field, a
// Secret Manager version no longer declared is disabled (its deletionPolicy), an HMAC key no longer
// declared is deleted, and a Cloud SQL user's password is whatever the last up set.
//
// At every step between `rotate` and `finalize`, the old and the new value are both accepted where
// they are checked (Cloud SQL user, HMAC key, Secret Manager version, the platforms' variables);
// after `finalize` and the next up only the new one is. The platform side of the same phases runs
// through the real dynamic-provider host in test/components/delivery/provider.host.spec.ts.
//
// Not proven here: the real engine's diff and replacement order, and the real services' behaviour.
import { createHash } from "crypto";
import { unwrapSecrets } from "@pegasus-secrets/test-engine";
import { defaultValueGenerator, Registrations, runUnderMocks } from "../../cli/plan/engine";
import { planJson, redactRegistrations } from "../../cli/plan";
import { planContext } from "../../cli/runbook/status";
import { runProgram } from "../../stacks";
import {
  applied,
  fakePulumiSecretSet,
  ok,
  TempProject,
  tempProject,
  verified,
} from "../cli/runbook/helpers";
import { loadModel } from "../../cli/runbook/stackEdit";
import { externalKeysOf, rotationKeepers } from "../../model";

/** What a stack's cloud and platforms hold after a series of ups. */
interface World {
  /** Secret Manager versions by resource name. */
  versions: Map<string, { secretId: string; data: string; enabled: boolean }>;
  /** Cloud SQL users: user name -> password. */
  sqlUsers: Map<string, string>;
  /** HMAC keys that exist (ACTIVE), by resource name. */
  hmac: Map<string, { accessId: string; secret: string }>;
  /** Platform variables by delivery resource name. */
  platforms: Map<string, Record<string, string>>;
}

const emptyWorld = (): World => ({
  versions: new Map(),
  sqlUsers: new Map(),
  hmac: new Map(),
  platforms: new Map(),
});

const PLATFORM_TYPES = [
  "pulumi-nodejs:dynamic/pegasus:RenderEnvGroup",
  "pulumi-nodejs:dynamic/pegasus:FlyAppSecrets",
  "pulumi-nodejs:dynamic/pegasus:RailwayVariables",
];

/** The next world: what one `pulumi up` of these registrations leaves behind. */
function up(before: World, regs: Registrations): World {
  const plain = (v: unknown) => unwrapSecrets(v) as Record<string, unknown>;
  const secretIdByResourceId = new Map(
    regs.registered
      .filter((r) => r.type === "gcp:secretmanager/secret:Secret")
      .map((r) => [`${r.name}-id`, String(r.inputs.secretId)]),
  );
  const next = emptyWorld();
  for (const r of regs.registered) {
    const inputs = plain(r.inputs);
    if (r.type === "gcp:secretmanager/secretVersion:SecretVersion") {
      expect(inputs.deletionPolicy).toBe("DISABLE");
      const old = before.versions.get(r.name);
      const keep = old && r.options.ignoreChanges?.includes("secretData");
      next.versions.set(r.name, {
        secretId: secretIdByResourceId.get(String(inputs.secret))!,
        data: keep ? old.data : String(inputs.secretData),
        enabled: inputs.enabled !== false,
      });
    } else if (r.type === "gcp:sql/user:User") {
      next.sqlUsers.set(String(inputs.name), String(inputs.password));
    } else if (r.type === "gcp:storage/hmacKey:HmacKey") {
      next.hmac.set(r.name, {
        accessId: defaultValueGenerator("hmac-access-id", r.name),
        secret: defaultValueGenerator("hmac-secret", r.name),
      });
    } else if (PLATFORM_TYPES.includes(r.type)) {
      next.platforms.set(r.name, {
        ...(inputs.vars as Record<string, string>),
        ...(inputs.secrets as Record<string, string>),
      });
    }
  }
  // Versions the program no longer declares are disabled, not destroyed; users are abandoned
  // (deletionPolicy ABANDON), keeping the password the last up set.
  for (const [name, v] of before.versions) {
    if (!next.versions.has(name)) next.versions.set(name, { ...v, enabled: false });
  }
  for (const [user, pw] of before.sqlUsers)
    if (!next.sqlUsers.has(user)) next.sqlUsers.set(user, pw);
  return next;
}

/** The value a stack's latest enabled version of `secretId` holds: what a service reads now. */
const current = (w: World, secretId: string): string => {
  const live = [...w.versions.values()].filter((v) => v.secretId === secretId && v.enabled);
  expect(live.length).toBeGreaterThan(0);
  return live[live.length - 1].data;
};

/** Where each kind is checked, as a predicate: does the world accept this value? */
const accepts = {
  secretManager: (w: World, secretId: string, value: string) =>
    [...w.versions.values()].some((v) => v.secretId === secretId && v.enabled && v.data === value),
  cloudSql: (w: World, url: string) => {
    const u = new URL(url);
    return w.sqlUsers.get(decodeURIComponent(u.username)) === decodeURIComponent(u.password);
  },
  hmac: (w: World, secret: string) => [...w.hmac.values()].some((k) => k.secret === secret),
  /** A signing key: a token signed with either value delivered to its consumer verifies. */
  signing: (w: World, variable: string, value: string) => {
    const carrying = [...w.platforms.values()].filter((vars) => variable in vars);
    expect(carrying.length).toBeGreaterThan(0);
    return carrying.every(
      (vars) => vars[variable] === value || vars[`${variable}_PREVIOUS`] === value,
    );
  },
};

describe("two phases for every kind: old and new accepted until finalize, only new after", () => {
  let p: TempProject;
  const worlds: Record<string, World> = {};
  const latest: Record<string, Registrations> = {};
  /** Each rotated variable's phase as `plan` shows it now (from the last up and the log). */
  const phases = (stack: string) => {
    const regs = latest[stack];
    const plan = planJson(redactRegistrations(regs), planContext(p.dir, regs.model, p.clock.now));
    return Object.fromEntries(
      VARS.map((v) => [v, plan.secrets.find((s) => s.variable === v)!.phase]),
    );
  };
  const every = (phase: string) => Object.fromEntries(VARS.map((v) => [v, phase]));
  /** Per external config key, a value standing for its ciphertext: a new ciphertext, a new value. */
  const externalValues = (stack: string): Record<string, string> => {
    const model = loadModel(p.dir, stack);
    const file = p.read(`Pulumi.${stack}.yaml`);
    const out: Record<string, string> = {};
    for (const variable of ["OPENAI_API_KEY", "REDIS_URL", "WEBHOOK_SHARED_SECRET"]) {
      for (const key of externalKeysOf(model, variable)) {
        const cipher = new RegExp(`pegasus-secrets:${key}:\\s*\\n\\s*secure: (\\S+)`).exec(
          file,
        )?.[1];
        out[`pegasus-secrets:${key}`] = `external-${createHash("sha256")
          .update(`${key}:${cipher ?? "unset"}`)
          .digest("hex")
          .slice(0, 16)}`;
      }
    }
    return out;
  };
  /** `pulumi up --stack <stack>`: the world after what the program now declares. */
  const pulumiUp = async (stack: string) => {
    const overrides = externalValues(stack);
    const regs = await runUnderMocks({
      projectDir: p.dir,
      stack,
      program: () => runProgram({ now: p.clock.now, stackFilesDir: p.dir }),
      overrides,
      secretOverrides: Object.keys(overrides),
    });
    worlds[stack] = up(worlds[stack] ?? emptyWorld(), regs);
    latest[stack] = regs;
    const r = await applied(p, stack);
    expect(r.code).toBe(0);
  };
  const alice = ["--operator", "alice"];
  const VARS = ["DATABASE_URL", "JWT_SECRET", "AWS_SECRET_ACCESS_KEY", "OPENAI_API_KEY"];

  beforeAll(() => {
    p = tempProject("2026-11-29T03:00:00Z");
  });
  afterAll(() => p.cleanup());

  it("walks staging and production through rotate -> up -> verify -> finalize -> up", async () => {
    for (const stack of ["staging", "production"]) {
      for (const key of externalKeysOf(loadModel(p.dir, stack), "OPENAI_API_KEY")) {
        fakePulumiSecretSet(p, stack, key);
      }
      await pulumiUp(stack);
    }
    const secretIds = {
      db: (s: string) => `${s}-database-url-api`,
      jwt: (s: string) => `${s}-jwt-secret`,
      aws: (s: string) => `${s}-aws-secret-access-key-api`,
      openai: (s: string) => `${s}-openai-api-key-api`,
    };
    const before = Object.fromEntries(
      ["staging", "production"].map((s) => [
        s,
        Object.fromEntries(
          Object.entries(secretIds).map(([k, id]) => [k, current(worlds[s], id(s))]),
        ),
      ]),
    );

    /** Both values accepted everywhere they are checked (or, `onlyNew`, only the new one). */
    const check = (stack: string, onlyNew: boolean) => {
      const w = worlds[stack];
      const now = Object.fromEntries(
        Object.entries(secretIds).map(([k, id]) => [k, current(w, id(stack))]),
      );
      const old = before[stack];
      for (const k of Object.keys(secretIds)) expect([k, now[k]]).not.toEqual([k, old[k]]);
      const seen = {
        sqlOld: accepts.cloudSql(w, old.db),
        sqlNew: accepts.cloudSql(w, now.db),
        hmacOld: accepts.hmac(w, old.aws),
        hmacNew: accepts.hmac(w, now.aws),
        smOld: Object.entries(secretIds).every(([k, id]) =>
          accepts.secretManager(w, id(stack), old[k]),
        ),
        smNew: Object.entries(secretIds).every(([k, id]) =>
          accepts.secretManager(w, id(stack), now[k]),
        ),
        signingOld: accepts.signing(w, "JWT_SECRET", old.jwt),
        signingNew: accepts.signing(w, "JWT_SECRET", now.jwt),
        // Each platform target of the API (render-api, fly-api, railway-api) runs the new URL.
        platformsDeliverNew: [...w.platforms]
          .filter(([name]) => name.endsWith("-api"))
          .every(([, vars]) => vars.DATABASE_URL === now.db),
      };
      expect(seen).toEqual({
        sqlOld: !onlyNew,
        sqlNew: true,
        hmacOld: !onlyNew,
        hmacNew: true,
        smOld: !onlyNew,
        smNew: true,
        signingOld: !onlyNew,
        signingNew: true,
        platformsDeliverNew: true,
      });
    };

    // Staging: rotate every kind, then up. Both values are live from here on.
    for (const v of VARS) {
      if (v === "OPENAI_API_KEY") {
        await ok(p, ["rotate", v, "--stack", "staging", ...alice]);
        for (const key of externalKeysOf(loadModel(p.dir, "staging"), v))
          fakePulumiSecretSet(p, "staging", key);
      }
      await ok(p, ["rotate", v, "--stack", "staging", ...alice]);
    }
    await pulumiUp("staging");
    check("staging", false);
    expect(phases("staging")).toEqual(every("rotating: new and previous live"));
    verified(p, "staging", rotationKeepers(loadModel(p.dir, "staging")));

    // Production, the same; staging still holds both values meanwhile.
    for (const v of VARS) {
      if (v === "OPENAI_API_KEY") {
        await ok(p, ["rotate", v, "--stack", "production", ...alice]);
        for (const key of externalKeysOf(loadModel(p.dir, "production"), v)) {
          fakePulumiSecretSet(p, "production", key);
        }
      }
      await ok(p, ["rotate", v, "--stack", "production", ...alice]);
    }
    await pulumiUp("production");
    check("production", false);
    check("staging", false);
    verified(p, "production", rotationKeepers(loadModel(p.dir, "production")));
    expect(phases("staging")).toEqual(every("ready to finalize"));
    expect(phases("production")).toEqual(every("ready to finalize"));

    // Finalize both stacks; only the next up revokes, and then only the new values remain.
    for (const stack of ["staging", "production"]) {
      for (const v of VARS) {
        await ok(p, [
          "finalize",
          v,
          "--stack",
          stack,
          ...alice,
          ...(v === "OPENAI_API_KEY" ? ["--revoked-at-issuer"] : []),
        ]);
      }
      check(stack, false);
      await pulumiUp(stack);
      check(stack, true);
      expect(phases(stack)).toEqual(every("stable"));
    }
  }, 60_000);
});
