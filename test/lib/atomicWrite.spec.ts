// The one writer every command uses for whole files: readers see the old file or the new one, the
// mode is exact from the first byte, an exclusive write never replaces a file, and a failure leaves
// the target as it was with no temporary file behind.
import { randomBytes } from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { writeFileAtomic } from "../../lib/atomicWrite";

describe("writeFileAtomic", () => {
  let dir: string;
  const text = () => `${randomBytes(8).toString("hex")}\n`;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "pegasus-atomic-"));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it.each([
    ["0600", 0o600],
    ["0644", 0o644],
  ])("creates and replaces a file with exactly mode %s", (_, mode) => {
    const file = path.join(dir, "f");
    const [a, b] = [text(), text()];
    fs.writeFileSync(file, "old", { mode: 0o666 });
    fs.chmodSync(file, 0o666);
    writeFileAtomic(file, a, { mode });
    expect([fs.readFileSync(file, "utf8"), fs.statSync(file).mode & 0o777]).toEqual([a, mode]);
    writeFileAtomic(file, b, { mode });
    expect([fs.readFileSync(file, "utf8"), fs.statSync(file).mode & 0o777]).toEqual([b, mode]);
    expect(fs.readdirSync(dir)).toEqual(["f"]);
  });

  it("replaces the file rather than writing through it: a reader holding the old one keeps it", () => {
    const file = path.join(dir, "f");
    const [a, b] = [text(), text()];
    writeFileAtomic(file, a);
    const held = fs.openSync(file, "r");
    try {
      writeFileAtomic(file, b);
      expect(fs.readFileSync(held, "utf8")).toBe(a);
      expect(fs.readFileSync(file, "utf8")).toBe(b);
    } finally {
      fs.closeSync(held);
    }
  });

  it("exclusive: writes a new file, refuses an existing one and leaves it as it was", () => {
    const file = path.join(dir, "record.md");
    const [a, b] = [text(), text()];
    writeFileAtomic(file, a, { exclusive: true });
    expect(() => writeFileAtomic(file, b, { exclusive: true })).toThrow(/EEXIST/);
    expect(fs.readFileSync(file, "utf8")).toBe(a);
    expect(fs.readdirSync(dir)).toEqual(["record.md"]);
  });

  it("a failure leaves no temporary file and the target untouched", () => {
    const target = path.join(dir, "sub");
    fs.mkdirSync(target);
    // Renaming a file over a directory fails after the temporary file is written.
    expect(() => writeFileAtomic(target, text())).toThrow();
    expect(fs.readdirSync(dir)).toEqual(["sub"]);
    expect(fs.readdirSync(target)).toEqual([]);
  });
});
