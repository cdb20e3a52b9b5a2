import { execFileSync, spawnSync } from "child_process";
import { createHash, generateKeyPairSync } from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import YAML from "yaml";
import { CONFIG_KEYS, possibleExternalKeys } from "../../model";
import { PROJECT_DIR } from "../helpers";

const git = (...args: string[]) =>
  execFileSync("git", args, { cwd: PROJECT_DIR, encoding: "utf8" });
const inGit =
  spawnSync("git", ["rev-parse", "--is-inside-work-tree"], { cwd: PROJECT_DIR }).status === 0;

describe("no committed secrets", () => {
  (inGit ? it : it.skip)("tracks no .env file and ignores .env", () => {
    const tracked = git("ls-files")
      .split("\n")
      .filter((f) => /(^|\/)\.env(\..*)?$/.test(f) && !f.endsWith(".env.example"));
    expect(tracked).toEqual([]);
    expect(spawnSync("git", ["check-ignore", "-q", ".env"], { cwd: PROJECT_DIR }).status).toBe(0);
    expect(
      spawnSync("git", ["check-ignore", "-q", "services/api/.env.local"], { cwd: PROJECT_DIR })
        .status,
    ).toBe(0);
    expect(
      spawnSync("git", ["check-ignore", "-q", ".env.example"], { cwd: PROJECT_DIR }).status,
    ).toBe(1);
  });

  it("runs secretlint with the recommended preset through npm run scan: it catches a planted credential, masked, without colour codes in a pipe", () => {
    expect(
      JSON.parse(fs.readFileSync(path.join(PROJECT_DIR, ".secretlintrc.json"), "utf8")).rules,
    ).toEqual([{ id: "@secretlint/secretlint-rule-preset-recommend" }]);
    const scripts = JSON.parse(fs.readFileSync(path.join(PROJECT_DIR, "package.json"), "utf8"))
      .scripts as Record<string, string>;
    // The scan, the type-check and the suite run side by side (tsc keeps one core, Jest takes the
    // rest); each reports, and npm test fails when any of them fails.
    const [runner, ...args] = scripts.test.split(" ");
    expect(runner).toBe("run-p");
    expect(args.filter((a) => !a.startsWith("--")).sort()).toEqual(["build", "jest", "scan"]);
    expect(args).toContain("--continue-on-error");
    expect(scripts.jest).toBe("jest");
    expect(scripts.build).toBe("tsc -b tsconfig.check.json");
    // The check's configuration is tsconfig.json's, emitting nothing, plus roots that tsc -b would
    // not otherwise watch: it skips a check when no root changed, and neither the declaration files
    // of node_modules nor the package.json files (module format, workspace entry points) are roots.
    // Its comment lines, then JSON.
    const check = JSON.parse(
      fs
        .readFileSync(path.join(PROJECT_DIR, "tsconfig.check.json"), "utf8")
        .replace(/^\/\/.*$/gm, ""),
    );
    expect(check).toMatchObject({
      extends: "./tsconfig.json",
      compilerOptions: { noEmit: true, incremental: true },
    });
    const packageFiles = fs
      .readdirSync(path.join(PROJECT_DIR, "packages"))
      .map((p) => `packages/${p}/package.json`)
      .filter((f) => fs.existsSync(path.join(PROJECT_DIR, f)));
    expect(packageFiles.length).toBeGreaterThan(0);
    expect([...check.files].sort()).toEqual(
      ["package-lock.json", "package.json", ...packageFiles].sort(),
    );
    expect(check.include).toBeUndefined();
    expect(scripts.scan).toBe("node scripts/scan.js");
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pegasus-scan-"));
    try {
      // A real private key, generated now, so no credential literal exists in the repository.
      const { privateKey } = generateKeyPairSync("rsa", {
        modulusLength: 1024,
        privateKeyEncoding: { type: "pkcs8", format: "pem" },
        publicKeyEncoding: { type: "spki", format: "pem" },
      });
      fs.writeFileSync(path.join(dir, "deploy-key.pem"), privateKey);
      const body = privateKey.split("\n")[1];
      const env = { ...process.env };
      delete env.NO_COLOR;
      delete env.FORCE_COLOR;
      const r = spawnSync(
        process.execPath,
        [path.join(PROJECT_DIR, "scripts", "scan.js"), path.join(dir, "deploy-key.pem")],
        { cwd: PROJECT_DIR, encoding: "utf8", env },
      );
      expect(r.status).toBe(1);
      expect(r.stdout + r.stderr).toContain("[PrivateKey] found private key");
      expect(r.stdout + r.stderr).not.toContain(body);
      expect(r.stdout + r.stderr).not.toContain("\u001b[");
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 20000);
});

describe("project files", () => {
  const project = YAML.parse(fs.readFileSync(path.join(PROJECT_DIR, "Pulumi.yaml"), "utf8"));

  it("declares project pegasus-secrets on the nodejs runtime", () => {
    expect(project.name).toBe("pegasus-secrets");
    expect(project.runtime.name).toBe("nodejs");
  });

  it("types every scalar program key and every external secret, each with a description", () => {
    const declared = project.config as Record<
      string,
      { type: string; description?: string; secret?: boolean; items?: unknown }
    >;
    for (const [key, decl] of Object.entries(declared)) {
      expect(["string", "integer", "boolean", "array"]).toContain(decl.type);
      if (decl.type === "array") expect(decl.items).toBeDefined();
      expect(decl.description?.length ?? 0).toBeGreaterThan(10);
      expect(key.startsWith("pegasus-secrets:")).toBe(true);
    }
    for (const [key, spec] of Object.entries(CONFIG_KEYS)) {
      if (spec.type !== "object") expect(declared[`pegasus-secrets:${key}`]?.type).toBe(spec.type);
    }
    for (const key of possibleExternalKeys())
      expect(declared[`pegasus-secrets:${key}`]).toMatchObject({ type: "string", secret: true });
  });

  it("documents every map-valued key in Pulumi.yaml", () => {
    const text = fs.readFileSync(path.join(PROJECT_DIR, "Pulumi.yaml"), "utf8");
    for (const [key, spec] of Object.entries(CONFIG_KEYS)) {
      if (spec.type === "object") expect(text).toContain(`pegasus-secrets:${key} `);
    }
  });

  it("pins every dependency to an exact version", () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(PROJECT_DIR, "package.json"), "utf8"));
    for (const deps of [pkg.dependencies, pkg.devDependencies]) {
      for (const [name, version] of Object.entries<string>(deps))
        expect(`${name}@${version}`).toMatch(/@\d+\.\d+\.\d+$/);
    }
    expect(fs.existsSync(path.join(PROJECT_DIR, "package-lock.json"))).toBe(true);
  });

  // The platform contracts are copies of files in public repositories (specs/SOURCES.md): each is
  // still the blob SOURCES.md records, and every file of specs/ is listed there.
  it("keeps specs/ as specs/SOURCES.md records it", () => {
    const sources = fs.readFileSync(path.join(PROJECT_DIR, "specs", "SOURCES.md"), "utf8");
    const blob = (f: string) => {
      const data = fs.readFileSync(path.join(PROJECT_DIR, "specs", f));
      return createHash("sha1")
        .update(Buffer.concat([Buffer.from(`blob ${data.length}\0`), data]))
        .digest("hex");
    };
    const recorded = [...sources.matchAll(/([\w.-]+\.(?:json|graphql))\s+`([0-9a-f]{40})`/g)];
    expect(recorded.length).toBeGreaterThanOrEqual(4);
    for (const [, file, id] of recorded) expect(`${file} ${blob(file)}`).toBe(`${file} ${id}`);
    const walk = (d: string): string[] =>
      fs
        .readdirSync(path.join(PROJECT_DIR, "specs", d), { withFileTypes: true })
        .flatMap((e) => (e.isDirectory() ? walk(path.join(d, e.name)) : [path.join(d, e.name)]));
    for (const f of walk("").filter((f) => !f.endsWith(".md"))) {
      expect(sources).toContain(`\`${f}\``);
    }
  });
});

describe("platform credential shapes the recommended preset does not know", () => {
  // Render, Fly and OpenAI token shapes and URLs with an inline password: the platforms this project feeds.
  const SHAPES: [string, RegExp][] = [
    ["OpenAI key", /(?<![A-Za-z0-9])sk-(proj-)?[A-Za-z0-9]{20,}/], // not a Render disk ID (dsk-...)
    ["Render API key", /rnd_[A-Za-z0-9]{20,}/],
    ["Fly token", /(FlyV1 |fo1_|fm2_)[A-Za-z0-9_+/=-]{20,}/],
    [
      "URL with an inline password",
      /(postgres(ql)?|redis|rediss):\/\/[^:@/\s]+:[^@/\s${}<[\]]{6,}@/,
    ],
    ["private key", /-----BEGIN [A-Z ]*PRIVATE KEY-----/],
  ];
  (inGit ? it : it.skip)("appear in no tracked file", () => {
    const files = git("ls-files")
      .split("\n")
      .filter((f) => f && f !== "package-lock.json" && fs.existsSync(path.join(PROJECT_DIR, f)));
    const hits: string[] = [];
    for (const f of files) {
      const text = fs.readFileSync(path.join(PROJECT_DIR, f), "utf8");
      for (const [what, re] of SHAPES) if (re.test(text)) hits.push(`${f}: ${what}`);
    }
    expect(hits).toEqual([]);
  });
});

describe("README", () => {
  const readme = fs.readFileSync(path.join(PROJECT_DIR, "README.md"), "utf8");
  const section = (title: string) => {
    const start = readme.indexOf(`\n${title}\n`);
    expect(start).toBeGreaterThan(-1);
    const next = readme.slice(start + title.length + 2).search(/\n#{2,3} /);
    return readme.slice(start, next === -1 ? undefined : start + title.length + 2 + next);
  };
  it("opens with the two set-up commands, plan of staging and the tests", () => {
    const block = section("## Set up (fresh clone)");
    expect(block).toContain("npm ci && npx pegasus-secrets plan --stack staging");
    expect(block).toContain("npm ci && npm test");
    expect(fs.readFileSync(path.join(PROJECT_DIR, ".ci/run"), "utf8")).toMatch(
      /npm ci[^\n]*\nnpm test\n/,
    );
  });
  it("documents the exit codes once: 0 ok, 1 a check failed, 2 bad input or usage", () => {
    expect(readme.split("### Exit codes").length).toBe(2);
    const block = section("### Exit codes");
    for (const [code, meaning] of [
      ["0", "did what was asked"],
      ["1", "a check failed"],
      ["2", "for bad input\nor usage"],
    ])
      expect(block).toContain(
        `**${code}** ${code === "0" ? "when it " : code === "1" ? "when " : ""}${meaning}`,
      );
  });
  it("has a first-deploy checklist that starts with doctor", () => {
    const block = section("## First deploy: checklist");
    const firstCommand = /```sh\n([^\n]*)/.exec(block)?.[1];
    expect(firstCommand).toMatch(/^npx pegasus-secrets doctor --stack staging /);
  });
  it("documents every config key in its reference table", () => {
    for (const key of Object.keys(CONFIG_KEYS)) expect(readme).toContain(`\`${key}\``);
    for (const key of possibleExternalKeys()) expect(readme).toContain(`\`${key}\``);
  });
});
