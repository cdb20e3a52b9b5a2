import { createHash } from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import YAML, { Document, isMap, isScalar, Pair, Scalar, YAMLMap } from "yaml";
import { CATALOG } from "../../catalog";
import { buildModel, Model, PROJECT } from "../../model";
import { readStackConfig } from "../plan";
import { writeFileAtomic } from "../../lib/atomicWrite";

/** The maps of variable -> string the runbook edits: keepers, and which database user is live. */
export type KeeperMap = "rotations" | "previousKeepers" | "activeUsers";

/** One stack file's planned change: written only after every planned change has been validated. */
export interface StackFileEdit {
  stack: string;
  file: string;
  before: string;
  after: string;
}

export const stackFilePath = (projectDir: string, stack: string): string =>
  path.join(projectDir, `Pulumi.${stack}.yaml`);

/**
 * A stack file opened for editing through `yaml`'s Document API, so its comments, key order, quoting
 * and blank lines survive: values are changed in place, new entries land beside their siblings, and
 * nothing else is re-serialized differently (a file round-trips byte for byte).
 */
export class StackFile {
  private constructor(
    readonly stack: string,
    readonly file: string,
    readonly text: string,
    private readonly doc: Document.Parsed,
  ) {}

  static load(projectDir: string, stack: string): StackFile {
    const file = stackFilePath(projectDir, stack);
    if (!fs.existsSync(file)) {
      throw new Error(`No stack file ${path.basename(file)} in ${projectDir}.`);
    }
    const text = fs.readFileSync(file, "utf8");
    const doc = YAML.parseDocument(text);
    if (doc.errors.length > 0) {
      throw new Error(
        `${path.basename(file)} is not valid YAML: ${doc.errors[0].message.split("\n")[0]}`,
      );
    }
    return new StackFile(stack, file, text, doc);
  }

  private config(create: boolean): YAMLMap | undefined {
    let config = this.doc.get("config");
    if (!isMap(config)) {
      if (!create) return undefined;
      if (config !== undefined && config !== null) {
        throw new Error(`${path.basename(this.file)}: \`config\` is not a map.`);
      }
      if (!isMap(this.doc.contents)) this.doc.contents = this.doc.createNode({}) as never;
      config = this.doc.createNode({});
      this.doc.set("config", config);
    }
    return config as YAMLMap;
  }

  /** The pair of a program key, namespaced (`pegasus-secrets:rotations`) or, as Pulumi also accepts, bare. */
  private programPair(config: YAMLMap, key: string): Pair | undefined {
    return config.items.find((p) => {
      const k = isScalar(p.key) ? p.key.value : p.key;
      return k === `${PROJECT}:${key}` || k === key;
    });
  }

  /** A keeper map as plain data. */
  keepers(map: KeeperMap): Record<string, string> {
    const config = this.config(false);
    const pair = config && this.programPair(config, map);
    const v = pair?.value;
    if (!isMap(v)) return {};
    return Object.fromEntries(
      v.items.map((p) => [
        String(isScalar(p.key) ? p.key.value : p.key),
        String(isScalar(p.value) ? p.value.value : p.value),
      ]),
    );
  }

  /** Sets `<map>.<variable>` to a quoted keeper, in place when it exists (its comments stay). */
  setKeeper(map: KeeperMap, variable: string, keeper: string): void {
    const config = this.config(true)!;
    let pair = this.programPair(config, map);
    if (!pair || !isMap(pair.value)) {
      const created = this.doc.createPair(`${PROJECT}:${map}`, this.doc.createNode({})) as Pair;
      if (pair) {
        // `rotations:` with no entries parses as null: give it a map, keep the key and its comments.
        pair.value = created.value;
      } else {
        // A new map goes right after its sibling keeper map, so the two read together.
        const sibling = this.programPair(
          config,
          map === "rotations"
            ? "previousKeepers"
            : map === "activeUsers"
              ? "previousKeepers"
              : "rotations",
        );
        const at = sibling ? config.items.indexOf(sibling) + (map === "rotations" ? 0 : 1) : -1;
        if (at >= 0) config.items.splice(at, 0, created);
        else config.items.push(created);
        pair = created;
      }
    }
    const entries = pair.value as YAMLMap;
    const existing = entries.items.find((p) => isScalar(p.key) && p.key.value === variable);
    if (existing && isScalar(existing.value)) {
      existing.value.value = keeper;
      existing.value.type = Scalar.QUOTE_DOUBLE;
      return;
    }
    const value = new Scalar(keeper);
    // Quoted, so no YAML reader can take `2026-11-29.1` for anything but a string.
    value.type = Scalar.QUOTE_DOUBLE;
    if (existing) existing.value = value;
    else entries.items.push(this.doc.createPair(variable, value) as Pair);
  }

  /** Removes `<map>.<variable>`; removes the map too once it is empty. Comments above move to the next entry. */
  deleteKeeper(map: KeeperMap, variable: string): boolean {
    const config = this.config(false);
    const pair = config && this.programPair(config, map);
    if (!config || !pair || !isMap(pair.value)) return false;
    const entries = pair.value as YAMLMap;
    const gone = removePair(
      entries,
      entries.items.find((p) => isScalar(p.key) && p.key.value === variable),
    );
    if (gone && entries.items.length === 0) removePair(config, pair);
    return gone;
  }

  /** The emergency grants in the file (`pegasus-secrets:emergencyAccess`), as plain data. */
  emergencyAccess(): Record<string, unknown>[] {
    const config = this.config(false);
    const v = config && this.programPair(config, "emergencyAccess")?.value;
    const list = v && typeof v === "object" ? (v as { toJSON(): unknown }).toJSON() : [];
    return Array.isArray(list) ? (list as Record<string, unknown>[]) : [];
  }

  /** Replaces the emergency grants; removes the key when none is left. */
  setEmergencyAccess(grants: Record<string, unknown>[]): void {
    const config = this.config(true)!;
    const pair = this.programPair(config, "emergencyAccess");
    if (grants.length === 0) {
      if (pair) removePair(config, pair);
      return;
    }
    const node = this.doc.createNode(grants);
    if (pair) pair.value = node;
    else config.items.push(this.doc.createPair(`${PROJECT}:emergencyAccess`, node) as Pair);
  }

  /** The sealing key and sealed values (`pegasus-secrets:sealedValues`), as plain data. */
  sealedValues(): { key?: string; values: Record<string, string> } {
    const config = this.config(false);
    const v = config && this.programPair(config, "sealedValues")?.value;
    const data = (isMap(v) ? v.toJSON() : {}) as { key?: string; values?: Record<string, string> };
    return { key: data.key, values: data.values ?? {} };
  }

  /**
   * Stores a sealed value under `sealedValues.values.<configKey>`, in place when it exists, and
   * removes the key's `pulumi config set --secret` value if there was one: one value, one place.
   */
  setSealedValue(configKey: string, ciphertext: string): void {
    const config = this.config(true)!;
    const pair = this.programPair(config, "sealedValues");
    if (!pair || !isMap(pair.value)) {
      throw new Error(`${path.basename(this.file)} has no \`sealedValues\` map with its key.`);
    }
    const sealed = pair.value as YAMLMap;
    const found: unknown = sealed.get("values", true);
    const values = isMap(found) ? found : (this.doc.createNode({}) as YAMLMap);
    if (values !== found) sealed.set("values", values);
    // One ciphertext per line, so a diff shows which value changed.
    values.flow = false;
    sealed.flow = false;
    values.set(configKey, ciphertext);
    removePair(config, this.programPair(config, configKey));
  }

  /**
   * A fingerprint of the ciphertext an external secret's key holds, to notice that the operator has
   * replaced it (with `pulumi config set --secret`, or `seal`). Ciphertext only, never a value:
   * `unset` when the key is absent, `plaintext` when it holds an unencrypted value (the model
   * refuses that anyway).
   */
  ciphertextFingerprint(configKey: string): string {
    const sealed = this.sealedValues().values[configKey];
    if (sealed !== undefined) {
      return `sha256:${createHash("sha256").update(sealed).digest("hex").slice(0, 16)}`;
    }
    const config = this.config(false);
    const pair = config && this.programPair(config, configKey);
    if (!pair) return "unset";
    const v = pair.value;
    if (isMap(v)) {
      const secure = v.get("secure");
      if (typeof secure === "string") {
        return `sha256:${createHash("sha256").update(secure).digest("hex").slice(0, 16)}`;
      }
    }
    return "plaintext";
  }

  /**
   * The edited file text. `yaml` writes every flow collection with or without inner padding
   * (`[ a ]` or `[a]`); the choice that reproduces the file as it was read is kept, so lines this
   * edit did not touch stay byte for byte.
   */
  toString(): string {
    return this.doc.toString({ lineWidth: 0, flowCollectionPadding: this.padding() });
  }

  /** Whether the untouched file round-trips with padded flow collections (yaml's default). */
  private padding(): boolean {
    const original = YAML.parseDocument(this.text);
    if (original.toString({ lineWidth: 0, flowCollectionPadding: true }) === this.text) return true;
    return original.toString({ lineWidth: 0, flowCollectionPadding: false }) !== this.text;
  }

  /** False when even the unedited file would not round-trip exactly (`rotate` then asks for a review of the diff). */
  roundTrips(): boolean {
    const original = YAML.parseDocument(this.text);
    return [true, false].some(
      (flowCollectionPadding) =>
        original.toString({ lineWidth: 0, flowCollectionPadding }) === this.text,
    );
  }

  /** The planned change, for {@link writeStackFiles}. */
  edit(): StackFileEdit {
    return { stack: this.stack, file: this.file, before: this.text, after: this.toString() };
  }
}

/** Removes a pair; a comment written above it is kept above whatever follows. */
function removePair(map: YAMLMap, pair: Pair | undefined): boolean {
  if (!pair) return false;
  const i = map.items.indexOf(pair);
  const comment = (pair.key as Scalar | null)?.commentBefore;
  map.items.splice(i, 1);
  if (comment) {
    const next = map.items[i]?.key as Scalar | undefined;
    if (next && isScalar(next)) {
      next.commentBefore = next.commentBefore ? `${comment}\n${next.commentBefore}` : comment;
    } else {
      map.comment = map.comment ? `${comment}\n${map.comment}` : comment;
    }
  }
  return true;
}

/**
 * Builds the model from an edited stack file exactly as `plan` and `pulumi up` would read it, without
 * touching the real file: throws the model's `ConfigError` if the edit would leave the stack invalid.
 */
export function validateStackText(projectDir: string, stack: string, text: string): Model {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pegasus-stack-"));
  try {
    fs.copyFileSync(path.join(projectDir, "Pulumi.yaml"), path.join(dir, "Pulumi.yaml"));
    fs.writeFileSync(stackFilePath(dir, stack), text);
    return buildModel(CATALOG, stack, readStackConfig(dir, stack).raw);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** The model of a stack as its file stands. */
export const loadModel = (projectDir: string, stack: string): Model =>
  buildModel(CATALOG, stack, readStackConfig(projectDir, stack).raw);

/**
 * Writes every planned edit or none: each file is replaced atomically (temp file + rename), a file
 * that changed since it was read is refused, and a failure part-way restores the files already written.
 */
export function writeStackFiles(edits: StackFileEdit[]): void {
  for (const e of edits) {
    if (fs.readFileSync(e.file, "utf8") !== e.before) {
      throw new Error(
        `${path.basename(e.file)} changed while this command ran (another \`pulumi config set\`?). Nothing was written; run the command again.`,
      );
    }
  }
  const done: StackFileEdit[] = [];
  try {
    for (const e of edits) {
      writeFileAtomic(e.file, e.after);
      done.push(e);
    }
  } catch (err) {
    for (const e of done) writeFileAtomic(e.file, e.before);
    throw err;
  }
}
