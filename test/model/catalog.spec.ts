import { CATALOG, CatalogEntry } from "../../catalog";
import { ConfigError, validateCatalog } from "../../model";

const withEntry = (
  name: string,
  patch: Partial<CatalogEntry> | Record<string, unknown>,
): CatalogEntry[] =>
  CATALOG.map((e) => (e.name === name ? ({ ...e, ...patch } as CatalogEntry) : e));

describe("catalog validation", () => {
  it("accepts the catalog as committed", () => {
    expect(() => validateCatalog(CATALOG)).not.toThrow();
  });

  it("refuses a secret routed to mobile", () => {
    expect(() =>
      validateCatalog(withEntry("JWT_SECRET", { consumers: ["api", "mobile"] })),
    ).toThrow(
      "Invalid secret catalog:\n  - `catalog[JWT_SECRET].consumers`: a secret is routed to `mobile`; the guide forbids secrets in mobile bundles. Fix: remove `mobile` from its consumers, or make the value plain config if it is truly public.",
    );
  });

  it("refuses a duplicate variable", () => {
    expect(() => validateCatalog([...CATALOG, CATALOG[0]])).toThrow(
      'Invalid secret catalog:\n  - `catalog[OPENAI_API_KEY]`: variable "OPENAI_API_KEY" is declared twice. Fix: keep one entry per variable in catalog/index.ts.',
    );
  });

  it("refuses an unknown consumer", () => {
    expect(() => validateCatalog(withEntry("REDIS_URL", { consumers: ["api", "cron"] }))).toThrow(
      'Invalid secret catalog:\n  - `catalog[REDIS_URL].consumers`: unknown consumer "cron". Fix: use api, worker, mobile, ci.',
    );
  });

  it("refuses a rotation period over 90 days", () => {
    expect(() => validateCatalog(withEntry("REDIS_URL", { rotationDays: 120 }))).toThrow(
      "`catalog[REDIS_URL].rotationDays`: 120 is outside 1..90 days. Fix: the guide rotates at least every 90 days.",
    );
  });

  it("refuses an overlap window on a value it cannot keep (not generated)", () => {
    expect(() => validateCatalog(withEntry("OPENAI_API_KEY", { overlap: true }))).toThrow(
      "`catalog[OPENAI_API_KEY].overlap`: an overlap window needs a generated value.",
    );
  });

  it("lists every problem at once", () => {
    const bad = withEntry("REDIS_URL", { consumers: ["api", "cron", "mobile"] });
    try {
      validateCatalog(bad);
      throw new Error("expected a ConfigError");
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      expect((err as ConfigError).issues.map((i) => i.key)).toEqual([
        "catalog[REDIS_URL].consumers",
        "catalog[REDIS_URL].consumers",
      ]);
    }
  });
});

describe("issuers of external values", () => {
  it("names an issuer for every secret that may be external", () => {
    for (const e of CATALOG) {
      if (e.kind === "secret" && e.sources.includes("external")) {
        expect([e.name, e.issuer?.name.length]).toEqual([e.name, expect.any(Number)]);
      }
    }
  });

  it("refuses an external secret without one, naming the fix", () => {
    let err: unknown;
    try {
      validateCatalog(withEntry("OPENAI_API_KEY", { issuer: undefined }));
    } catch (e) {
      err = e;
    }
    expect((err as ConfigError).issues).toEqual([
      {
        key: "catalog[OPENAI_API_KEY].issuer",
        problem:
          "an external value needs its issuer: `finalize` names where the old value is revoked.",
        fix: 'add `issuer: { name: "...", console: "..." }` to the entry in catalog/index.ts.',
      },
    ]);
  });
});
