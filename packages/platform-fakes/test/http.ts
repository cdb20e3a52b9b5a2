/**
 * What the fakes' self-tests share: random values (nothing may look like a real credential) and a
 * small fetch wrapper that sends JSON and reads the answer as JSON when it parses.
 */
import { randomBytes } from "node:crypto";

/** A random hex value, used for secrets and wrong tokens. */
export const secret = (): string => randomBytes(16).toString("hex");

/** An answer of a fake, its body parsed as JSON when it is JSON. */
export interface Answer {
  status: number;
  headers: Headers;
  body: any;
}

/** Calls a fake through Node's global fetch; a non-string body is sent as JSON. */
export async function call(
  url: string,
  init: { method?: string; headers?: Record<string, string>; body?: unknown } = {},
): Promise<Answer> {
  const headers: Record<string, string> = { ...(init.headers ?? {}) };
  let body: string | undefined;
  if (init.body !== undefined) {
    body = typeof init.body === "string" ? init.body : JSON.stringify(init.body);
    headers["content-type"] ??= "application/json";
  }
  const res = await fetch(url, { method: init.method ?? "GET", headers, body });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = text === "" ? undefined : JSON.parse(text);
  } catch {
    // keep the text
  }
  return { status: res.status, headers: res.headers, body: parsed };
}
