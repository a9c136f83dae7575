import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { EmulatorFixture } from "../emulator/emulator-support";
import { sharedLookup } from "../../providers/provider-kit/shared-lookups";
import { FlyVolumeProvider } from "../../providers/volume/fly-volume";
import {
  clearRequestLog,
  configured,
  createAppDirectly,
  requestLog,
  startEmulatorFixture,
} from "./provider-support";

/** A read whose answers the test hands out, counting how often it was started. */
function heldRead() {
  const answers: Array<(value: string) => void> = [];
  const failures: Array<(error: Error) => void> = [];
  const read = () =>
    new Promise<string>((resolve, reject) => {
      answers.push(resolve);
      failures.push(reject);
    });
  return { read, answers, failures };
}

describe("sharedLookup", () => {
  it("gives every caller that asks while a read is in flight that read's answer", async () => {
    const { read, answers } = heldRead();
    const first = sharedLookup("k1", read);
    const second = sharedLookup("k1", read);
    const elsewhere = sharedLookup("k2", read);
    expect(answers).toHaveLength(2);
    answers[0]("apps of k1");
    answers[1]("apps of k2");
    expect(await Promise.all([first, second, elsewhere])).toEqual([
      "apps of k1",
      "apps of k1",
      "apps of k2",
    ]);
  });

  it("reads again once the answer is in, and after a failure", async () => {
    const { read, answers, failures } = heldRead();
    const failed = sharedLookup("k3", read);
    const joined = sharedLookup("k3", read);
    failures[0](new Error("reset"));
    await expect(failed).rejects.toThrow("reset");
    await expect(joined).rejects.toThrow("reset");
    const retried = sharedLookup("k3", read);
    expect(answers).toHaveLength(2);
    answers[1]("fresh");
    expect(await retried).toBe("fresh");
    const later = sharedLookup("k3", read);
    expect(answers).toHaveLength(3);
    answers[2]("later");
    expect(await later).toBe("later");
  });
});

describe("volume creates of one fan-out", () => {
  const APP = "shared-list-app";
  let fx: EmulatorFixture;
  let provider: FlyVolumeProvider;
  beforeAll(async () => {
    fx = await startEmulatorFixture();
    provider = await configured(new FlyVolumeProvider(), fx);
    await createAppDirectly(fx, APP);
  });
  afterAll(async () => {
    await fx.close();
  });

  it("list the app's volumes once for all of them", async () => {
    // The list is held back so that every create has asked before it is answered.
    await fx.control("POST", "/faults", {
      kind: "delay",
      delay_ms: 300,
      route: `GET /v1/apps/${APP}/volumes`,
    });
    await clearRequestLog(fx);
    const volume = (region: string) => ({
      app: APP,
      name: "data",
      region,
      sizeGb: 1,
      encrypted: true,
      deleteOnDestroy: false,
      snapshotBeforeDelete: true,
    });
    const created = await Promise.all(
      ["iad", "ams", "arn"].map((region) => provider.create(volume(region))),
    );
    expect(new Set(created.map((c) => c.id)).size).toBe(3);
    const log = await requestLog(fx);
    expect(log.filter((line) => line.startsWith("GET"))).toEqual([
      `GET /v1/apps/${APP}/volumes 200`,
    ]);
    expect(log.filter((line) => line.startsWith("POST"))).toEqual([
      `POST /v1/apps/${APP}/volumes 200`,
      `POST /v1/apps/${APP}/volumes 200`,
      `POST /v1/apps/${APP}/volumes 200`,
    ]);
  });
});
