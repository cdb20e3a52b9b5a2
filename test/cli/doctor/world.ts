/**
 * A machine for `doctor` to look at, made in temporary folders: a project with the fixture stacks,
 * a home folder (Pulumi's login record, gcloud's application-default file), a fake `pulumi` on
 * PATH that logs how it was called, and generated platform tokens. `ready()` is a machine on which
 * every check passes; tests take one thing away at a time.
 */
import { randomBytes } from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { CATALOG } from "../../../catalog";
import { readStackConfig } from "../../../cli/plan";
import type { DoctorInput } from "../../../cli/doctor";
import { buildModel } from "../../../model";
import { fixtureProject, projectCopy } from "../../fixtures";

const hex = (n = 16) => randomBytes(n).toString("hex");

export interface World {
  /** The project: the fixture stacks (and, when asked for, a full copy with its own bin). */
  project: string;
  home: string;
  /** The folder on PATH holding the fake `pulumi`. */
  bin: string;
  env: NodeJS.ProcessEnv;
  /** Every generated credential: none may ever appear in what doctor prints. */
  secrets: string[];
  /** The arguments of every `pulumi` call, one line each. */
  pulumiCalls(): string[];
  /** Writes the fake `pulumi`: what `version` prints, and whether `whoami` accepts the login. */
  fakePulumi(opts: { version?: string; whoami?: boolean; versionExit?: number }): void;
  stackFile(stack: string): string;
  edit(stack: string, change: (text: string) => string): void;
  input(stack: string, online?: boolean): DoctorInput;
  cleanup(): void;
}

export function world(opts: { bin?: boolean } = {}): World {
  // A full copy only for the child-process specs: copying the project costs more than a check.
  const copy = opts.bin ? projectCopy("pegasus-doctor-") : fixtureProject();
  const home = fs.mkdtempSync(path.join(os.tmpdir(), "pegasus-doctor-home-"));
  const bin = fs.mkdtempSync(path.join(os.tmpdir(), "pegasus-doctor-bin-"));
  const calls = path.join(bin, "calls.log");
  const secrets: string[] = [];
  const w: World = {
    project: copy.dir,
    home,
    bin,
    env: { PATH: bin },
    secrets,
    pulumiCalls: () =>
      fs.existsSync(calls) ? fs.readFileSync(calls, "utf8").trim().split("\n").filter(Boolean) : [],
    fakePulumi({ version = "v9.0.0", whoami = true, versionExit = 0 }) {
      const script = [
        "#!/bin/sh",
        `echo "$*" >> '${calls}'`,
        'case "$1" in',
        `  version) echo '${version}'; exit ${versionExit};;`,
        whoami
          ? `  whoami) echo '{"user":"alice","url":"gs://state","organizations":[]}';;`
          : "  whoami) echo 'error: could not get user: 401 Unauthorized' >&2; exit 255;;",
        '  *) echo "unexpected pulumi $*" >&2; exit 3;;',
        "esac",
        "",
      ].join("\n");
      fs.writeFileSync(path.join(bin, "pulumi"), script, { mode: 0o755 });
    },
    stackFile: (stack) => path.join(copy.dir, `Pulumi.${stack}.yaml`),
    edit: (stack, change) =>
      fs.writeFileSync(w.stackFile(stack), change(fs.readFileSync(w.stackFile(stack), "utf8"))),
    input: (stack, online = false) => ({
      projectDir: copy.dir,
      stack,
      env: w.env,
      home,
      online,
      timeoutMs: 5_000,
    }),
    cleanup: () => {
      copy.cleanup();
      fs.rmSync(home, { recursive: true, force: true });
      fs.rmSync(bin, { recursive: true, force: true });
    },
  };
  return w;
}

/** A machine on which every check of `doctor --stack <stack>` passes, offline. */
export function ready(
  stacks: string[] = ["staging", "production"],
  opts: { bin?: boolean } = {},
): World {
  const w = world(opts);
  w.fakePulumi({});
  // Pulumi's login record: the current backend, and an access token doctor must never show.
  const token = `pul-${hex()}`;
  w.secrets.push(token);
  fs.mkdirSync(path.join(w.home, ".pulumi"));
  fs.writeFileSync(
    path.join(w.home, ".pulumi", "credentials.json"),
    JSON.stringify({
      current: "gs://pegasus-state",
      accessTokens: { "gs://pegasus-state": token },
    }),
  );
  const adc = path.join(w.home, ".config", "gcloud");
  fs.mkdirSync(adc, { recursive: true });
  const refresh = hex();
  w.secrets.push(refresh);
  fs.writeFileSync(
    path.join(adc, "application_default_credentials.json"),
    JSON.stringify({ type: "authorized_user", refresh_token: refresh }),
  );
  for (const name of ["RENDER_API_KEY", "FLY_API_TOKEN", "RAILWAY_API_TOKEN"]) {
    w.env[name] = `tok${hex(12)}`;
    w.secrets.push(w.env[name]!);
  }
  for (const stack of stacks) {
    // Every external value this stack uses, encrypted; a KMS key as its secrets provider.
    const model = buildModel(CATALOG, stack, readStackConfig(w.project, stack).raw);
    const secure = model.externalKeys
      .map((k) => {
        const ciphertext = `v1:${hex(20)}`;
        w.secrets.push(ciphertext);
        return `  pegasus-secrets:${k.key}:\n    secure: ${ciphertext}\n`;
      })
      .join("");
    w.edit(
      stack,
      (t) =>
        `secretsprovider: gcpkms://projects/pegasus-${stack}/locations/global/keyRings/pulumi/cryptoKeys/${stack}\n` +
        t.replace(/^config:\n/m, `config:\n${secure}`),
    );
  }
  return w;
}
