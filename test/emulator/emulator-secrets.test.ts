import { createHash } from "node:crypto";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startFixture, type EmulatorFixture } from "./emulator-support";

let fx: EmulatorFixture;
beforeAll(async () => {
  fx = await startFixture();
});
afterAll(() => fx.close());
beforeEach(async () => {
  await fx.api("POST", "/v1/apps", { name: "sec-app", org_slug: "acme" });
});
afterEach(async () => {
  await fx.control("POST", "/reset");
});

const SECRETS = "/v1/apps/sec-app/secrets";
const ISO = expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
/** The emulator's digest: the first 16 hex characters of the value's SHA-256. */
const digest = (value: string) => createHash("sha256").update(value).digest("hex").slice(0, 16);

const set = (name: string, value: string) => fx.api("POST", `${SECRETS}/${name}`, { value });
const bulk = (values: Record<string, string | null>) => fx.api("POST", SECRETS, { values });

describe("setting and reading secrets", () => {
  it("starts with no secrets", async () => {
    expect(await fx.api("GET", SECRETS)).toMatchObject({ status: 200, body: { secrets: [] } });
  });

  it("sets one secret with 201 and returns its digest and the new version, never the value", async () => {
    const res = await set("OPENAI_API_KEY", "sk-test-1");
    expect(res.status).toBe(201);
    expect(res.body).toEqual({
      name: "OPENAI_API_KEY",
      digest: digest("sk-test-1"),
      created_at: ISO,
      updated_at: ISO,
      version: 1,
      Version: 1,
    });
  });

  it("lists names and digests sorted by name, and gets one", async () => {
    await set("ZETA", "z");
    await set("ALPHA", "a");
    const list = await fx.api("GET", SECRETS);
    expect(list.body.secrets).toEqual([
      { name: "ALPHA", digest: digest("a"), created_at: ISO, updated_at: ISO },
      { name: "ZETA", digest: digest("z"), created_at: ISO, updated_at: ISO },
    ]);
    const one = await fx.api("GET", `${SECRETS}/ZETA`);
    expect(one).toMatchObject({ status: 200, body: list.body.secrets[1] });
    expect(JSON.stringify(list.body)).not.toContain('"value"');
  });

  it("keeps created_at and moves updated_at and the digest when a value changes", async () => {
    const first = await set("TOKEN", "one");
    await fx.control("POST", "/clock", { advance_ms: 1_000 });
    const second = await set("TOKEN", "two");
    expect(second.body.created_at).toBe(first.body.created_at);
    expect(
      Date.parse(second.body.updated_at) - Date.parse(first.body.updated_at),
    ).toBeGreaterThanOrEqual(1_000);
    expect(second.body.digest).toBe(digest("two"));
  });

  it("refuses show_secrets=true with 403: values are not readable with an ordinary token", async () => {
    await set("TOKEN", "one");
    for (const path of [`${SECRETS}?show_secrets=true`, `${SECRETS}/TOKEN?show_secrets=1`]) {
      expect(await fx.api("GET", path)).toMatchObject({
        status: 403,
        body: { error: "show_secrets: reading secret values requires a privileged token" },
      });
    }
    expect((await fx.api("GET", `${SECRETS}?show_secrets=false`)).status).toBe(200);
    expect(await fx.api("GET", `${SECRETS}?show_secrets=maybe`)).toMatchObject({
      status: 400,
      body: { error: 'invalid show_secrets "maybe": must be true or false' },
    });
  });

  it("answers 404 secret not found for an unknown name and app not found for an unknown app", async () => {
    expect(await fx.api("GET", `${SECRETS}/MISSING`)).toMatchObject({
      status: 404,
      body: { error: "secret not found" },
    });
    expect(await fx.api("GET", "/v1/apps/nope/secrets")).toMatchObject({
      status: 404,
      body: { error: "app not found" },
    });
  });
});

describe("secrets versions", () => {
  it("raises the app's version on every write, unsetting a missing name included", async () => {
    const versions = [
      (await set("A", "1")).body.version,
      (await set("A", "1")).body.version,
      (await bulk({ B: "2", C: "3" })).body.version,
      (await fx.api("DELETE", `${SECRETS}/A`)).body.version,
      (await bulk({ NEVER_SET: null })).body.version,
    ];
    expect(versions).toEqual([1, 2, 3, 4, 5]);
    const state = await fx.control("GET", "/state");
    expect(state.body.secrets["sec-app"].version).toBe(5);
  });

  it("deletes one secret, answering the new version twice as Fly does", async () => {
    await set("A", "1");
    const res = await fx.api("DELETE", `${SECRETS}/A`);
    expect(res).toMatchObject({ status: 200, body: { version: 2, Version: 2 } });
    expect((await fx.api("GET", SECRETS)).body.secrets).toEqual([]);
  });

  it("answers 404 when deleting a secret that does not exist, without a new version", async () => {
    const res = await fx.api("DELETE", `${SECRETS}/NOPE`);
    expect(res).toMatchObject({ status: 404, body: { error: "secret not found" } });
    expect((await bulk({})).body.version).toBe(1);
  });

  it.each([
    ["min_version", 2, 200],
    ["min_version", 3, 412],
    ["version", 2, 200],
    ["version", 3, 412],
  ])("serves reads with %s=%i only when the app has reached it", async (param, min, status) => {
    await set("A", "1");
    await set("B", "2");
    for (const path of [`${SECRETS}?${param}=${min}`, `${SECRETS}/A?${param}=${min}`]) {
      const res = await fx.api("GET", path);
      expect(res.status).toBe(status);
      if (status === 412) {
        expect(res.body).toEqual({
          error: `failed_precondition: ${param} ${min} is newer than the app's current secrets version 2`,
        });
      }
    }
  });

  it("refuses a min_version that is not a number", async () => {
    expect(await fx.api("GET", `${SECRETS}?min_version=latest`)).toMatchObject({
      status: 400,
      body: { error: 'min_version must be a non-negative integer, got "latest"' },
    });
  });
});

describe("bulk updates", () => {
  it("sets and unsets in one write and answers every secret with the new version", async () => {
    await set("OLD", "x");
    const res = await bulk({ NEW: "n", OLD: null, GONE_ALREADY: null });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      secrets: [{ name: "NEW", digest: digest("n"), created_at: ISO, updated_at: ISO }],
      version: 2,
      Version: 2,
    });
  });

  it("applies nothing when one name is invalid", async () => {
    const res = await bulk({ GOOD: "g", "9BAD": "b" });
    expect(res).toMatchObject({
      status: 400,
      body: {
        error:
          'secret name "9BAD" is invalid: it must start with a letter or underscore and contain only letters, digits and underscores',
      },
    });
    expect((await fx.api("GET", SECRETS)).body.secrets).toEqual([]);
    expect((await fx.control("GET", "/state")).body.secrets["sec-app"].version).toBe(0);
  });

  it.each([
    [{}, "values is required"],
    [
      { values: ["A"] },
      "json: cannot unmarshal array into Go struct field AppSecretsUpdateRequest.values of type map[string]*string",
    ],
    [
      { values: { A: 1 } },
      "json: cannot unmarshal number into Go struct field AppSecretsUpdateRequest.values of type string",
    ],
  ])("refuses the bulk body %j with 400", async (body, error) => {
    expect(await fx.api("POST", SECRETS, body)).toMatchObject({ status: 400, body: { error } });
  });
});

describe("setting one secret", () => {
  it.each([
    ["a name starting with a digit", "1TOKEN"],
    ["a dash", "MY-TOKEN"],
    ["a dot", "my.token"],
  ])("refuses %s", async (_case, name) => {
    const res = await set(name, "v");
    expect(res.status).toBe(400);
    expect(res.body.error).toBe(
      `secret name "${name}" is invalid: it must start with a letter or underscore and contain only letters, digits and underscores`,
    );
  });

  it("accepts lowercase and underscore-led names", async () => {
    expect((await set("_private_key", "v")).status).toBe(201);
  });

  it.each([
    [{}, "value is required"],
    [
      { value: 42 },
      "json: cannot unmarshal number into Go struct field SetAppSecretRequest.value of type string",
    ],
  ])("refuses the body %j with 400", async (body, error) => {
    expect(await fx.api("POST", `${SECRETS}/TOKEN`, body)).toMatchObject({
      status: 400,
      body: { error },
    });
  });

  it("never keeps the value where the state file or the control surface could show it", async () => {
    await set("TOKEN", "do-not-store-me");
    expect(JSON.stringify(fx.handle.emulator.state)).not.toContain("do-not-store-me");
    expect(JSON.stringify((await fx.control("GET", "/state")).body)).not.toContain(
      "do-not-store-me",
    );
  });
});
