/**
 * Dockerfiles (`Dockerfile`, `Dockerfile.*`, `*.Dockerfile`, `Containerfile`), parsed with
 * dockerfile-ast (continuations, quoting and both `ENV` forms). The guide forbids secrets in
 * Dockerfiles: an image carries every `ENV` and `ARG` (in its history), and every file copied in.
 *  - `ENV`/`ARG` naming a catalog secret, with or without a value (`dockerfile-secret`): pass it at
 *    runtime from the platform's secret store, or as a build secret (`RUN --mount=type=secret`);
 *  - `ENV`/`ARG` named like a secret with a literal value, or any value shaped like a credential;
 *  - `COPY`/`ADD` of an env file (`.env`, `*.env`, `.env.*` but `.env.example`) (`dockerfile-env-file`).
 */
import { DockerfileParser } from "dockerfile-ast";
import { credentialShape } from "../../model/credentialShape";
import { CatalogView, Finding, isReference, SECRET_LOOKING } from "./common";

const ENV_FILE = /(^|\/)(\.env(\.(?!example$)[^/]+)?|[^/]+\.env)$/;

export function lintDockerfile(file: string, text: string, cat: CatalogView): Finding[] {
  const out: Finding[] = [];
  const add = (line: number, variable: string, rule: string, message: string, fix: string) =>
    out.push({ file, line: line + 1, variable, rule, message, fix });
  const doc = DockerfileParser.parse(text);
  for (const ins of doc.getInstructions()) {
    const keyword = ins.getKeyword();
    if (keyword === "ENV" || keyword === "ARG") {
      const props = (ins as unknown as { getProperties(): DockerProperty[] }).getProperties();
      for (const p of props) {
        const name = p.getName();
        const value = p.getValue();
        const line = p.getRange().start.line;
        if (cat.secrets.has(name)) {
          add(
            line,
            name,
            "dockerfile-secret",
            `${keyword} ${name}: the catalog secret ${name} would be baked into the image (its config or its build history)${value ? ", with a literal value" : ""}.`,
            `remove it: the service reads ${name} at runtime from its platform's secret store (pegasus-secrets delivers it); a build that needs it uses \`RUN --mount=type=secret\`.`,
          );
          continue;
        }
        const shape = value ? credentialShape(value) : undefined;
        if (shape) {
          add(
            line,
            name,
            "secret-literal",
            `${keyword} ${name} holds what looks like ${shape}, baked into the image.`,
            "remove it and rotate it (it is in git history now); pass secrets at runtime.",
          );
        } else if (
          value &&
          SECRET_LOOKING.test(name) &&
          !cat.plain.has(name) &&
          !isReference(value)
        ) {
          add(
            line,
            name,
            "secret-looking-value",
            `${keyword} ${name}, named like a secret, has a literal value baked into the image.`,
            `if ${name} is a secret, add it to the catalog and deliver it at runtime; if not, rename it.`,
          );
        }
      }
    }
    if (keyword === "COPY" || keyword === "ADD") {
      const args = ins.getArguments().map((a) => a.getValue());
      for (const src of args.slice(0, -1)) {
        if (ENV_FILE.test(src)) {
          add(
            ins.getRange().start.line,
            src,
            "dockerfile-env-file",
            `${keyword} copies the env file ${src} into the image, with whatever values it holds.`,
            "do not copy env files into images: the platform injects variables at runtime. Add it to .dockerignore.",
          );
        }
      }
    }
  }
  return out;
}

/** The part of dockerfile-ast's `Property` this linter reads. */
interface DockerProperty {
  getName(): string;
  getValue(): string | null;
  getRange(): { start: { line: number } };
}
