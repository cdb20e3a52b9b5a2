/**
 * What every deploy-manifest linter shares: the finding it reports, the catalog as the lint sees it,
 * and what a secret looks like by name or by shape.
 */
import { CatalogEntry, SecretEntry } from "../../catalog";

/** One problem in one manifest. */
export interface Finding {
  file: string;
  line: number;
  /** The variable (or manifest field) concerned. */
  variable: string;
  /** Stable rule ID, e.g. `render-secret-value`. */
  rule: string;
  message: string;
  fix: string;
}

/** What the lint needs from the catalog. */
export interface CatalogView {
  secrets: Map<string, SecretEntry>;
  plain: Set<string>;
}

export function catalogView(catalog: CatalogEntry[]): CatalogView {
  const secrets = new Map<string, SecretEntry>();
  const plain = new Set<string>();
  for (const e of catalog) {
    if (e.kind === "secret") {
      secrets.set(e.name, e);
      // The previous value of a signing key in its overlap window is delivered as <NAME>_PREVIOUS.
      if (e.overlap) secrets.set(`${e.name}_PREVIOUS`, e);
    } else plain.add(e.name);
  }
  return { secrets, plain };
}

/** Names people give secrets that are not (yet) in the catalog. */
export const SECRET_LOOKING =
  /(SECRET|TOKEN|PASSWORD|PASSWD|PRIVATE|CREDENTIAL|API_?KEY|ACCESS_KEY|AUTH)/i;

/** A value that points elsewhere (`$VAR`, `${VAR}`, `$$VAR`) rather than being the value. */
export const isReference = (v: string): boolean => /^\$/.test(v.trim());

/** How Render names a secret without holding its value (render.yaml findings end with it). */
export const FIX_SYNC =
  "name it only: `- key: <NAME>` with `sync: false`, or take it from the env group pegasus-secrets manages (`- fromGroup: <group>`)";
