import { GeneratedSecret } from "../../../components/secrets";
import { shortHash } from "../../../model/naming";
import { useMocks } from "../../mocks";
import { isSecret } from "../../helpers";

const { ofType } = useMocks();

describe("GeneratedSecret", () => {
  it("uses RandomPassword keyed by the keeper, and its value is secret", async () => {
    const g = new GeneratedSecret("jwt-value", { keeper: "initial", length: 64 });
    expect(await isSecret(g.value)).toBe(true);
    const pw = ofType("random:index/randomPassword:RandomPassword");
    expect(pw.map((p) => [p.name, p.inputs.length, p.inputs.keepers])).toEqual([
      [`jwt-value-${shortHash("initial")}`, 64, { generation: "initial" }],
    ]);
    expect(ofType("random:index/randomString:RandomString")).toEqual([]);
  });

  it("refuses a short length", () => {
    expect(() => new GeneratedSecret("short", { keeper: "k", length: 8 })).toThrow(
      "`length` 8 must be a whole number from 24 to 256.",
    );
  });
});
