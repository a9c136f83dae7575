import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startFixture, type EmulatorFixture } from "./emulator-support";
import { IMAGE, createApp, createMachine, machineIdOf, machinePath } from "./machine-support";

let fx: EmulatorFixture;
beforeAll(async () => {
  fx = await startFixture();
});
afterAll(() => fx.close());
beforeEach(() => createApp(fx, "gw"));
afterEach(async () => {
  await fx.control("POST", "/reset");
});

const guestOf = async (config: Record<string, unknown>) => {
  const res = await createMachine(fx, "gw", { config: { image: IMAGE, ...config } });
  expect(res.status).toBe(200);
  return res.body.config.guest;
};

describe("machine guest sizes", () => {
  it("defaults to shared-cpu-1x with 256 MB", async () => {
    expect(await guestOf({})).toEqual({ cpu_kind: "shared", cpus: 1, memory_mb: 256 });
  });

  it.each([
    ["shared-cpu-2x", { cpu_kind: "shared", cpus: 2, memory_mb: 512 }],
    ["shared-cpu-8x", { cpu_kind: "shared", cpus: 8, memory_mb: 2048 }],
    ["performance-1x", { cpu_kind: "performance", cpus: 1, memory_mb: 2048 }],
    ["performance-16x", { cpu_kind: "performance", cpus: 16, memory_mb: 32768 }],
    [
      "a100-40gb",
      { cpu_kind: "performance", cpus: 8, memory_mb: 32768, gpu_kind: "a100-pcie-40gb", gpus: 1 },
    ],
  ])("expands the size preset %s into a full guest", async (size, guest) => {
    const res = await createMachine(fx, "gw", { config: { image: IMAGE, size } });
    expect(res.body.config.guest).toEqual(guest);
    expect("size" in res.body.config).toBe(false);
  });

  it.each([
    [{ cpus: 2 }, { cpu_kind: "shared", cpus: 2, memory_mb: 512 }],
    [
      { cpu_kind: "performance", cpus: 2 },
      { cpu_kind: "performance", cpus: 2, memory_mb: 4096 },
    ],
    [
      { cpu_kind: "shared", cpus: 1, memory_mb: 2048 },
      { cpu_kind: "shared", cpus: 1, memory_mb: 2048 },
    ],
    [
      { cpu_kind: "performance", cpus: 1, memory_mb: 8192, kernel_args: ["quiet"] },
      { cpu_kind: "performance", cpus: 1, memory_mb: 8192, kernel_args: ["quiet"] },
    ],
  ])("fills and keeps the guest %j", async (guest, expected) => {
    expect(await guestOf({ guest })).toEqual(expected);
  });

  it.each([
    [
      { guest: { cpu_kind: "gpu" } },
      'invalid config.guest.cpu_kind "gpu": must be "shared" or "performance"',
    ],
    [
      { guest: { cpus: 3 } },
      'invalid config.guest.cpus 3 for cpu_kind "shared": must be one of 1, 2, 4, 6, 8',
    ],
    [
      { guest: { cpu_kind: "performance", cpus: 32 } },
      'invalid config.guest.cpus 32 for cpu_kind "performance": must be one of 1, 2, 4, 6, 8, 10, 12, 14, 16',
    ],
    [
      { guest: { cpus: 1, memory_mb: 300 } },
      "invalid config.guest.memory_mb 300: must be a multiple of 256",
    ],
    [
      { guest: { cpus: 1, memory_mb: 4096 } },
      "invalid config.guest.memory_mb 4096 for 1 shared CPU: must be between 256 and 2048",
    ],
    [
      { guest: { cpu_kind: "performance", cpus: 2, memory_mb: 2048 } },
      "invalid config.guest.memory_mb 2048 for 2 performance CPUs: must be between 4096 and 16384",
    ],
    [
      { guest: { cpus: "2" } },
      "json: cannot unmarshal string into Go struct field MachineGuest.config.guest.cpus of type int",
    ],
    [
      { size: "huge-cpu-1x" },
      'invalid config.size "huge-cpu-1x": unknown size preset (e.g. shared-cpu-1x, performance-2x)',
    ],
    [
      { size: "shared-cpu-1x", guest: { cpus: 1 } },
      "config.size and config.guest are mutually exclusive: send only config.guest",
    ],
  ])("refuses %j with 400 naming the field and the rule", async (config, error) => {
    const res = await createMachine(fx, "gw", { config: { image: IMAGE, ...config } });
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ error });
  });

  it("applies the same rules on update", async () => {
    const id = await machineIdOf(fx, "gw");
    const res = await fx.api("POST", machinePath("gw", id), {
      config: { image: IMAGE, guest: { cpu_kind: "shared", cpus: 1, memory_mb: 100 } },
    });
    expect(res).toMatchObject({
      status: 400,
      body: { error: "invalid config.guest.memory_mb 100: must be a multiple of 256" },
    });
  });
});
