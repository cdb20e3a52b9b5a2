import { SecretAuditLogging } from "../../../components/audit";
import { useMocks } from "../../mocks";
import { unwrap } from "../../helpers";

const { ofType } = useMocks();

describe("SecretAuditLogging", () => {
  it("turns on DATA_READ, DATA_WRITE and ADMIN_READ with no exemptions", async () => {
    const a = new SecretAuditLogging("audit", { project: "p" });
    await unwrap(a.service);
    const cfg = ofType("gcp:projects/iAMAuditConfig:IAMAuditConfig");
    expect(cfg).toHaveLength(1);
    expect(cfg[0].inputs.auditLogConfigs).toEqual([
      { logType: "ADMIN_READ" },
      { logType: "DATA_READ" },
      { logType: "DATA_WRITE" },
    ]);
  });
});
