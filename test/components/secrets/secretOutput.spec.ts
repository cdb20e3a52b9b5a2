import { randomBytes } from "crypto";
import * as pulumi from "@pulumi/pulumi";
import { secretOutput } from "../../../components/secrets";
import { isSecret, unwrap } from "../../helpers";
import { useMocks } from "../../mocks";

useMocks();
const value = () => `v${randomBytes(12).toString("hex")}`;

describe("secretOutput", () => {
  it("marks a plain value and an Output from elsewhere as secret, keeping the value", async () => {
    const plain = value();
    const fromConfig = value();
    for (const [input, expected] of [
      [plain, plain],
      [pulumi.output(fromConfig), fromConfig],
    ] as const) {
      const out = secretOutput(input);
      expect(await isSecret(out)).toBe(true);
      expect(await unwrap(out)).toBe(expected);
    }
  });

  it("passes on an Output it already marked as it is, and marks another one anew", async () => {
    const marked = secretOutput(value());
    expect(secretOutput(marked)).toBe(marked);
    const unmarked = pulumi.output(value());
    const out = secretOutput(unmarked);
    expect(out).not.toBe(unmarked);
    expect(await isSecret(out)).toBe(true);
    // A plain Output is never mistaken for a marked one, even one with the same value.
    expect(await isSecret(unmarked)).toBe(false);
  });
});
