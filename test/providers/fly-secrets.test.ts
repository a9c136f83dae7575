import { createHmac } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { EmulatorFixture } from "../emulator/emulator-support";
import { FlySecretsProvider } from "../../providers/secrets/fly-secrets";
import type { FlySecretsOutputs } from "../../providers/secrets/fly-secrets";
import {
  captureProgress,
  clearRequestLog,
  configured,
  createAppDirectly,
  requestLog,
  startEmulatorFixture,
  UNKNOWN,
  worldState,
} from "./provider-support";

let fx: EmulatorFixture;
let provider: FlySecretsProvider;

const APP = "sec-app";
/** The stack every resource here is declared in. */
const STACK = "openclaw-fly/test";
/** The app secret whose name marks the app as STACK's: the stack's bytes in hex. */
const MARKER = "OPENCLAW_FLY_STACK_6F70656E636C61772D666C792F74657374";

function hmac(salt: string, value: string): string {
  return createHmac("sha256", salt).update(value).digest("hex");
}

/** The secrets of the app as the emulator holds them: name to digest, and the version. */
async function flySecrets(): Promise<{ names: string[]; version: number }> {
  const record = (await worldState(fx)).secrets[APP];
  return { names: Object.keys(record.secrets).sort(), version: record.version };
}

beforeAll(async () => {
  fx = await startEmulatorFixture();
  provider = await configured(new FlySecretsProvider(), fx);
  await createAppDirectly(fx, APP);
});

afterAll(async () => {
  await fx.close();
});

describe("FlySecrets check", () => {
  it("refuses an empty name and names that are not environment variable names", async () => {
    const result = await provider.check({} as never, {
      app: APP,
      stack: STACK,
      values: { "": "x", "bad-name": "y", GOOD: "z", "1ST": "w" },
    });
    expect(result).toEqual({
      failures: [
        // Pulumi prints the value of a failure's property: a failure about the whole map (whose
        // values are secrets) is reported without one.
        { property: "", reason: "values: secret names must not be empty" },
        {
          property: 'values["bad-name"]',
          reason:
            'secret name "bad-name" must start with a letter or underscore and contain only letters, digits and underscores',
        },
        {
          property: 'values["1ST"]',
          reason:
            'secret name "1ST" must start with a letter or underscore and contain only letters, digits and underscores',
        },
      ],
    });
  });

  it("accepts unknown values during a preview", async () => {
    expect(
      await provider.check({} as never, { app: APP, stack: STACK, values: UNKNOWN } as never),
    ).toEqual({
      inputs: { app: APP, stack: STACK, values: UNKNOWN },
    });
    expect(
      await provider.check({} as never, { app: APP, stack: STACK, values: { A: UNKNOWN } }),
    ).toEqual({
      inputs: { app: APP, stack: STACK, values: { A: UNKNOWN } },
    });
  });
});

describe("FlySecrets lifecycle", () => {
  let outs: FlySecretsOutputs;

  it("sets the secrets and outputs salted digests and the version, never a value", async () => {
    const { result: created, lines } = await captureProgress(() =>
      provider.create({
        app: APP,
        stack: STACK,
        values: { B_KEY: "bravo-value", A_KEY: "alpha-value" },
      }),
    );
    expect(lines).toEqual([`[fly:secrets ${APP}] setting 2 secrets (A_KEY, B_KEY)`]);
    outs = created.outs;
    expect(created.id).toBe(APP);
    expect(outs).toEqual({
      app: APP,
      keys: ["A_KEY", "B_KEY"],
      digests: { A_KEY: hmac(outs.salt, "alpha-value"), B_KEY: hmac(outs.salt, "bravo-value") },
      salt: outs.salt,
      version: 1,
      fingerprints: outs.fingerprints,
      marker: MARKER,
      stack: STACK,
    });
    // Fly's digest and time of each secret as this write left it, the marker's included.
    expect(Object.keys(outs.fingerprints!)).toEqual(["A_KEY", "B_KEY", MARKER]);
    for (const print of Object.values(outs.fingerprints!)) {
      expect(print).toMatch(/^[0-9a-f]{16}@\d{4}-\d\d-\d\dT[\d:.]+Z$/);
    }
    expect(outs.salt).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(outs)).not.toContain("-value");
    expect(await flySecrets()).toEqual({ names: ["A_KEY", "B_KEY", MARKER], version: 1 });
  });

  it("sees no change for the same values, a change for a new value, key or removal", async () => {
    const same = {
      app: APP,
      stack: STACK,
      values: { A_KEY: "alpha-value", B_KEY: "bravo-value" },
      __provider: "new code",
    };
    const none = { changes: false, replaces: [], deleteBeforeReplace: false };
    const some = { changes: true, replaces: [], deleteBeforeReplace: false };
    expect(await provider.diff(APP, outs, same)).toEqual(none);
    expect(
      await provider.diff(APP, outs, {
        app: APP,
        stack: STACK,
        values: { A_KEY: "alpha-value", B_KEY: "bravo-rotated" },
      }),
    ).toEqual(some);
    expect(
      await provider.diff(APP, outs, { app: APP, stack: STACK, values: { A_KEY: "alpha-value" } }),
    ).toEqual(some);
    expect(
      await provider.diff(APP, outs, { app: APP, stack: STACK, values: UNKNOWN } as never),
    ).toEqual(some);
    expect(
      await provider.diff(APP, outs, { app: "other", stack: STACK, values: same.values }),
    ).toEqual({
      changes: true,
      replaces: ["app"],
      deleteBeforeReplace: false,
    });
  });

  it("sets changed values and unsets removed names", async () => {
    await clearRequestLog(fx);
    const updated = await provider.update(APP, outs, {
      app: APP,
      stack: STACK,
      values: { A_KEY: "alpha-value", C_KEY: "charlie-value" },
    });
    expect(updated.outs).toEqual({
      app: APP,
      keys: ["A_KEY", "C_KEY"],
      digests: { A_KEY: hmac(outs.salt, "alpha-value"), C_KEY: hmac(outs.salt, "charlie-value") },
      salt: outs.salt,
      version: 2,
      fingerprints: {
        A_KEY: outs.fingerprints!.A_KEY,
        C_KEY: updated.outs.fingerprints!.C_KEY,
        [MARKER]: outs.fingerprints![MARKER],
      },
      marker: MARKER,
      stack: STACK,
    });
    // One bulk write sets and unsets together: one new secrets version.
    expect(await requestLog(fx)).toEqual([
      `GET /v1/apps/${APP}/secrets 200`,
      `POST /v1/apps/${APP}/secrets 200`,
    ]);
    expect(await flySecrets()).toEqual({ names: ["A_KEY", "C_KEY", MARKER], version: 2 });
    outs = updated.outs as FlySecretsOutputs;
  });

  it("reads a name removed on Fly as gone, so the next diff sets it again", async () => {
    await fx.api("DELETE", `/v1/apps/${APP}/secrets/C_KEY`);
    const read = await provider.read(APP, outs);
    expect(read).toEqual({
      id: APP,
      props: {
        ...outs,
        keys: ["A_KEY"],
        digests: { A_KEY: outs.digests.A_KEY },
        fingerprints: { A_KEY: outs.fingerprints!.A_KEY, [MARKER]: outs.fingerprints![MARKER] },
      },
    });
    const diff = await provider.diff(APP, read.props as FlySecretsOutputs, {
      app: APP,
      stack: STACK,
      values: { A_KEY: "alpha-value", C_KEY: "charlie-value" },
    });
    expect(diff.changes).toBe(true);
  });

  it("reports a value the program changed as its own, even when a killed run already wrote it to Fly", async () => {
    // The killed run's write: Fly holds the new A_KEY, the outputs still the old one. C_KEY is
    // still gone from Fly (removed behind the stack's back above).
    await fx.api("POST", `/v1/apps/${APP}/secrets`, { values: { A_KEY: "alpha-rotated" } });
    const { result: updated, lines } = await captureProgress(() =>
      provider.update(APP, outs, {
        app: APP,
        stack: STACK,
        values: { A_KEY: "alpha-rotated", C_KEY: "charlie-value" },
      }),
    );
    expect(lines).toEqual([
      `[fly:secrets ${APP}] setting secrets A_KEY`,
      `[fly:secrets ${APP}] setting C_KEY again from the stack's values: changed on Fly since this stack wrote them`,
    ]);
    expect(updated.outs.digests).toEqual({
      A_KEY: hmac(outs.salt, "alpha-rotated"),
      C_KEY: hmac(outs.salt, "charlie-value"),
    });
    outs = updated.outs as FlySecretsOutputs;
  });

  it("unsets the names it set on delete, keeping the app's marker, and reads a deleted app as gone", async () => {
    await fx.api("POST", `/v1/apps/${APP}/secrets/OTHER`, { value: "kept" });
    await provider.delete(APP, outs);
    // An app left on Fly (it holds retained volumes) still names its stack.
    expect((await flySecrets()).names).toEqual([MARKER, "OTHER"]);
    await fx.api("DELETE", `/v1/apps/${APP}`);
    expect(await provider.read(APP, outs)).toEqual({});
  });
});
