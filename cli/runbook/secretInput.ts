/**
 * The two ways a secret value passes through `seal`, each without leaving a trace: read from the
 * operator (unechoed on a terminal, or piped in), and encrypted by `gcloud kms encrypt` with the
 * value on its standard input, never in its arguments, so no process list or shell history holds it.
 */
import { spawn } from "child_process";
import { Writable } from "stream";
import * as readline from "readline";

/** The most a value may be: Cloud KMS encrypts at most 64 KiB of plaintext. */
const MAX_BYTES = 64 * 1024;

/** Reads one value: a line typed at an unechoed prompt, or everything piped to standard input. */
export async function readSecretInput(prompt: string): Promise<string> {
  if (process.stdin.isTTY) {
    const muted = new Writable({ write: (_chunk, _enc, done) => done() });
    process.stderr.write(prompt);
    const rl = readline.createInterface({ input: process.stdin, output: muted, terminal: true });
    try {
      return await new Promise<string>((resolve) => rl.once("line", resolve));
    } finally {
      rl.close();
      process.stderr.write("\n");
    }
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of process.stdin) {
    size += (chunk as Buffer).length;
    if (size > MAX_BYTES) throw new Error(`The value is longer than ${MAX_BYTES} bytes.`);
    chunks.push(chunk as Buffer);
  }
  // A trailing newline is the shell's (`echo`, a file), not the value's.
  return Buffer.concat(chunks)
    .toString("utf8")
    .replace(/\r?\n$/, "");
}

/** How long `gcloud kms encrypt` may take before seal gives up on it. */
const GCLOUD_TIMEOUT_MS = 60_000;

/** `gcloud kms encrypt --key <key>`, the plaintext on standard input; resolves to the ciphertext. */
export function gcloudKmsEncrypt(
  key: string,
  plaintext: Buffer,
  timeoutMs: number = GCLOUD_TIMEOUT_MS,
): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      "gcloud",
      ["kms", "encrypt", `--key=${key}`, "--plaintext-file=-", "--ciphertext-file=-"],
      { stdio: ["pipe", "pipe", "pipe"], env: process.env },
    );
    // Our own deadline, cleared however gcloud ends: spawn's `timeout` option keeps its timer when
    // gcloud never starts, which held the process open for a minute after the error.
    let timedOut = false;
    const deadline = setTimeout(() => {
      timedOut = true;
      child.kill("SIGTERM");
    }, timeoutMs);
    const out: Buffer[] = [];
    let err = "";
    child.stdout.on("data", (d: Buffer) => out.push(d));
    child.stderr.on("data", (d: Buffer) => (err += d.toString("utf8")));
    child.on("error", (e: NodeJS.ErrnoException) => {
      clearTimeout(deadline);
      reject(
        new Error(
          e.code === "ENOENT"
            ? "gcloud is not installed here: seal encrypts with it (https://cloud.google.com/sdk/docs/install), using your own login (gcloud auth login)."
            : `gcloud kms encrypt could not start: ${e.message}`,
        ),
      );
    });
    child.on("close", (code) => {
      clearTimeout(deadline);
      if (code === 0 && out.length > 0) return resolve(Buffer.concat(out));
      if (timedOut) {
        return reject(
          new Error(
            `gcloud kms encrypt did not answer within ${timeoutMs / 1000} s (check your network and \`gcloud auth login\`); nothing was written.`,
          ),
        );
      }
      const first = err.trim().split("\n").pop() ?? "";
      reject(
        new Error(
          `gcloud kms encrypt failed (exit ${code}${first ? `: ${first}` : ""}). Sealing needs roles/cloudkms.cryptoKeyEncrypter on ${key} for your account (gcloud auth login); nothing was written.`,
        ),
      );
    });
    // A gcloud that fails before reading its input closes the pipe: its exit says why, not EPIPE.
    child.stdin.on("error", () => undefined);
    child.stdin.end(plaintext);
  });
}
