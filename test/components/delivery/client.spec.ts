/**
 * How each platform's client meets its API through the HTTP core, in-process against the fakes:
 * retry headers, 5xx and hung requests retried within bounds, a refused or missing credential named
 * by its variable, and no credential or value in any error. The HTTP core itself is tested in
 * test/lib/http.spec.ts.
 */
import { eachPlatform } from "../platforms/cases";
import { setEnv, up, value } from "../platforms/kit";

eachPlatform("the platform client", ({ c, count, opCount }) => {
  it("retries a 429, honouring the platform's retry header, then succeeds", async () => {
    const dest = c.newDest();
    c.fake.failNext({
      status: 429,
      match: c.firstRead,
      ...(c.platform === "fly" ? { headers: { "Retry-After": "1" } } : {}),
    });
    const started = Date.now();
    await up(c.provider, undefined, c.inputs(dest, { JWT_SECRET: value() }, {}));
    expect(Date.now() - started).toBeLessThan(2_000);
    const reads = c.fake.requests.filter((r) => r.operation === c.firstRead.operation);
    expect(reads.map((r) => r.status)).toEqual([429, 200]);
    expect(count(c.isValueWrite)).toBe(1);
  });

  it("retries a 500 on a write, then succeeds without writing twice", async () => {
    const dest = c.newDest();
    c.fake.failNext({ status: 500, match: c.createWrite });
    const secrets = { JWT_SECRET: value() };
    await up(c.provider, undefined, c.inputs(dest, secrets, {}));
    expect(c.platformValues(dest, undefined)).toEqual(secrets);
    const tries = c.fake.requests.filter((r) => r.fault || r.status === 200 || r.status === 201);
    expect(tries.filter((r) => c.isValueWrite(r)).map((r) => r.status)).toEqual([
      500,
      c.platform === "render" ? 201 : 200,
    ]);
  });

  it("gives up on a hung request after the timeout and retries it", async () => {
    const dest = c.newDest();
    c.fake.hangNext({ match: c.firstRead });
    const restore = setEnv({ PEGASUS_HTTP_TIMEOUT_MS: "500" });
    const started = Date.now();
    try {
      await up(c.provider, undefined, c.inputs(dest, { JWT_SECRET: value() }, {}));
    } finally {
      restore();
    }
    const elapsed = Date.now() - started;
    expect(elapsed).toBeGreaterThanOrEqual(450);
    expect(elapsed).toBeLessThan(5_000);
    expect(opCount(c.firstRead.operation!)).toBe(2);
  });

  it("stops at a refused credential with the platform's message, the variable's name and no secret", async () => {
    const dest = c.newDest();
    const wrong = `wrong${value()}`;
    const restore = setEnv({ [c.tokenEnv]: wrong });
    const secrets = { JWT_SECRET: value() };
    try {
      const err = await up(c.provider, undefined, c.inputs(dest, secrets, {})).catch(
        (e: Error) => e,
      );
      expect(err).toBeInstanceOf(Error);
      const message = (err as Error).message;
      expect(message).toMatch(c.platform === "railway" ? /Not Authorized/ : /HTTP 401/);
      expect(message).toContain(c.tokenEnv);
      expect(message).not.toContain(wrong);
      expect(message).not.toContain(secrets.JWT_SECRET);
      expect(count(c.isWrite)).toBe(0);
    } finally {
      restore();
    }
  });

  it("names the missing credential variable and makes no request", async () => {
    const restore = setEnv({ [c.tokenEnv]: undefined });
    try {
      await expect(
        up(c.provider, undefined, c.inputs(c.newDest(), { JWT_SECRET: value() }, {})),
      ).rejects.toThrow(new RegExp(`^${c.tokenEnv} is not set\\.`));
      expect(c.fake.requests).toHaveLength(0);
    } finally {
      restore();
    }
  });

  it("keeps a value the platform echoes in an error out of the message", async () => {
    const dest = c.newDest();
    const secrets = { JWT_SECRET: value() };
    const body =
      c.platform === "render"
        ? { id: "bad_request", message: `invalid value ${secrets.JWT_SECRET}` }
        : c.platform === "fly"
          ? { error: `invalid value ${secrets.JWT_SECRET}` }
          : { errors: [{ message: `invalid value ${secrets.JWT_SECRET}` }] };
    c.fake.failNext({ status: 400, match: c.createWrite, body });
    const err = await up(c.provider, undefined, c.inputs(dest, secrets, {})).catch((e: Error) => e);
    expect((err as Error).message).toContain("invalid value [secret]");
    expect((err as Error).message).not.toContain(secrets.JWT_SECRET);
  });
});
