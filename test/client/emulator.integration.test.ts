/**
 * The client against the project's Machines API emulator: real state, real asynchrony, real
 * faults. Proves the app and machine operations fit together the way the providers use them.
 */
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isLeaseConflict, isNameTaken, isNotFound } from "../../providers/fly-client/fly-client";
import type { FlyClient } from "../../providers/fly-client/fly-client";
import { createTag, IMAGE, startEmulatorHarness } from "./emulator-harness";
import type { EmulatorHarness } from "./emulator-harness";

let harness: EmulatorHarness;
let client: FlyClient;
beforeAll(async () => {
  harness = await startEmulatorHarness();
  client = harness.client;
});
afterAll(async () => {
  await harness.close();
});

describe("apps", () => {
  it("creates, reads, lists and deletes an app; a taken name and a missing app are told apart", async () => {
    const name = await harness.newApp();
    expect((await client.apps.get(name)).name).toBe(name);
    expect((await client.apps.list("personal")).map((a) => a.name)).toContain(name);
    const taken = await client.apps.create({ name, org_slug: "personal" }).catch((e: unknown) => e);
    expect(isNameTaken(taken)).toBe(true);
    await client.apps.delete(name, { force: true });
    expect(await client.apps.getOrUndefined(name)).toBeUndefined();
    expect(isNotFound(await client.apps.get(name).catch((e: unknown) => e))).toBe(true);
  });
});

describe("machines", () => {
  it("creates a machine, waits for it to start and for its checks to pass", async () => {
    const app = await harness.newApp();
    const machine = await harness.startedMachine(app);
    const healthy = await client.machines.waitForChecks(app, machine.id, {
      timeoutMs: 5_000,
      pollMs: 10,
    });
    expect(healthy.state).toBe("started");
    expect(healthy.checks?.map((c) => c.status)).toEqual(["passing"]);
    expect(healthy.config?.metadata?.openclaw_fly_create_id).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("adopts the machine a create made before its answer was lost (408 after commit)", async () => {
    const app = await harness.newApp();
    await harness.control("POST", "faults", {
      route: "POST /v1/apps/:app/machines",
      kind: "timeout_after_commit",
      count: 1,
    });
    const since = await harness.lastSeq();
    const ownership = createTag();
    const machine = await client.machines.create(
      app,
      { region: "iad", config: { image: IMAGE } },
      { createTag: ownership },
    );
    expect(machine.config?.metadata?.openclaw_fly_create_id).toBe(ownership.value);
    expect(await harness.logged("POST", /^\/v1\/apps\/[^/]+\/machines$/, since)).toEqual([
      "408 timeout_after_commit",
    ]);
    expect((await client.machines.list(app)).map((m) => m.id)).toEqual([machine.id]);
  });

  it("adopts the app a create made before its connection was reset", async () => {
    await harness.control("POST", "faults", { route: "POST /v1/apps", kind: "reset_after_commit" });
    const since = await harness.lastSeq();
    const name = `client-it-reset-${randomUUID().slice(0, 8)}`;
    const app = await client.apps.create({ name, org_slug: "personal" });
    expect(app.name).toBe(name);
    expect(await harness.logged("POST", /^\/v1\/apps$/, since)).toEqual(["0 reset_after_commit"]);
  });

  it("retries reads through 429, 503 and a reset connection", async () => {
    const app = await harness.newApp();
    const machine = await harness.startedMachine(app);
    for (const kind of ["429", "503", "reset"]) {
      await harness.control("POST", "faults", { route: "GET /v1/apps/:app/machines/:id", kind });
    }
    const since = await harness.lastSeq();
    expect((await client.machines.get(app, machine.id)).id).toBe(machine.id);
    expect(await harness.logged("GET", new RegExp(`/machines/${machine.id}$`), since)).toEqual([
      "429 429",
      "503 503",
      "0 reset",
      "200",
    ]);
  });

  it("updates under a lease, the nonce on every mutation, and waits for the new version", async () => {
    const app = await harness.newApp();
    const machine = await harness.startedMachine(app);
    const updated = await client.machines.withLease(
      app,
      machine.id,
      async (nonce) => {
        const current = await client.machines.get(app, machine.id);
        const next = await client.machines.update(
          app,
          machine.id,
          { config: { ...current.config, env: { NODE_ENV: "production" } } },
          { leaseNonce: nonce },
        );
        await client.machines.waitForState(app, machine.id, {
          state: "started",
          version: next.instance_id ?? undefined,
          timeoutMs: 5_000,
        });
        await client.machines.metadata.set(app, machine.id, "release", "2", { leaseNonce: nonce });
        return client.machines.waitForChecks(app, machine.id, {
          timeoutMs: 5_000,
          pollMs: 10,
          version: next.instance_id ?? undefined,
        });
      },
      { ttlSeconds: 30, description: "openclaw-fly test update" },
    );
    expect(updated.config?.env).toEqual({ NODE_ENV: "production" });
    expect(updated.instance_id).not.toBe(machine.instance_id);
    expect((await client.machines.metadata.get(app, machine.id)).release).toBe("2");
    // Released: a new lease can be taken at once.
    const lease = await client.machines.lease.acquire(app, machine.id, { ttlSeconds: 10 });
    await client.machines.lease.release(app, machine.id, lease.nonce);
  });

  it("refuses mutations without the nonce and names the holder when a lease cannot be had", async () => {
    const app = await harness.newApp();
    const machine = await harness.startedMachine(app);
    const held = await client.machines.lease.acquire(app, machine.id, {
      ttlSeconds: 30,
      description: "someone else",
    });
    const stop = await client.machines.stop(app, machine.id).catch((e: unknown) => e);
    expect(isLeaseConflict(stop)).toBe(true);
    const blocked = await client.machines.lease
      .acquire(app, machine.id, { ttlSeconds: 30, acquireTimeoutMs: 50 })
      .catch((e: unknown) => e);
    expect(blocked).toMatchObject({ status: 409, kind: "client.lease_held" });
    expect((blocked as Error).message).toContain('("someone else"); gave up after');
    await client.machines.lease.release(app, machine.id, held.nonce);
  });

  it("fails fast, naming state, exit and failing check, when the unhealthy process exits", async () => {
    const app = await harness.newApp();
    const image = `${IMAGE}-crash`;
    await harness.control("POST", "faults", { kind: "checks_fail", image });
    await harness.control("POST", "faults", { kind: "exit_after_start", image, exit_code: 3 });
    const machine = await harness.startedMachine(app, { image, restart: { policy: "no" } });
    const error = await client.machines
      .waitForChecks(app, machine.id, { timeoutMs: 5_000, pollMs: 10 })
      .catch((e: unknown) => e);
    // machine_failed, not wait_timeout: it gave up as soon as the process died.
    expect(error).toMatchObject({ kind: "client.machine_failed" });
    expect((error as Error).message).toMatch(
      new RegExp(
        `^machine ${machine.id} in app ${app} is stopped \\(its process exited with code 3\\); ` +
          `last seen: 0/1 checks passing; check "http" is critical: .+`,
      ),
    );
  });

  it("stops and deletes a machine", async () => {
    const app = await harness.newApp();
    const machine = await harness.startedMachine(app);
    await client.machines.stop(app, machine.id, { stopSignal: "SIGTERM", timeout: "5s" });
    await client.machines.waitForState(app, machine.id, { state: "stopped", timeoutMs: 5_000 });
    await client.machines.delete(app, machine.id);
    await client.machines.waitForState(app, machine.id, { state: "destroyed", timeoutMs: 5_000 });
    expect(await client.machines.list(app)).toEqual([]);
    // Newest first: launch, boot, the requested stop and exit, then the destroy.
    const events = await client.machines.events(app, machine.id);
    expect(events.map((e) => `${e.type}:${e.status}`)).toEqual([
      "destroy:destroyed",
      "destroy:destroying",
      "exit:stopped",
      "stop:stopping",
      "start:started",
      "start:starting",
      "launch:created",
    ]);
  });
});
