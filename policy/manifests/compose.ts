/**
 * Compose files (`docker-compose*.yml`, `compose*.yaml`): a service's `environment` holds no
 * catalog secret value (a `${VAR}` from the host, no value, or the URL of a service on the
 * developer's machine without credentials is fine), its `build.args` name no
 * catalog secret at all (build arguments end up in the image), and nothing is shaped like a
 * credential. `env_file` entries are env files, linted on their own.
 */
import { isMap, isPair, isSeq } from "yaml";
import { credentialShape, isLoopbackUrl } from "../../model/credentialShape";
import {
  CatalogView,
  Finding,
  isSetting,
  isReference,
  publicSecret,
  SECRET_LOOKING,
} from "./common";
import { get, str, YamlFile } from "./yaml";

/** `KEY: value` pairs of a map, or `KEY=value` / `KEY` items of a list, each with its node. */
function pairs(n: unknown): { name: string; value?: string; node: unknown }[] {
  if (isMap(n)) {
    return n.items
      .filter(isPair)
      .map((p) => ({ name: str(p.key) ?? "", value: str(p.value), node: p.key }));
  }
  if (isSeq(n)) {
    return n.items.map((x) => {
      const [name, ...rest] = (str(x) ?? "").split("=");
      return { name, value: rest.length ? rest.join("=") : undefined, node: x };
    });
  }
  return [];
}

export function lintCompose(y: YamlFile, cat: CatalogView): Finding[] {
  const out: Finding[] = [];
  const add = (n: unknown, variable: string, rule: string, message: string, fix: string) =>
    out.push({ file: y.file, line: y.line(n), variable, rule, message, fix });
  const services = get(y.doc.contents, "services")?.value;
  if (!isMap(services)) return out;
  for (const s of services.items) {
    if (!isPair(s)) continue;
    const service = str(s.key) ?? "(unnamed)";
    for (const { name, value, node } of pairs(get(s.value, "environment")?.value)) {
      const literal = value !== undefined && value !== "" && !isReference(value);
      const exposed = publicSecret(name, cat);
      if (exposed) {
        add(
          node,
          name,
          "public-prefixed-secret",
          `service ${service} exposes ${exposed} under a public prefix, which client builds bundle.`,
          `never give a secret a public prefix.`,
        );
      } else if (cat.secrets.has(name) && literal && !isLoopbackUrl(value!)) {
        add(
          node,
          name,
          "compose-secret-value",
          `service ${service} sets the catalog secret ${name} to a literal value.`,
          `pass it from the environment (\`${name}: \${${name}}\`) or a gitignored env_file; never a value in the file.`,
        );
      } else if (value && credentialShape(value)) {
        add(
          node,
          name,
          "secret-literal",
          `service ${service} sets ${name} to what looks like ${credentialShape(value)}.`,
          "remove it and rotate it (it is in git history now).",
        );
      } else if (
        literal &&
        !isSetting(value!) &&
        SECRET_LOOKING.test(name) &&
        !cat.plain.has(name)
      ) {
        add(
          node,
          name,
          "secret-looking-value",
          `service ${service} sets ${name}, named like a secret, to a literal value.`,
          `if ${name} is a secret, add it to the catalog and pass it from the environment; if not, rename it.`,
        );
      }
    }
    const build = get(s.value, "build")?.value;
    for (const { name, node } of pairs(get(build, "args")?.value)) {
      if (cat.secrets.has(name)) {
        add(
          node,
          name,
          "compose-build-arg-secret",
          `service ${service} passes the catalog secret ${name} as a build argument, which the image keeps in its history.`,
          "use a build secret (`secrets:` with `RUN --mount=type=secret`) or pass it at runtime.",
        );
      }
    }
  }
  return out;
}
