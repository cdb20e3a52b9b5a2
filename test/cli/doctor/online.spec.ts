// `doctor --online`: one read-only call per platform token against the local fake Render and Fly.io
// servers (loopback), `pulumi whoami` for the backend; failures fail closed. And what doctor knows
// of the platforms matches the adapters. What this does not prove: the real platforms' answers.
import { randomBytes } from "crypto";
import * as fs from "fs";
import * as path from "path";
import { FakeFly, FakeRender } from "@pegasus-secrets/platform-fakes";
import { Check, runDoctor } from "../../../cli/doctor";
import { PLATFORM_TOKENS } from "../../../cli/shared/platformTokens";
import { PROJECT_DIR } from "../../helpers";
import { ready, World } from "./world";

const byName = (checks: Check[], name: string) => checks.find((c) => c.name === name);

describe("doctor --online", () => {
  let w: World;
  let renderApi: FakeRender;
  let flyApi: FakeFly;
  beforeEach(async () => {
    w = ready(["staging"]);
    renderApi = new FakeRender({ token: w.env.RENDER_API_KEY });
    flyApi = new FakeFly({ token: w.env.FLY_API_TOKEN });
    w.env.RENDER_API_URL = await renderApi.start();
    w.env.FLY_API_URL = await flyApi.start();
    const yaml = fs.readFileSync(w.stackFile("staging"), "utf8");
    renderApi.addOwner(/ownerId: (\S+)/.exec(yaml)![1]);
    for (const app of ["pegasus-staging-api", "pegasus-staging-worker"]) flyApi.addApp(app);
  });
  afterEach(async () => {
    await renderApi.stop();
    await flyApi.stop();
    w.cleanup();
  });

  const online = async () => {
    const checks = await runDoctor(w.input("staging", true));
    return checks.filter((c) => c.name.endsWith(" online") || c.name === "backend");
  };

  it("asks the backend and each platform once, read-only, and every token is accepted", async () => {
    expect(await online()).toEqual([
      { name: "backend", status: "ok", detail: "gs://pegasus-state, logged in as alice." },
      expect.objectContaining({ name: "RENDER_API_KEY online", status: "ok" }),
      {
        name: "FLY_API_TOKEN online",
        status: "ok",
        detail: "accepted by Fly.io (app pegasus-staging-api) (not shown).",
      },
      {
        name: "FLY_API_TOKEN online",
        status: "ok",
        detail: "accepted by Fly.io (app pegasus-staging-worker) (not shown).",
      },
      {
        name: "RAILWAY_API_TOKEN online",
        status: "skip",
        detail:
          "not asked: Railway has no read-only call that proves a token without returning variable values; the first pulumi up does.",
      },
    ]);
    expect(w.pulumiCalls()).toEqual(["version", "whoami --json"]);
    for (const api of [renderApi, flyApi]) {
      expect(api.requests.map((r) => r.method)).toEqual(
        api === renderApi ? ["GET"] : ["GET", "GET"],
      );
      expect(api.violations).toEqual([]);
    }
  });

  it("fails on a rejected token, an app it cannot see and a backend that refuses the login", async () => {
    w.env.RENDER_API_KEY = `tok${w.secrets.length}x`;
    flyApi.removeApp("pegasus-staging-worker");
    w.fakePulumi({ whoami: false });
    const checks = await online();
    expect(checks.filter((c) => c.status === "FAIL")).toEqual([
      {
        name: "backend",
        status: "FAIL",
        detail:
          "gs://pegasus-state does not accept the login (pulumi whoami: error: could not get user: 401 Unauthorized).",
        fix: "pulumi login gs://<state-bucket> (README, 'First deploy: checklist', step 3)",
      },
      expect.objectContaining({
        name: "RENDER_API_KEY online",
        detail: expect.stringMatching(/^rejected by Render \(workspace \S+\) \(HTTP 401\)\.$/),
      }),
      {
        name: "FLY_API_TOKEN online",
        status: "FAIL",
        detail: "accepted, but it cannot see Fly.io (app pegasus-staging-worker) (HTTP 404).",
        fix: "create a token that covers the app: fly tokens create deploy -a pegasus-staging-worker (docs/platforms.md)",
      },
    ]);
  });

  it("fails closed when a platform does not answer", async () => {
    await flyApi.stop();
    const fly = (await online()).filter((c) => c.name === "FLY_API_TOKEN online");
    expect(fly.map((c) => [c.status, c.detail.replace(/\([^()]*\)\.$/, "(...).")])).toEqual([
      ["FAIL", "could not ask Fly.io (app pegasus-staging-api) (...)."],
      ["FAIL", "could not ask Fly.io (app pegasus-staging-worker) (...)."],
    ]);
  });
});

describe("what doctor knows of the platforms", () => {
  it("names the tokens the platform adapters read (components/platforms/)", () => {
    for (const [target, { env }] of Object.entries(PLATFORM_TOKENS)) {
      const source = fs.readFileSync(
        path.join(PROJECT_DIR, "components", "platforms", `${target}Adapter.ts`),
        "utf8",
      );
      expect(source).toMatch(new RegExp(`credential\\(\\s*"${env}"`));
    }
  });

  it("sends a Fly macaroon with the FlyV1 scheme, which the fake Fly accepts", async () => {
    const token = `fm2_${randomBytes(16).toString("hex")}`;
    const fly = new FakeFly({ token });
    const url = await fly.start();
    try {
      fly.addApp("pegasus-staging-api");
      const w = ready(["staging"]);
      try {
        w.env.FLY_API_TOKEN = token;
        w.env.FLY_API_URL = url;
        delete w.env.RENDER_API_KEY;
        const checks = await runDoctor(w.input("staging", true));
        expect(byName(checks, "FLY_API_TOKEN online")).toEqual({
          name: "FLY_API_TOKEN online",
          status: "ok",
          detail: "accepted by Fly.io (app pegasus-staging-api) (not shown).",
        });
        expect(fly.requests[0].headers.authorization).toBe("FlyV1");
      } finally {
        w.cleanup();
      }
    } finally {
      await fly.stop();
    }
  });
});
