/**
 * The resource operations of the dynamic-provider host, driven as the engine's
 * `provider_plugin.go` drives them: Check, Diff, Create, Read, Update and Delete, with properties
 * marshalled for what the host accepts and the secret bit copied back onto what it returns.
 */
import * as provrpc from "@pulumi/pulumi/proto/provider_grpc_pb";
import * as provproto from "@pulumi/pulumi/proto/provider_pb";
import type { Rpc } from "./grpcPlumbing";
import { annotateSecrets, marshal, unmarshal } from "./providerMarshal";
import type { DynamicProviderHost, ProviderProtocol } from "./providerTypes";
import { containsUnknowns, jsToStruct, structToJs } from "./wire";

/** The operations of a {@link DynamicProviderHost} that act on one resource. */
export type ResourceCalls = Pick<
  DynamicProviderHost,
  "check" | "diff" | "create" | "read" | "update" | "delete"
>;

/**
 * The resource operations over client `c`. `protocol` is the host's Configure answer, read at
 * each call, so a later Configure applies to the calls after it.
 */
export function resourceCalls(
  c: provrpc.ResourceProviderClient,
  rpc: Rpc,
  protocol: ProviderProtocol,
): ResourceCalls {
  const toProvider = (
    props: Record<string, unknown>,
    keepUnknowns: boolean,
    what: string,
  ): Record<string, unknown> => {
    if (!keepUnknowns && containsUnknowns(props)) {
      throw new Error(
        `${what}: unknown values outside preview; the engine only sends them in a preview ` +
          `(pass { preview: true })`,
      );
    }
    return marshal(props, {
      keepSecrets: protocol.acceptSecrets,
      keepResources: protocol.acceptResources,
      keepUnknowns,
    });
  };
  const nameOf = (urn: string): string => urn.split("::").slice(3).join("::");
  const typeOf = (urn: string): string => {
    const q = urn.split("::")[2] ?? "";
    return q.slice(q.lastIndexOf("$") + 1);
  };

  return {
    async check(urn, olds, news, o = {}) {
      const preview = o.preview ?? false;
      const req = new provproto.CheckRequest()
        .setUrn(urn)
        .setName(nameOf(urn))
        .setType(typeOf(urn))
        .setOlds(jsToStruct(toProvider(olds, preview, "Check")))
        .setNews(jsToStruct(toProvider(news, preview, "Check")))
        .setRandomseed(o.randomSeed ?? new Uint8Array());
      const res = await rpc(c.check, req, "Check");
      const inputs = unmarshal(structToJs(res.getInputs()), !preview, "Check");
      if (!protocol.acceptSecrets) {
        annotateSecrets(inputs, news);
      }
      return {
        inputs,
        failures: res
          .getFailuresList()
          .map((f) => ({ property: f.getProperty(), reason: f.getReason() })),
      };
    },

    async diff(id, urn, olds, news, o = {}) {
      const preview = o.preview ?? false;
      const req = new provproto.DiffRequest()
        .setId(id)
        .setUrn(urn)
        .setName(nameOf(urn))
        .setType(typeOf(urn))
        .setOldInputs(jsToStruct(toProvider(o.oldInputs ?? olds, preview, "Diff")))
        .setOlds(jsToStruct(toProvider(olds, preview, "Diff")))
        .setNews(jsToStruct(toProvider(news, preview, "Diff")))
        .setIgnorechangesList(o.ignoreChanges ?? []);
      const res = await rpc(c.diff, req, "Diff");
      const changes = res.getChanges();
      return {
        changes:
          changes === provproto.DiffResponse.DiffChanges.DIFF_SOME
            ? "some"
            : changes === provproto.DiffResponse.DiffChanges.DIFF_NONE
              ? "none"
              : "unknown",
        replaces: res.getReplacesList(),
        stables: res.getStablesList(),
        diffs: res.getDiffsList(),
        deleteBeforeReplace: res.getDeletebeforereplace(),
      };
    },

    async create(urn, props, o = {}) {
      const preview = o.preview ?? false;
      if (preview && !protocol.supportsPreview) {
        return { id: "", properties: props, providerCalled: false };
      }
      const req = new provproto.CreateRequest()
        .setUrn(urn)
        .setName(nameOf(urn))
        .setType(typeOf(urn))
        .setProperties(jsToStruct(toProvider(props, preview, "Create")))
        .setTimeout(o.timeoutSeconds ?? 0)
        .setPreview(preview);
      const res = await rpc(c.create, req, "Create");
      const id = res.getId();
      if (id === "" && !preview) {
        throw new Error(`plugin returned empty resource.ID from create '${urn}'`);
      }
      const properties = unmarshal(structToJs(res.getProperties()), !preview, "Create");
      if (!protocol.acceptSecrets) {
        annotateSecrets(properties, props);
      }
      return { id, properties, providerCalled: true };
    },

    async read(id, urn, props, inputs) {
      const req = new provproto.ReadRequest()
        .setId(id)
        .setUrn(urn)
        .setName(nameOf(urn))
        .setType(typeOf(urn))
        .setProperties(jsToStruct(toProvider(props, false, "Read")));
      if (inputs) {
        req.setInputs(jsToStruct(toProvider(inputs, false, "Read")));
      }
      const res = await rpc(c.read, req, "Read");
      const properties = unmarshal(structToJs(res.getProperties()), true, "Read");
      const newInputs = res.getInputs()
        ? unmarshal(structToJs(res.getInputs()), true, "Read")
        : undefined;
      if (!protocol.acceptSecrets) {
        if (newInputs && inputs) {
          annotateSecrets(newInputs, inputs);
        }
        annotateSecrets(properties, props);
      }
      return { id: res.getId(), properties, inputs: newInputs };
    },

    async update(id, urn, olds, news, o = {}) {
      const preview = o.preview ?? false;
      if (preview && !protocol.supportsPreview) {
        return { properties: news, providerCalled: false };
      }
      const req = new provproto.UpdateRequest()
        .setId(id)
        .setUrn(urn)
        .setName(nameOf(urn))
        .setType(typeOf(urn))
        .setOlds(jsToStruct(toProvider(olds, false, "Update")))
        .setOldInputs(jsToStruct(toProvider(o.oldInputs ?? olds, false, "Update")))
        .setNews(jsToStruct(toProvider(news, preview, "Update")))
        .setIgnorechangesList(o.ignoreChanges ?? [])
        .setTimeout(o.timeoutSeconds ?? 0)
        .setPreview(preview);
      const res = await rpc(c.update, req, "Update");
      const properties = unmarshal(structToJs(res.getProperties()), !preview, "Update");
      if (!protocol.acceptSecrets) {
        annotateSecrets(properties, news);
      }
      return { properties, providerCalled: true };
    },

    async delete(id, urn, props, o = {}) {
      const req = new provproto.DeleteRequest()
        .setId(id)
        .setUrn(urn)
        .setName(nameOf(urn))
        .setType(typeOf(urn))
        .setProperties(jsToStruct(toProvider(props, false, "Delete")))
        .setOldInputs(jsToStruct(toProvider(o.oldInputs ?? props, false, "Delete")))
        .setTimeout(o.timeoutSeconds ?? 0);
      await rpc(c.delete, req, "Delete");
    },
  };
}
