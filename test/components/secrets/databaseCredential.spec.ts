import { DatabaseCredential } from "../../../components/secrets";
import { isSecretInput, useMocks } from "../../mocks";
import { isSecret, unwrap } from "../../helpers";

const { ofType } = useMocks();

describe("DatabaseCredential", () => {
  it("sets the password on the Cloud SQL user it composes into the URL", async () => {
    const c = new DatabaseCredential("db-api", {
      project: "p-123456",
      instance: "pg",
      username: "staging_api",
      host: "10.0.0.3",
      database: "pegasus",
      keeper: "initial",
    });
    const url = await unwrap(c.url);
    expect(await isSecret(c.url)).toBe(true);
    const user = ofType("gcp:sql/user:User")[0];
    expect(isSecretInput(user.inputs.password)).toBe(true);
    const password = (user.inputs.password as { value: string }).value;
    expect(url).toBe(`postgresql://staging_api:${password}@10.0.0.3:5432/pegasus?sslmode=require`);
  });
});
