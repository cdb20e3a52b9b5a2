import { DatabaseCredential } from "../../../components/secrets";
import { databaseUsers } from "../../../model";
import { isSecretInput, useMocks } from "../../mocks";
import { isSecret, settle, unwrap } from "../../helpers";

const { ofType } = useMocks();

const credential = (name: string, previousKeeper?: string, active: "a" | "b" = "b") =>
  new DatabaseCredential(name, {
    project: "p-123456",
    instance: "pg",
    users: databaseUsers("staging", "api", active, "2026-11-30.1", previousKeeper),
    host: "10.0.0.3",
    database: "pegasus",
  });

/** The users as declared: name -> password input (the mock's generated value). */
const users = () =>
  new Map(
    ofType("gcp:sql/user:User").map((u) => {
      expect(isSecretInput(u.inputs.password)).toBe(true);
      return [u.inputs.name as string, (u.inputs.password as { value: string }).value];
    }),
  );

describe("DatabaseCredential", () => {
  it("points the URL at the current user and keeps the previous user's password while a rotation is open", async () => {
    const c = credential("db-api", "initial");
    const [url, previous] = await Promise.all([unwrap(c.url), unwrap(c.previousUrl!)]);
    await settle();
    const u = users();
    expect([...u.keys()]).toEqual(["staging_api_a", "staging_api_b"]);
    expect(url).toBe(
      `postgresql://staging_api_b:${u.get("staging_api_b")}@10.0.0.3:5432/pegasus?sslmode=require`,
    );
    expect(previous).toBe(
      `postgresql://staging_api_a:${u.get("staging_api_a")}@10.0.0.3:5432/pegasus?sslmode=require`,
    );
    expect(await isSecret(c.url)).toBe(true);
    expect(await isSecret(c.previousUrl!)).toBe(true);
  });

  it("after finalize gives the previous user a password generation nobody received", async () => {
    const generations = async (c: DatabaseCredential, name: string) => {
      await unwrap(c.url);
      await settle();
      return Object.fromEntries(
        ofType("random:index/randomPassword:RandomPassword")
          .filter((p) => p.name.startsWith(`${name}-`))
          .map((p) => [
            p.name.slice(name.length + 1, name.length + 2),
            p.inputs.keepers.generation,
          ]),
      );
    };
    const open = await generations(credential("db-open", "initial"), "db-open");
    const closed = await generations(credential("db-closed"), "db-closed");
    expect(open).toEqual({ a: "initial", b: "2026-11-30.1" });
    // The live user keeps its generation; the retired one gets a new one, delivered nowhere.
    expect(closed.b).toBe(open.b);
    expect([open.a, open.b]).not.toContain(closed.a);
    expect(closed.a).toMatch(/^idle\./);
  });

  it("refuses a user list without exactly one current user", () => {
    const [a, b] = databaseUsers("staging", "api", "a", "k1", "k0");
    expect(
      () =>
        new DatabaseCredential("bad", {
          project: "p",
          instance: "pg",
          users: [a, { ...b, role: "current" }],
          host: "h",
          database: "d",
        }),
    ).toThrow("`users` must hold exactly one current user and at most one previous one.");
  });
});
