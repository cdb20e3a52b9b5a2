import { EmergencyAccess } from "../../../components/secrets";
import { EmergencyGrant } from "../../../model";
import { useMocks } from "../../mocks";
import { settle, unwrap } from "../../helpers";

const { ofType } = useMocks();

const grant = (member = "user:alice@example.com"): EmergencyGrant => ({
  variable: "JWT_SECRET",
  secretId: "staging-jwt-secret",
  member,
  incident: "INC-7",
  operator: "bob",
  grantedAt: "2026-11-30T08:00:00Z",
  expiresAt: "2026-11-30T12:00:00Z",
  condition: {
    title: "break-glass INC-7",
    description: "d",
    expression: 'request.time < timestamp("2026-11-30T12:00:00Z")',
  },
});

describe("EmergencyAccess", () => {
  it("is a separate conditional binding of one person on one secret, ending at its expiry", async () => {
    const e = new EmergencyAccess("jwt-secret-emergency", {
      project: "p-123456",
      secretId: "staging-jwt-secret",
      grant: grant(),
    });
    expect(await unwrap(e.expiresAt)).toBe("2026-11-30T12:00:00Z");
    await settle();
    const [b] = ofType("gcp:secretmanager/secretIamBinding:SecretIamBinding");
    expect([b.inputs.secretId, b.inputs.role, b.inputs.members, b.inputs.condition]).toEqual([
      "staging-jwt-secret",
      "roles/secretmanager.secretAccessor",
      ["user:alice@example.com"],
      grant().condition,
    ]);
  });

  it("refuses anyone but one person", () => {
    expect(
      () =>
        new EmergencyAccess("x", {
          project: "p",
          secretId: "s",
          grant: grant("group:ops@example.com"),
        }),
    ).toThrow('`grant.member` "group:ops@example.com" must be one person: user:<email>.');
  });
});
