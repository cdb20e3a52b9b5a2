/**
 * The child processes the harnesses start, handled like the engine handles its plugins: where an
 * SDK entry point is (asked of Node from the program folder), the environment a child inherits,
 * the port a plugin prints on its first stdout line, and killing a child that is still running.
 */
import { spawn, execFile } from "node:child_process";

/** `locateModule`: the host asks Node itself where the module is, from the program folder. */
export function locateModule(mod: string, dir: string, timeoutMs = 10_000): Promise<string> {
  const script = `console.log(require.resolve(${JSON.stringify(mod)}))`;
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      ["-e", script],
      { cwd: dir, timeout: timeoutMs },
      (err, stdout, stderr) => {
        if (err) {
          reject(new Error(`cannot locate ${mod} from ${dir}: ${stderr || err.message}`));
        } else {
          resolve(stdout.trim());
        }
      },
    );
  });
}

/**
 * The environment a plugin or program inherits: ours, minus variables that would leak the state
 * of an outer Pulumi run (the SDK reads `PULUMI_NODEJS_*` and `PULUMI_CONFIG*` as its settings).
 */
export function baseEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (v === undefined || k.startsWith("PULUMI_NODEJS_") || k.startsWith("PULUMI_CONFIG")) {
      continue;
    }
    env[k] = v;
  }
  return env;
}

/** The engine's `parsePort`: the first stdout line, minus terminal progress escape codes. */
function parsePort(line: string): number {
  const cleaned = line
    .replaceAll("\x1b]9;4;3;\x1b\\", "")
    .replaceAll("\x1b]9;4;0;\x1b\\", "")
    .trim();
  const port = Number(cleaned);
  if (!Number.isInteger(port) || port <= 0 || port > 65535) {
    throw new Error(`plugin wrote an invalid port to stdout: ${JSON.stringify(line)}`);
  }
  return port;
}

/**
 * Reads a plugin's gRPC port the way the engine does: the first line it writes to stdout. Everything
 * after that line goes to `onStdout`. Fails if the process exits first or prints no port in time.
 */
export function readPluginPort(
  proc: ReturnType<typeof spawn>,
  what: string,
  timeoutMs: number,
  onStdout: (text: string) => void,
): Promise<number> {
  return new Promise<number>((resolve, reject) => {
    let first = "";
    let done = false;
    const finish = (err: Error | undefined, p?: number): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      if (err) reject(err);
      else resolve(p as number);
    };
    const timer = setTimeout(
      () => finish(new Error(`${what} printed no port within ${timeoutMs} ms`)),
      timeoutMs,
    );
    proc.stdout?.on("data", (d: Buffer) => {
      if (done) {
        onStdout(d.toString());
        return;
      }
      first += d.toString();
      const nl = first.indexOf("\n");
      if (nl >= 0) {
        onStdout(first.slice(nl + 1));
        try {
          finish(undefined, parsePort(first.slice(0, nl)));
        } catch (e) {
          finish(e as Error);
        }
      }
    });
    // "close" rather than "exit": stderr is complete by then, for the error message.
    proc.once("close", (code) => finish(new Error(`${what} exited (${code}) before its port`)));
    proc.once("error", (e) => finish(e));
  });
}

/** Kills a child if still running; resolves once it has exited or after `graceMs`. */
export function killChild(child: ReturnType<typeof spawn>, graceMs = 2_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) {
    return Promise.resolve();
  }
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, graceMs);
    child.once("exit", () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill("SIGKILL");
  });
}
