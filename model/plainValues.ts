/**
 * Values of plain (non-secret) variables, checked against their kind before anything is built
 * (`PlainKind` in catalog/types.ts). A value that fails names what is wrong in words; the caller
 * adds the key and the fix.
 */
import type { PlainEntry } from "../catalog";

/** Characters that make text read differently from what it is: bidi controls, zero-width marks. */
const INVISIBLE = /[\u200B-\u200F\u202A-\u202E\u2066-\u2069\uFEFF]/;
// Control characters are what this check looks for.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL = /[\u0000-\u001F\u007F]/;
const LOOPBACK = new Set(["localhost", "127.0.0.1", "[::1]"]);

/** What is wrong with `value` for `entry`, or undefined when it is a valid value of its kind. */
export function plainValueProblem(entry: PlainEntry, value: string): string | undefined {
  if (INVISIBLE.test(value)) {
    return "contains an invisible or right-to-left control character, so it does not read as what it is.";
  }
  if (CONTROL.test(value)) return "contains a control character (a line break?).";
  switch (entry.plainKind) {
    case "path":
      return value.trim() === "" ? "is empty." : undefined;
    case "flag":
      return value === "true" || value === "false" ? undefined : `"${value}" is not true or false.`;
    case "tuning": {
      const { min, max } = entry.range ?? { min: 0, max: Number.MAX_SAFE_INTEGER };
      if (!/^-?\d+$/.test(value)) return `"${value}" is not a whole number (${min} to ${max}).`;
      const n = Number(value);
      return n < min || n > max ? `${n} is outside ${min} to ${max}.` : undefined;
    }
    case "url": {
      // Non-ASCII letters in a host are how a look-alike domain hides (a Cyrillic "а").
      if (/[^\x21-\x7E]/.test(value)) {
        return "contains a non-ASCII character; write an internationalised host in its xn-- form.";
      }
      let url: URL;
      try {
        url = new URL(value);
      } catch {
        return `"${value}" is not a URL (scheme and host, such as https://api.example.com).`;
      }
      if (url.protocol === "https:") return undefined;
      if (url.protocol === "http:" && LOOPBACK.has(url.hostname)) return undefined;
      return `uses ${url.protocol.replace(/:$/, "")}:, not https: (plain http only for a loopback address).`;
    }
  }
}

/** An example value of the kind, for a fix command. */
export const plainExample = (entry: PlainEntry): string =>
  ({
    path: "/srv/pegasus/plc",
    url: "https://api.example.com",
    flag: "false",
    tuning: String(entry.range?.min ?? 1),
  })[entry.plainKind];
