import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startFixture, type EmulatorFixture } from "./emulator-support";
import {
  IMAGE,
  createApp,
  createMachine,
  eventTrail,
  machineIdOf,
  machinePath,
  waitState,
} from "./machine-support";

let fx: EmulatorFixture;
beforeAll(async () => {
  fx = await startFixture();
});
afterAll(() => fx.close());
afterEach(async () => {
  await fx.control("POST", "/reset");
});

describe("machine create", () => {
  it("answers 200 with the Machine in state created, Fly's ids and a launch event", async () => {
    await createApp(fx, "gw");
    const res = await createMachine(fx, "gw");
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ state: "created", region: "iad", host_status: "ok" });
    expect(res.body.id).toMatch(/^[0-9a-f]{14}$/);
    expect(res.body.name).toMatch(/^[a-z]+-[a-z]+-\d{4}$/);
    expect(res.body.instance_id).toMatch(/^[0-9A-HJKMNP-TV-Z]{26}$/);
    expect(res.body.private_ip).toMatch(/^fdaa:0:[0-9a-f]+:a7b:[0-9a-f]+:[0-9a-f]+:[0-9a-f]+:2$/);
    expect(eventTrail(res.body.events)).toEqual(["launch/created/user"]);
    expect(res.body.image_ref).toEqual({
      registry: "registry.fly.io",
      repository: "openclaw-gateway",
      tag: "2026.1.1",
      digest: expect.stringMatching(/^sha256:[0-9a-f]{64}$/),
      labels: {},
    });
    expect("nonce" in res.body).toBe(false);
  });

  it("echoes the stored config with Fly's defaults filled in", async () => {
    await createApp(fx, "gw");
    const res = await createMachine(fx, "gw", { config: { image: IMAGE } });
    expect(res.body.config).toEqual({
      image: IMAGE,
      guest: { cpu_kind: "shared", cpus: 1, memory_mb: 256 },
      restart: { policy: "on-failure", max_retries: 10 },
      dns: {},
    });
  });

  it("keeps every config field it knows, normalises autostop and drops unknown fields", async () => {
    await createApp(fx, "gw");
    const sent = {
      image: IMAGE,
      env: { NODE_ENV: "production" },
      metadata: { fly_process_group: "app" },
      services: [
        {
          protocol: "tcp",
          internal_port: 3000,
          autostop: "off",
          autostart: true,
          ports: [{ port: 443, handlers: ["tls", "http"] }],
        },
        { protocol: "tcp", internal_port: 3001, autostop: "stop" },
        { protocol: "tcp", internal_port: 3002, autostop: "suspend" },
      ],
      init: { cmd: ["node", "gateway.js"] },
      files: [{ guest_path: "/data/openclaw.json", raw_value: "e30=" }],
      stop_config: { signal: "SIGTERM", timeout: "10s" },
      auto_destroy: false,
      restart: { policy: "always" },
      not_a_fly_field: 1,
    };
    const res = await createMachine(fx, "gw", { config: sent });
    const { not_a_fly_field: _dropped, ...known } = sent;
    expect(res.body.config).toEqual({
      ...known,
      services: [
        { ...sent.services[0], autostop: false },
        { ...sent.services[1], autostop: true },
        sent.services[2],
      ],
      guest: { cpu_kind: "shared", cpus: 1, memory_mb: 256 },
      dns: {},
    });
  });

  it.each([
    ["no config at all", undefined, "config.image is required"],
    ["a config without image", { env: {} }, "config.image is required"],
    [
      "an env value that is not a string",
      { image: IMAGE, env: { PORT: 3000 } },
      "json: cannot unmarshal number into Go struct field MachineConfig.config.env of type string",
    ],
    [
      "autostart as a string",
      { image: IMAGE, services: [{ internal_port: 3000, autostart: "true" }] },
      "json: cannot unmarshal string into Go struct field MachineService.config.services.autostart of type bool",
    ],
    [
      "an unknown restart policy",
      { image: IMAGE, restart: { policy: "sometimes" } },
      'invalid config.restart.policy "sometimes": must be one of no, always, on-failure, spot-price',
    ],
    [
      "a relative file path",
      { image: IMAGE, files: [{ guest_path: "etc/x", raw_value: "e30=" }] },
      "invalid config.files[0].guest_path: must be an absolute path",
    ],
    [
      "a file with two sources",
      { image: IMAGE, files: [{ guest_path: "/x", raw_value: "e30=", secret_name: "X" }] },
      "invalid config.files[0]: exactly one of raw_value, secret_name or image_config must be set",
    ],
    [
      "a config that is an array",
      [IMAGE],
      "json: cannot unmarshal array into Go struct field CreateMachineRequest.config of type fly.MachineConfig",
    ],
  ])("refuses %s with 400", async (_case, config, error) => {
    await createApp(fx, "gw");
    const res = await createMachine(fx, "gw", { config });
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ error });
  });

  it("requires a known region", async () => {
    await createApp(fx, "gw");
    expect(await createMachine(fx, "gw", { region: undefined })).toMatchObject({
      status: 400,
      body: { error: "region is required: name the Fly region to place the machine in, e.g. iad" },
    });
    expect(await createMachine(fx, "gw", { region: "xyz" })).toMatchObject({
      status: 400,
      body: { error: 'invalid region "xyz": not a Fly region' },
    });
  });

  it("keeps names unique per app and answers Fly's already_exists 409 on a clash", async () => {
    await createApp(fx, "gw");
    await createApp(fx, "other");
    const first = await createMachine(fx, "gw", { name: "gateway-iad" });
    expect(first.body.name).toBe("gateway-iad");
    const clash = await createMachine(fx, "gw", { name: "gateway-iad" });
    expect(clash.status).toBe(409);
    expect(clash.body).toEqual({
      error: `already_exists: unique machine name violation, machine ID ${first.body.id} already exists with name "gateway-iad"`,
    });
    expect((await createMachine(fx, "other", { name: "gateway-iad" })).status).toBe(200);
  });

  it("refuses a wrongly typed top-level field with Go's decoder message", async () => {
    await createApp(fx, "gw");
    const res = await createMachine(fx, "gw", { skip_launch: "yes" });
    expect(res.status).toBe(400);
    expect(res.body).toEqual({
      error:
        "json: cannot unmarshal string into Go struct field CreateMachineRequest.skip_launch of type bool",
    });
  });

  it("boots on its own: created, then starting, then started", async () => {
    await createApp(fx, "gw");
    const id = await machineIdOf(fx, "gw");
    await waitState(fx, "gw", id, "started");
    const machine = (await fx.api("GET", machinePath("gw", id))).body;
    expect(machine.state).toBe("started");
    expect(eventTrail(machine.events)).toEqual([
      "start/started/flyd",
      "start/starting/flyd",
      "launch/created/user",
    ]);
  });

  it("stays created with skip_launch", async () => {
    await createApp(fx, "gw");
    const id = await machineIdOf(fx, "gw", { skip_launch: true });
    const settled = await waitState(fx, "gw", id, "settled");
    expect(settled.body.state).toBe("created");
    const machine = (await fx.api("GET", machinePath("gw", id))).body;
    expect(machine.state).toBe("created");
    expect(eventTrail(machine.events)).toEqual(["launch/created/user"]);
  });

  it("creates already leased with lease_ttl and returns the nonce once", async () => {
    await createApp(fx, "gw");
    const res = await createMachine(fx, "gw", { lease_ttl: 60 });
    expect(res.body.nonce).toMatch(/^[0-9a-f]{12}$/);
    const lease = await fx.api("GET", machinePath("gw", res.body.id, "/lease"));
    expect(lease.status).toBe(200);
    expect(lease.body.data.nonce).toBe(res.body.nonce);
    expect("nonce" in (await fx.api("GET", machinePath("gw", res.body.id))).body).toBe(false);
  });

  it("creates cordoned with skip_service_registration", async () => {
    await createApp(fx, "gw");
    const res = await createMachine(fx, "gw", { skip_service_registration: true });
    expect(res.body.cordoned).toBe(true);
  });

  it("answers 404 for an unknown machine and an unknown app", async () => {
    await createApp(fx, "gw");
    expect(await fx.api("GET", machinePath("gw", "0123456789abcd"))).toMatchObject({
      status: 404,
      body: { error: "machine not found" },
    });
    expect(await fx.api("GET", machinePath("nope", "0123456789abcd"))).toMatchObject({
      status: 404,
      body: { error: "app not found" },
    });
  });
});
