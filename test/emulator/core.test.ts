import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startFixture, type EmulatorFixture } from "./emulator-support";

let fx: EmulatorFixture;
beforeAll(async () => {
  fx = await startFixture();
});
afterAll(() => fx.close());
afterEach(async () => {
  await fx.control("POST", "/reset");
});

describe("authentication", () => {
  it("accepts Bearer and FlyV1 tokens", async () => {
    const bearer = await fx.api("GET", "/v1/apps?org_slug=personal");
    const flyv1 = await fx.api("GET", "/v1/apps?org_slug=personal", undefined, { scheme: "FlyV1" });
    expect(bearer.status).toBe(200);
    expect(flyv1.status).toBe(200);
  });

  it.each([
    ["a missing token", null],
    ["a wrong token", "not-the-token"],
  ])("answers 401 with Fly's error body for %s", async (_case, token) => {
    const res = await fx.api("GET", "/v1/apps?org_slug=personal", undefined, { token });
    expect(res.status).toBe(401);
    expect(res.body).toEqual({ error: "Authenticate: token validation error" });
  });

  it("sends a fly-request-id on every response, errors included", async () => {
    const ok = await fx.api("GET", "/v1/apps?org_slug=personal");
    const denied = await fx.api("GET", "/v1/apps?org_slug=personal", undefined, { token: null });
    const missing = await fx.api("GET", "/v1/nothing-here");
    for (const res of [ok, denied, missing]) {
      expect(res.headers["fly-request-id"]).toMatch(/^[0-9A-HJKMNP-TV-Z]{26}-iad$/);
    }
    expect(ok.headers["fly-request-id"]).not.toBe(denied.headers["fly-request-id"]);
  });
});

describe("error bodies", () => {
  it("answers malformed JSON with 400 and the Go decoder's wording", async () => {
    const res = await fx.api("POST", "/v1/apps", undefined, { rawBody: "{nope" });
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ error: "invalid character 'n' looking for beginning of value" });
  });

  it("answers a JSON array where an object belongs with 400", async () => {
    const res = await fx.api("POST", "/v1/apps", undefined, { rawBody: "[1]" });
    expect(res.status).toBe(400);
    expect(res.body).toEqual({
      error: "json: cannot unmarshal array into Go value of type main.CreateAppRequest",
    });
  });

  it("answers unknown paths with 404 and wrong methods with 405, always as JSON", async () => {
    expect(await fx.api("GET", "/v1/nothing-here")).toMatchObject({
      status: 404,
      body: { error: "not found" },
    });
    expect(await fx.api("PATCH", "/v1/apps")).toMatchObject({
      status: 405,
      body: { error: "method not allowed" },
    });
  });
});

describe("apps", () => {
  it("creates an app from `name` or `app_name` and answers 201 with the App object", async () => {
    const a = await fx.api("POST", "/v1/apps", { name: "gw-one", org_slug: "acme", extra: 1 });
    const b = await fx.api("POST", "/v1/apps", { app_name: "gw-two", org_slug: "acme" });
    expect(a.status).toBe(201);
    expect(b.status).toBe(201);
    expect(a.body).toMatchObject({
      name: "gw-one",
      status: "pending",
      organization: { slug: "acme" },
      machine_count: 0,
      volume_count: 0,
      network: "default",
    });
    expect(a.body.id).toMatch(/^[a-z0-9]{16}$/);
    expect((await fx.api("GET", "/v1/apps/gw-two")).body.name).toBe("gw-two");
  });

  it("refuses a taken name with 422 name_taken", async () => {
    await fx.api("POST", "/v1/apps", { name: "gw-taken", org_slug: "acme" });
    const again = await fx.api("POST", "/v1/apps", { name: "gw-taken", org_slug: "other" });
    expect(again.status).toBe(422);
    expect(again.body).toEqual({
      error: "Validation failed: Name has already been taken",
      status: "name_taken",
    });
  });

  it.each(["Upper", "under_score", "", "a".repeat(64)])(
    "refuses the name %j with 422",
    async (name) => {
      const res = await fx.api("POST", "/v1/apps", { name, org_slug: "acme" });
      expect(res.status).toBe(422);
      expect(res.body.error).toMatch(/^Validation failed: Name may only contain/);
    },
  );

  it("lists apps by org and requires org_slug", async () => {
    await fx.api("POST", "/v1/apps", { name: "in-acme", org_slug: "acme" });
    await fx.api("POST", "/v1/apps", { name: "in-other", org_slug: "other" });
    const list = await fx.api("GET", "/v1/apps?org_slug=acme");
    expect(list.body.total_apps).toBe(1);
    expect(list.body.apps.map((a: { name: string }) => a.name)).toEqual(["in-acme"]);
    expect(await fx.api("GET", "/v1/apps")).toMatchObject({
      status: 400,
      body: { error: "org_slug is required" },
    });
  });

  it("deletes an app with 202 and then answers 404 app not found", async () => {
    await fx.api("POST", "/v1/apps", { name: "gw-gone", org_slug: "acme" });
    const del = await fx.api("DELETE", "/v1/apps/gw-gone");
    expect(del.status).toBe(202);
    expect(del.body).toBeUndefined();
    expect(await fx.api("GET", "/v1/apps/gw-gone")).toMatchObject({
      status: 404,
      body: { error: "app not found" },
    });
  });
});

describe("control surface", () => {
  it("logs API requests with counts per route, and not its own calls", async () => {
    await fx.api("POST", "/v1/apps", { name: "logged", org_slug: "acme" });
    await fx.api("GET", "/v1/apps/logged");
    await fx.api("GET", "/v1/apps/logged");
    await fx.control("GET", "/state");
    const log = await fx.control("GET", "/requests");
    expect(log.body.total).toBe(3);
    expect(log.body.counts).toEqual({ "POST /v1/apps": 1, "GET /v1/apps/{app_name}": 2 });
    expect(log.body.entries.map((e: { status: number }) => e.status)).toEqual([201, 200, 200]);
  });

  it("exposes the world as JSON and resets it", async () => {
    await fx.api("POST", "/v1/apps", { name: "stateful", org_slug: "acme" });
    const state = await fx.control("GET", "/state");
    expect(Object.keys(state.body.apps)).toEqual(["stateful"]);
    expect(state.body.secrets).toEqual({ stateful: { version: 0, secrets: {} } });
    await fx.control("POST", "/reset");
    expect((await fx.control("GET", "/state")).body.apps).toEqual({});
  });

  it("rejects a fault with an unknown kind, naming the field", async () => {
    const res = await fx.control("POST", "/faults", { kind: "gremlins" });
    expect(res.status).toBe(400);
    expect(res.body.error).toMatch(/^fault\.kind must be one of 429, 500, /);
  });
});

describe("transport faults", () => {
  it("answers the next N matching requests with the injected status, then recovers", async () => {
    await fx.control("POST", "/faults", { kind: "503", route: "GET /v1/apps/:app", count: 2 });
    await fx.api("POST", "/v1/apps", { name: "flaky", org_slug: "acme" });
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await fx.api("GET", "/v1/apps/flaky")).status);
    expect(statuses).toEqual([503, 503, 200]);
  });

  it("injects 429 with a Retry-After header", async () => {
    await fx.control("POST", "/faults", { kind: "429", route: "GET /v1/apps/*" });
    const res = await fx.api("GET", "/v1/apps/anything");
    expect(res.status).toBe(429);
    expect(res.headers["retry-after"]).toBe("1");
    expect(res.body).toEqual({ error: "rate limit exceeded" });
  });

  it("commits a create, then answers 408: the ambiguous timeout", async () => {
    await fx.control("POST", "/faults", { kind: "timeout_after_commit", route: "POST /v1/apps" });
    const res = await fx.api("POST", "/v1/apps", { name: "maybe-made", org_slug: "acme" });
    expect(res.status).toBe(408);
    expect((await fx.api("GET", "/v1/apps/maybe-made")).status).toBe(200);
  });

  it("resets the connection without answering", async () => {
    await fx.control("POST", "/faults", { kind: "reset", route: "GET /v1/apps/*" });
    await expect(fx.api("GET", "/v1/apps/x")).rejects.toMatchObject({ code: "UND_ERR_SOCKET" });
    expect((await fx.control("GET", "/requests")).body.entries[0]).toMatchObject({
      status: 0,
      fault: "reset",
    });
  });

  it("delays a matching request by delay_ms", async () => {
    await fx.control("POST", "/faults", { kind: "delay", route: "GET /v1/apps/*", delay_ms: 80 });
    const started = Date.now();
    await fx.api("GET", "/v1/apps/x");
    expect(Date.now() - started).toBeGreaterThanOrEqual(75);
  });
});

describe("rate limits", () => {
  it("allows a burst of 3 per action and scope, then answers 429 with Retry-After", async () => {
    const limited = await startFixture({ rateLimit: true });
    try {
      await limited.api("POST", "/v1/apps", { name: "rl-app", org_slug: "acme" });
      const statuses = [];
      for (let i = 0; i < 4; i++)
        statuses.push((await limited.api("GET", "/v1/apps/rl-app")).status);
      expect(statuses).toEqual([200, 200, 200, 429]);
      const other = await limited.api("GET", "/v1/apps/another-app");
      expect(other.status).toBe(404); // another scope has its own bucket
      const denied = await limited.api("GET", "/v1/apps/rl-app");
      expect(denied.headers["retry-after"]).toBe("1");
      // Tokens refill on the emulator's clock at 1/s: after half a second there is half a token,
      // after a whole second a full one.
      const advance = (ms: number) => limited.control("POST", "/clock", { advance_ms: ms });
      await advance(500);
      expect((await limited.api("GET", "/v1/apps/rl-app")).status).toBe(429);
      await advance(500);
      expect((await limited.api("GET", "/v1/apps/rl-app")).status).toBe(200);
    } finally {
      await limited.close();
    }
  });

  it("logs the tokens each limited request found in its bucket, and none for unlimited routes", async () => {
    const limited = await startFixture({ rateLimit: true });
    try {
      await limited.api("POST", "/v1/apps", { name: "rl-tokens", org_slug: "acme" });
      for (let i = 0; i < 4; i++) await limited.api("GET", "/v1/apps/rl-tokens");
      const log = (await limited.control("GET", "/requests")).body.entries as Array<{
        method: string;
        status: number;
        rate_tokens?: number;
      }>;
      const reads = log.filter((entry) => entry.method === "GET");
      expect(reads).toHaveLength(4);
      // A new bucket is full; after that the count depends on the clock, but never on luck:
      // a request is refused exactly when its bucket held less than one token.
      expect(reads[0].rate_tokens).toBe(3);
      for (const entry of log) {
        expect(entry.rate_tokens).toBeLessThanOrEqual(3);
        expect(entry.rate_tokens! < 1).toBe(entry.status === 429);
      }
      const unlimited = await startFixture({ rateLimit: false });
      try {
        await unlimited.api("GET", "/v1/apps/none");
        const entries = (await unlimited.control("GET", "/requests")).body.entries;
        expect(entries[0]).not.toHaveProperty("rate_tokens");
      } finally {
        await unlimited.close();
      }
    } finally {
      await limited.close();
    }
  });
});
