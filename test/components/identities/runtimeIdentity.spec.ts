import { RuntimeIdentity } from "../../../components/identities";
import { useMocks } from "../../mocks";
import { unwrap } from "../../helpers";

const API_SA = "serviceAccount:staging-api@pegasus-staging.iam.gserviceaccount.com";
const { ofType } = useMocks();

describe("RuntimeIdentity", () => {
  it("creates an account or references one, never both", async () => {
    const created = new RuntimeIdentity("api", {
      project: "pegasus-staging",
      accountId: "staging-api",
      displayName: "API",
    });
    expect(await unwrap(created.member)).toBe(API_SA);
    const referenced = new RuntimeIdentity("ci", {
      project: "p",
      email: "123456789@cloudbuild.gserviceaccount.com",
      displayName: "CI",
    });
    expect(await unwrap(referenced.member)).toBe(
      "serviceAccount:123456789@cloudbuild.gserviceaccount.com",
    );
    expect(ofType("gcp:serviceaccount/account:Account")).toHaveLength(1);
    expect(() => new RuntimeIdentity("x", { project: "p", displayName: "x" })).toThrow(
      "`accountId` or `email` must be set, and not both.",
    );
    expect(
      () => new RuntimeIdentity("y", { project: "p", email: "user@example.com", displayName: "y" }),
    ).toThrow(
      '`email` "user@example.com" must be a service-account email such as name@project-id.iam.gserviceaccount.com.',
    );
  });
});
