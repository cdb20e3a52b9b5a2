// Plain values are checked against their kind: the bad values an operator really types.
import { CATALOG, PlainEntry } from "../../catalog";
import { plainValueProblem } from "../../model";

const entry = (name: string) => CATALOG.find((e) => e.name === name) as PlainEntry;
const CYRILLIC_A = "\u0430";
const RLO = "\u202E";

describe("plainValueProblem", () => {
  it.each([
    ["PUBLIC_API_URL", "https://api.pegasus.dev"],
    ["PUBLIC_API_URL", "http://localhost:8080"],
    ["PUBLIC_API_URL", "https://xn--pi-7kc.example.com"],
    ["HTTP_TIMEOUT_MS", "30000"],
    ["INGEST_BATCH_SIZE", "1"],
    ["FEATURE_GENERATE_V2", "true"],
    ["PLC_STORAGE_DIR", "/srv/pegasus/plc"],
  ])("accepts %s = %s", (name, value) => {
    expect(plainValueProblem(entry(name), value)).toBeUndefined();
  });

  it.each([
    [
      "PUBLIC_API_URL",
      "api.pegasus.dev",
      '"api.pegasus.dev" is not a URL (scheme and host, such as https://api.example.com).',
    ],
    [
      "PUBLIC_API_URL",
      "http://api.pegasus.dev",
      "uses http:, not https: (plain http only for a loopback address).",
    ],
    [
      "PUBLIC_API_URL",
      `https://${CYRILLIC_A}pi.pegasus.dev`,
      "contains a non-ASCII character; write an internationalised host in its xn-- form.",
    ],
    [
      "PUBLIC_API_URL",
      `https://api.pegasus.dev/${RLO}txt.exe`,
      "contains an invisible or right-to-left control character, so it does not read as what it is.",
    ],
    [
      "HTTP_TIMEOUT_MS",
      "thirty seconds",
      '"thirty seconds" is not a whole number (100 to 600000).',
    ],
    ["HTTP_TIMEOUT_MS", "5", "5 is outside 100 to 600000."],
    ["FEATURE_GENERATE_V2", "yes", '"yes" is not true or false.'],
    ["PLC_STORAGE_DIR", "/srv/a\nb", "contains a control character (a line break?)."],
  ])("refuses %s = %j", (name, value, problem) => {
    expect(plainValueProblem(entry(name), value)).toBe(problem);
  });

  it("holds the catalog's own defaults and local values to the same rules", () => {
    for (const e of CATALOG) {
      if (e.kind !== "plain") continue;
      for (const v of [e.default, e.local?.value]) {
        if (v !== undefined) expect([e.name, plainValueProblem(e, v)]).toEqual([e.name, undefined]);
      }
    }
  });
});
