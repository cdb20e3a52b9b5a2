/**
 * `doctor --online`: each platform token, asked of its platform with one read-only call on what
 * this stack delivers to (the API base URLs honour RENDER_API_URL and FLY_API_URL, DESIGN.md D6).
 * Nothing is written; the token goes only into the request's header, and the answer's body is never
 * shown. A call that cannot confirm fails (D10).
 */
import { sendRequest } from "../../lib/http";
import type { Model } from "../../model";
import { Check, DoctorInput, fail, ok, skip } from "./check";

const RENDER_API = "https://api.render.com/v1";
const FLY_API = "https://api.machines.dev/v1";

/** Fly's header: macaroon tokens use the FlyV1 scheme (as components/platforms/flyAdapter.ts sends it). */
export const flyAuthorization = (token: string): string =>
  /^FlyV1\s/.test(token)
    ? token
    : /^fm[12][a-z]?_/.test(token)
      ? `FlyV1 ${token}`
      : `Bearer ${token}`;

const base = (input: DoctorInput, env: string, fallback: string) =>
  (input.env[env] || fallback).replace(/\/+$/, "");

/** One GET; what it means for the token, as a check. */
async function probe(
  input: DoctorInput,
  name: string,
  what: string,
  url: string,
  authorization: string,
  fix: string,
): Promise<Check> {
  const r = await sendRequest({
    method: "GET",
    url,
    headers: { authorization },
    timeoutMs: input.timeoutMs ?? 15_000,
    maxBodyBytes: 0,
  });
  if (r.status === null) return fail(name, `could not ask ${what} (${r.error}).`, fix);
  if (r.status >= 200 && r.status < 300) return ok(name, `accepted by ${what} (not shown).`);
  if (r.status === 401) return fail(name, `rejected by ${what} (HTTP 401).`, fix);
  if (r.status === 403 || r.status === 404) {
    return fail(name, `accepted, but it cannot see ${what} (HTTP ${r.status}).`, fix);
  }
  return fail(name, `${what} answered HTTP ${r.status}: not confirmed.`, fix);
}

/** The online checks of the platforms this stack feeds; Railway's is not made (see below). */
export async function onlineTokens(input: DoctorInput, model: Model): Promise<Check[]> {
  const t = model.config.targets;
  const out: Check[] = [];
  const render = input.env.RENDER_API_KEY;
  if (t.render && render) {
    out.push(
      await probe(
        input,
        "RENDER_API_KEY online",
        `Render (workspace ${t.render.ownerId})`,
        `${base(input, "RENDER_API_URL", RENDER_API)}/owners/${encodeURIComponent(t.render.ownerId)}`,
        `Bearer ${render}`,
        "create an API key as a user of that workspace (docs/platforms.md), then export RENDER_API_KEY",
      ),
    );
  }
  const fly = input.env.FLY_API_TOKEN;
  if (t.fly && fly) {
    for (const app of [...new Set(Object.values(t.fly.apps).filter((a): a is string => !!a))]) {
      out.push(
        await probe(
          input,
          "FLY_API_TOKEN online",
          `Fly.io (app ${app})`,
          `${base(input, "FLY_API_URL", FLY_API)}/apps/${encodeURIComponent(app)}/secrets`,
          flyAuthorization(fly),
          `create a token that covers the app: fly tokens create deploy -a ${app} (docs/platforms.md)`,
        ),
      );
    }
  }
  if (t.railway && input.env.RAILWAY_API_TOKEN) {
    // Railway's read-only queries on a service return its variables' values: not asked for here.
    out.push(
      skip(
        "RAILWAY_API_TOKEN online",
        "not asked: Railway has no read-only call that proves a token without returning variable values; the first pulumi up does.",
      ),
    );
  }
  return out;
}
