/**
 * How a platform adapter reaches its API: the credential and base URL read from the environment
 * when a provider method runs (DESIGN.md D6), and a client that sends every call through the HTTP
 * core with the credential header and the values being written redacted from every error.
 *
 * No Pulumi import and no module state: bundled into each provider. Nothing here reads the
 * environment until a provider method calls it.
 */
import {
  apiError,
  ApiError,
  ApiRequest,
  ApiResponse,
  callApi,
  HttpSettings,
  httpSettings,
  platformMessage,
} from "../../lib/http";

/** The credential a provider needs, read when it runs; a clear error names the variable when unset. */
export function credential(envName: string, platform: string, what: string): string {
  const value = process.env[envName];
  if (value === undefined || value.trim() === "") {
    throw new Error(
      `${envName} is not set. The ${platform} provider reads ${what} from it when \`pulumi up\`, \`pulumi refresh\` or \`pulumi destroy\` runs (docs/platforms.md); export it in that shell or CI job.`,
    );
  }
  return value.trim();
}

/** The API base URL: the override from `envName` (tests, proxies) or the public one. */
export function baseUrl(envName: string, fallback: string): string {
  const value = process.env[envName];
  return (value && value.trim() !== "" ? value.trim() : fallback).replace(/\/+$/, "");
}

/** A client bound to one platform: credential header, base URL and redaction applied to every call. */
export interface PlatformClient {
  call(
    method: string,
    path: string,
    opts?: Omit<ApiRequest, "platform" | "method" | "url" | "headers">,
  ): Promise<ApiResponse>;
  settings: HttpSettings;
}

/** Builds a client; `redact` lists the values being written, so no error can echo one. */
export function platformClient(
  platform: string,
  base: string,
  headers: Record<string, string>,
  redact: string[],
  credentialEnv: string,
): PlatformClient {
  const settings = httpSettings(process.env);
  const secretsInHeaders = Object.values(headers).flatMap((h) => [h, h.replace(/^\S+\s+/, "")]);
  return {
    settings,
    call: (method, path, opts = {}) =>
      callApi(
        {
          ...opts,
          platform,
          method,
          url: `${base}${path}`,
          headers,
          credentialEnv,
          redact: [...secretsInHeaders, ...redact, ...(opts.redact ?? [])],
        },
        settings,
      ),
  };
}

/**
 * The error of a GraphQL answer that carries `errors` (Railway answers them with HTTP 200): the
 * platform's message, scrubbed, with a hint at the credential when it was refused.
 */
export function apiErrorOf(
  platform: string,
  label: string,
  body: unknown,
  credentialEnv: string,
  redact: string[],
): ApiError {
  const message = platformMessage(body) ?? "failed without a message";
  const unauthorized = /not authori[sz]ed|token not found|two factor|unauthenticated/i.test(
    message,
  );
  const hint = unauthorized
    ? ` Check ${credentialEnv}: it must be an account or workspace token with access to this project.`
    : "";
  return apiError(
    `${platform} API: ${label} failed: ${message}.${hint}`,
    { platform, unauthorized },
    redact,
  );
}

/** URL-encodes one path segment. */
export const seg = (s: string): string => encodeURIComponent(s);
