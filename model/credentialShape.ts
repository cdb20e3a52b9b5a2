/**
 * What a credential looks like, for the checks that must refuse one where none belongs: a plain
 * (non-secret) variable's value, a deploy manifest, an env-style file. Two ways to look like one:
 *  - a known shape (a URL with a password, a private key, a provider's token prefix);
 *  - a long random-looking token: hexadecimal of 32 characters or more with both digits and letters,
 *    or a base64/base62 token of 20 characters or more mixing digits, upper and lower case, with a
 *    Shannon entropy of at least {@link MIN_BITS_PER_CHAR} bits per character.
 *
 * Paths (`/srv/...`, `./var/...`), URLs without a password, numbers, flags, keepers
 * (`2026-11-29.1`) and UUIDs (lower-case hex and hyphens: the Railway IDs of a stack) do not look
 * like credentials. Pure: the policy, the manifest lint and the program all read it.
 */

/** Shapes of credentials, whatever the key they sit under. */
export const CREDENTIAL_SHAPES: { re: RegExp; what: string }[] = [
  {
    re: /\b[a-z][a-z0-9+.-]*:\/\/[^\s/:@'"]+:(?!\$)[^\s@/'"]+@/i,
    what: "a URL with a password in it",
  },
  { re: /-----BEGIN [A-Z ]*PRIVATE KEY-----/, what: "a private key" },
  { re: /\bsk-(proj-)?[A-Za-z0-9_-]{20,}/, what: "an OpenAI-style API key" },
  { re: /\bAKIA[0-9A-Z]{16}\b/, what: "an AWS access key ID" },
  { re: /\bgh[pousr]_[A-Za-z0-9]{30,}/, what: "a GitHub token" },
  { re: /\bxox[baprs]-[A-Za-z0-9-]{10,}/, what: "a Slack token" },
  { re: /\brnd_[A-Za-z0-9]{20,}/, what: "a Render API key" },
  { re: /\bfm[12]r?_[A-Za-z0-9_-]{20,}/, what: "a Fly.io token" },
];

/** The entropy a random-looking token needs (a random base62 string has about 5.9). */
export const MIN_BITS_PER_CHAR = 3.5;

/** Shannon entropy of `s`, in bits per character. */
export function entropy(s: string): number {
  if (s.length === 0) return 0;
  const counts = new Map<string, number>();
  for (const c of s) counts.set(c, (counts.get(c) ?? 0) + 1);
  let bits = 0;
  for (const n of counts.values()) {
    const p = n / s.length;
    bits -= p * Math.log2(p);
  }
  return bits;
}

const HEX = /^[0-9a-fA-F]{32,}$/;
const TOKEN = /^[A-Za-z0-9+/_-]{20,}={0,2}$/;

/** What a single token (no whitespace) looks like, if it looks like a random credential. */
function randomToken(t: string): string | undefined {
  if (HEX.test(t) && /[0-9]/.test(t) && /[a-fA-F]/.test(t)) {
    return "a long hexadecimal string (a key or a token)";
  }
  if (
    TOKEN.test(t) &&
    !/^[./]/.test(t) &&
    /[0-9]/.test(t) &&
    /[a-z]/.test(t) &&
    /[A-Z]/.test(t) &&
    entropy(t) >= MIN_BITS_PER_CHAR
  ) {
    return "a long random-looking string (a key or a token)";
  }
  return undefined;
}

/**
 * What `value` looks like when it looks like a credential (`"a private key"`), else undefined.
 * Known shapes are searched anywhere in it; random-looking tokens are its whitespace-separated
 * words, quotes stripped.
 */
export function credentialShape(value: string): string | undefined {
  for (const shape of CREDENTIAL_SHAPES) if (shape.re.test(value)) return shape.what;
  for (const word of value.split(/\s+/)) {
    const what = randomToken(word.replace(/^["'`]+|["'`,;]+$/g, ""));
    if (what) return what;
  }
  return undefined;
}

/** True for a URL of a service on the developer's own machine, with no credentials in it. */
export function isLoopbackUrl(value: string): boolean {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return false;
  }
  return (
    ["localhost", "127.0.0.1", "[::1]"].includes(url.hostname) &&
    url.username === "" &&
    url.password === ""
  );
}
