// Pure rendering of the local .env and .env.example (cli/local/envFiles.ts): no disk, no git.
// What this does not prove: that the Pegasus API and worker accept these values (they are not here).
import { randomBytes } from "crypto";
import { CATALOG, CatalogEntry } from "../../../catalog";
import {
  ConfigError,
  isGenerated,
  isLocalServiceUrl,
  localEntries,
  validateCatalog,
} from "../../../model";
import { parseDotenv } from "../../../cli/local/dotenv";
import {
  parseLocalScope,
  PRODUCTION_REFUSAL,
  randomValue,
  renderExample,
  renderLocalEnv,
} from "../../../cli/local/envFiles";
import { UsageError } from "../../../cli/shared/usage";

const rand = () => randomBytes(12).toString("hex");
const DATE = "2030-01-02";
const values = (text: string) =>
  new Map([...parseDotenv(text, "test").assignments].map(([k, a]) => [k, a.value]));

/** Fake generator: proves wiring and length, not randomness (the command test checks that). */
const counter = () => {
  let n = 0;
  return (length: number) => `gen${++n}`.padEnd(length, "x");
};

describe("parseLocalScope", () => {
  it.each(["local", "staging"])("accepts %s", (s) => expect(parseLocalScope(s)).toBe(s));
  it.each(["production", "Production", "prod", " PRODUCTION "])(
    "refuses %j as a usage error with the fix",
    (s) => {
      expect(() => parseLocalScope(s)).toThrow(UsageError);
      expect(() => parseLocalScope(s)).toThrow(
        `${PRODUCTION_REFUSAL}\nFix: use --stack local (the default) or --stack staging (staging's public URLs and settings, local secrets).`,
      );
    },
  );
  it("names the accepted scopes for anything else, and the closest", () => {
    expect(() => parseLocalScope("dev")).toThrow(
      'unknown --stack "dev" for env:local: it takes local (the default) or staging; production values are never written locally.\nFix: use --stack local or --stack staging.',
    );
    expect(() => parseLocalScope("stagign")).toThrow(
      'unknown --stack "stagign" for env:local: it takes local (the default) or staging; production values are never written locally. Did you mean staging?\nFix: use --stack staging.',
    );
  });
  it("states the guide's reason in the refusal", () => {
    expect(PRODUCTION_REFUSAL).toBe(
      'Refusing --stack production: production values are never written locally. A local .env holds developer-scoped, non-production values only (secrets-management guide, "Local development").',
    );
  });
});

describe("randomValue", () => {
  it.each([1, 32, 63, 64, 100])("has exactly %i URL-safe characters", (n) => {
    expect(randomValue(n)).toMatch(new RegExp(`^[A-Za-z0-9_-]{${n}}$`));
  });
});

describe("the catalog for local development", () => {
  it("is complete: every local variable has a value or instructions", () => {
    expect(() => validateCatalog(CATALOG)).not.toThrow();
  });

  it("takes exactly the variables the API or worker read, never a *_PREVIOUS value", () => {
    const expected = CATALOG.filter(
      (e) => e.consumers.includes("api") || e.consumers.includes("worker"),
    ).map((e) => e.name);
    expect(localEntries(CATALOG).map((e) => e.name)).toEqual(expected);
    const ciOnly: CatalogEntry = { ...CATALOG[3], name: "CI_ONLY", consumers: ["ci"] };
    const mobileOnly: CatalogEntry = { ...CATALOG[3], name: "MOBILE_ONLY", consumers: ["mobile"] };
    expect(localEntries([ciOnly, mobileOnly])).toEqual([]);
  });

  it.each([
    ["postgresql://localhost:5432/pegasus_dev", true],
    ["redis://127.0.0.1:6379/0", true],
    ["redis://[::1]:6379/0", true],
    [`postgresql://dev:${rand()}@localhost:5432/x`, false],
    [`redis://:${rand()}@localhost:6379`, false],
    [`postgresql://localhost/x?password=${rand()}`, false],
    ["postgresql://db.internal:5432/pegasus", false],
    ["not a url", false],
  ])("isLocalServiceUrl(%j) is %s", (v, ok) => expect(isLocalServiceUrl(v)).toBe(ok));

  it("refuses catalog local values that could be credentials, naming entry and fix but not the value", () => {
    const password = rand();
    const plain = CATALOG.find((e) => e.name === "PLC_STORAGE_DIR")!;
    const generated = CATALOG.find((e) => e.name === "JWT_SECRET")!;
    const external = CATALOG.find((e) => e.name === "OPENAI_API_KEY")!;
    const url = CATALOG.find((e) => e.name === "DATABASE_URL")!;
    const bad: CatalogEntry[] = [
      { ...plain, local: undefined },
      { ...generated, local: { value: rand() } },
      { ...external, local: {} },
      { ...url, local: { value: `postgresql://dev:${password}@localhost/x`, instructions: "x" } },
      { ...plain, name: "CI_ONLY", consumers: ["ci"], local: { value: "x" } },
    ];
    let err: unknown;
    try {
      validateCatalog(bad);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).issues).toEqual([
      {
        key: "catalog[PLC_STORAGE_DIR].local.value",
        problem: "plain config without a `default` needs a local value for env:local.",
        fix: 'add `local: { value: "..." }` to PLC_STORAGE_DIR in catalog/index.ts.',
      },
      {
        key: "catalog[JWT_SECRET].local.value",
        problem:
          "a generated secret gets a fresh random value on every machine; a catalog value would be a shared secret literal.",
        fix: "remove `local.value` from JWT_SECRET in catalog/index.ts.",
      },
      {
        key: "catalog[OPENAI_API_KEY].local.instructions",
        problem:
          "env:local cannot generate this secret, so a developer needs to be told how to get a developer-scoped value.",
        fix: 'add `local: { instructions: "..." }` to OPENAI_API_KEY in catalog/index.ts.',
      },
      {
        key: "catalog[DATABASE_URL].local.value",
        problem:
          "a secret's local value must be the URL of a service on the developer's machine (localhost, 127.0.0.1, [::1]) without credentials.",
        fix: "use a URL such as postgresql://localhost:5432/pegasus_dev, or remove it and keep the instructions.",
      },
      {
        key: "catalog[CI_ONLY].local",
        problem:
          "neither the API nor the worker reads this variable, so it never goes in a local .env.",
        fix: "remove `local` from CI_ONLY in catalog/index.ts.",
      },
    ]);
    expect((err as Error).message).not.toContain(password);
  });
});

describe("renderLocalEnv: a fresh file", () => {
  const { text, report } = renderLocalEnv({
    catalog: CATALOG,
    scope: "local",
    generate: counter(),
    date: DATE,
  });
  const parsed = parseDotenv(text, "fresh");
  const lines = text.split("\n");
  const local = localEntries(CATALOG);

  it("has every local variable once, in catalog order, and nothing else", () => {
    expect([...parsed.assignments.keys()]).toEqual(local.map((e) => e.name));
    expect(report.added).toEqual(local.map((e) => e.name));
    expect(text).not.toMatch(/_PREVIOUS=/);
  });

  it("gives each generated secret a value of its catalog length", () => {
    for (const e of local.filter(isGenerated)) {
      const v = parsed.assignments.get(e.name)!.value;
      expect([e.name, v.length]).toEqual([e.name, e.kind === "secret" ? (e.length ?? 32) : 0]);
      expect(v).toMatch(/^gen\d+x*$/);
    }
  });

  it("leaves external secrets empty under a FILL IN BY HAND comment with the catalog's instructions", () => {
    const blanks = local.filter((e) => e.kind === "secret" && !isGenerated(e) && !e.local?.value);
    expect(blanks.map((e) => e.name)).toEqual(report.blank);
    expect(report.blank.length).toBeGreaterThan(0);
    for (const e of blanks) {
      const at = lines.indexOf(`${e.name}=`);
      expect(at).toBeGreaterThan(0);
      const comment: string[] = [];
      for (let i = at - 1; lines[i].startsWith("#"); i--) comment.unshift(lines[i].slice(2));
      expect(comment.join(" ")).toContain(`FILL IN BY HAND: ${e.local!.instructions}`);
    }
  });

  it("writes local service URLs and plain local values or defaults", () => {
    for (const e of local.filter((x) => x.kind === "plain" || x.local?.value)) {
      const expected = e.local?.value ?? (e.kind === "plain" ? e.default : undefined);
      expect([e.name, parsed.assignments.get(e.name)!.value]).toEqual([e.name, expected]);
    }
  });

  it("says in its header that production values are never written and leaks must be rotated", () => {
    const head = lines
      .slice(0, lines.indexOf(""))
      .map((l) => l.replace(/^# ?/, ""))
      .join(" ");
    expect(head).toContain("Production values are never written here.");
    expect(head).toContain("rotate it before your next push.");
    expect(head).toContain(`(scope local, ${DATE})`);
  });
});

describe("renderLocalEnv: an existing file", () => {
  const mine = rand();
  const myOpenAi = rand();
  const oldJwt = rand();
  const before = [
    "# my notes",
    `MY_OWN=${mine}`,
    `export JWT_SECRET=${oldJwt} # keep`,
    `OPENAI_API_KEY="${myOpenAi}"`,
    "SIGNED_URL_KEY=",
    "PUBLIC_API_URL=http://localhost:9999",
    "",
  ].join("\n");
  const render = (force: boolean, plain?: Record<string, string>, regenerate = false) =>
    renderLocalEnv({
      catalog: CATALOG,
      scope: "local",
      existing: parseDotenv(before, "existing"),
      force,
      regenerate,
      plain,
      generate: counter(),
      date: DATE,
    });

  it("keeps every existing line and value, fills empty ones and appends what is missing", () => {
    const { text, report } = render(false);
    const out = text.split("\n");
    expect(out.slice(0, 4)).toEqual(before.split("\n").slice(0, 4));
    expect(out[4]).toMatch(/^SIGNED_URL_KEY=gen\d+x+$/);
    expect(out[5]).toBe("PUBLIC_API_URL=http://localhost:9999");
    expect(report.kept).toEqual(["OPENAI_API_KEY", "JWT_SECRET"]);
    expect(report.filled).toEqual(["SIGNED_URL_KEY"]);
    // A setting that is not what the scope gives is kept, and said to differ (never "up to date").
    expect(report.differ).toEqual(["PUBLIC_API_URL"]);
    expect(report.replaced).toEqual([]);
    expect(report.regenerated).toEqual([]);
    expect(report.extra).toEqual(["MY_OWN"]);
    const present = ["OPENAI_API_KEY", "JWT_SECRET", "SIGNED_URL_KEY", "PUBLIC_API_URL"];
    expect(report.added).toEqual(
      localEntries(CATALOG)
        .map((e) => e.name)
        .filter((n) => !present.includes(n)),
    );
    expect(values(text).get("MY_OWN")).toBe(mine);
    expect(text).toContain(`# Added by \`npx pegasus-secrets env:local\` (scope local, ${DATE}).`);
  });

  it("with force, replaces the settings that differ and keeps generated secrets and values typed by hand", () => {
    const { text, report } = render(true);
    const v = values(text);
    expect(v.get("JWT_SECRET")).toBe(oldJwt);
    expect(v.get("PUBLIC_API_URL")).toBe("http://localhost:8080");
    expect(v.get("OPENAI_API_KEY")).toBe(myOpenAi);
    expect(v.get("MY_OWN")).toBe(mine);
    expect(report.replaced).toEqual(["PUBLIC_API_URL"]);
    expect(report.kept).toEqual(["OPENAI_API_KEY", "JWT_SECRET"]);
    expect(report.differ).toEqual([]);
  });

  it("with regenerate, renews the generated secrets only", () => {
    const { text, report } = render(false, undefined, true);
    const v = values(text);
    expect(v.get("JWT_SECRET")).not.toBe(oldJwt);
    expect(v.get("JWT_SECRET")).toMatch(/^gen\d+x+$/);
    expect(text).toContain(`export JWT_SECRET=${v.get("JWT_SECRET")}\n`);
    expect(v.get("PUBLIC_API_URL")).toBe("http://localhost:9999");
    expect(v.get("OPENAI_API_KEY")).toBe(myOpenAi);
    expect(report.regenerated).toEqual(["JWT_SECRET"]);
    expect(report.filled).toEqual(["SIGNED_URL_KEY"]);
    expect(report.differ).toEqual(["PUBLIC_API_URL"]);
  });

  it("uses the scope's plain values for new and forced entries", () => {
    const v = values(render(true, { PUBLIC_API_URL: "https://api.example.test" }).text);
    expect(v.get("PUBLIC_API_URL")).toBe("https://api.example.test");
  });

  it("keeps CRLF line endings", () => {
    const crlf = "A=1\r\nJWT_SECRET=\r\n";
    const { text } = renderLocalEnv({
      catalog: CATALOG,
      scope: "local",
      existing: parseDotenv(crlf, "crlf"),
      date: DATE,
    });
    expect(text.split("\r\n").length).toBe(text.split("\n").length);
  });
});

describe("renderExample", () => {
  const text = renderExample(CATALOG);
  const v = values(text);

  it("lists every local variable and is deterministic", () => {
    expect([...v.keys()]).toEqual(localEntries(CATALOG).map((e) => e.name));
    expect(renderExample(CATALOG)).toBe(text);
  });

  it("holds no secret value, only plain defaults", () => {
    for (const e of localEntries(CATALOG)) {
      const expected = e.kind === "plain" ? (e.local?.value ?? e.default) : "";
      expect([e.name, v.get(e.name)]).toEqual([e.name, expected]);
    }
  });

  it("names the command that regenerates it", () => {
    expect(text).toContain("`npx pegasus-secrets env:example`; do not edit by hand.");
  });
});
