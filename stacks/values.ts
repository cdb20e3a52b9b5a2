// Submodule imports: type-checking all of @pulumi/gcp costs seconds per `tsc` run.
import * as redis from "@pulumi/gcp/redis";
import * as pulumi from "@pulumi/pulumi";
import { GcpConsumer } from "../catalog";
import {
  DatabaseCredential,
  GeneratedSecret,
  RuntimeIdentity,
  secretOutput,
  StorageHmacKey,
} from "../components";
import { SecretValueModel, ValueSource } from "../model";

/** The live values of one stored secret: the current one, and a signing key's previous one. */
export interface SecretValues {
  current: pulumi.Output<string>;
  previous?: pulumi.Output<string>;
}

/** What materialising a value source needs from the rest of the stack. */
export interface ValueContext {
  project: string;
  identities: Partial<Record<GcpConsumer, RuntimeIdentity>>;
  /** The encrypted value of an external secret's config key (always a secret Output). */
  externalValue(configKey: string): pulumi.Output<string>;
}

/**
 * Turns each secret's value source (decided by the model, `model/sources.ts`) into the resources
 * that produce it. Nothing is decided here: names, user names, keepers and which HMAC key a
 * variable shares all come from the source. One HMAC key carries two variables, so keys are
 * declared once per `keyName`.
 */
export function valueMaterialiser(ctx: ValueContext): (s: SecretValueModel) => SecretValues {
  const hmacKeys = new Map<string, StorageHmacKey>();
  const of = (name: string, v: ValueSource): SecretValues => {
    switch (v.kind) {
      case "generated": {
        const g = new GeneratedSecret(`${name}-value`, {
          keeper: v.keeper,
          previousKeeper: v.previousKeeper,
          length: v.length,
        });
        return { current: g.value, previous: g.previousValue };
      }
      case "external":
        return { current: ctx.externalValue(v.configKey) };
      case "cloudSql": {
        const cred = new DatabaseCredential(`${name}-credential`, {
          project: ctx.project,
          instance: v.instance,
          users: v.users,
          host: v.host,
          port: v.port,
          database: v.database,
          sslMode: v.sslMode,
          length: v.length,
        });
        return { current: cred.url, previous: cred.previousUrl };
      }
      case "memorystore": {
        const instance = redis.getInstanceOutput({
          project: ctx.project,
          name: v.instance,
          region: v.region,
        });
        const url = pulumi
          .all([instance.authString, instance.host, instance.port, instance.transitEncryptionMode])
          .apply(
            ([auth, host, port, tls]) =>
              `${tls === "SERVER_AUTHENTICATION" ? "rediss" : "redis"}://:${encodeURIComponent(auth)}@${host}:${port}`,
          );
        return { current: secretOutput(url) };
      }
      case "gcsHmac": {
        let key = hmacKeys.get(v.keyName);
        if (!key) {
          key = new StorageHmacKey(v.keyName, {
            project: ctx.project,
            serviceAccountEmail: ctx.identities[v.keyOwner]!.email,
            keeper: v.keeper,
            previousKeeper: v.previousKeeper,
          });
          hmacKeys.set(v.keyName, key);
        }
        const field = v.field === "accessId" ? "accessId" : "secret";
        return { current: key[field], previous: key.previous?.[field] };
      }
    }
  };
  return (s) => of(s.name, s.value);
}
