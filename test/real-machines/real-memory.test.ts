import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  findMemoryCgroup,
  memoryCgroupAvailable,
} from "../../emulator/real-machines/memory-cgroups";
import { memoryLimiter, type MemoryLimitMode } from "../../emulator/real-machines/memory-limit";
import type { EmulatorFixture } from "../emulator/emulator-support";
import { createApp, machinePath } from "../emulator/machine-support";
import {
  consoleLines,
  fakeConfig,
  healthy,
  installFakeRuntime,
  machineUntil,
  startRealFixture,
  type FakeRuntime,
} from "./real-support";

let runtime: FakeRuntime;
const open: EmulatorFixture[] = [];

beforeAll(() => {
  runtime = installFakeRuntime();
});
afterEach(async () => {
  for (const fx of open.splice(0)) await fx.close();
});
afterAll(() => runtime.remove());

async function emulator(memoryLimit: MemoryLimitMode) {
  const logs: string[] = [];
  const fx = await startRealFixture(runtime, {}, logs, { memoryLimit });
  open.push(fx);
  expect(logs[0]).toMatch(
    memoryLimit === "cgroup"
      ? /^real machines: memory limited by cgroup v[12] memory\.(max|limit_in_bytes)$/
      : /^real machines: memory limited by watchdog \(the process group's (PSS|RSS), every 250 ms\)$/,
  );
  await createApp(fx, "gw");
  return fx;
}

const SMALL = { cpu_kind: "shared", cpus: 1, memory_mb: 256 };

/** Which mechanisms this computer offers: the watchdog always, the kernel's where permitted. */
const mechanisms: MemoryLimitMode[] = memoryCgroupAvailable("/sys/fs/cgroup")
  ? ["cgroup", "watchdog"]
  : ["watchdog"];

describe.each(mechanisms)("a real machine's memory, limited by the %s", (mechanism) => {
  it("is killed past guest.memory_mb: an exit with oom_killed, then its restart policy", async () => {
    const fx = await emulator(mechanism);
    const res = await fx.api("POST", "/v1/apps/gw/machines", {
      region: "iad",
      config: fakeConfig({
        guest: SMALL,
        env: { FAKE_ALLOCATE_MB: "400" },
        restart: { policy: "on-failure", max_retries: 1 },
      }),
    });
    const id = res.body.id;
    await machineUntil(
      fx,
      "gw",
      id,
      (m) => m.state === "stopped" && m.events.filter((e: any) => e.type === "exit").length === 2,
      30_000,
    );
    const exits = (await fx.api("GET", machinePath("gw", id, "/events"))).body
      .filter((e: any) => e.type === "exit")
      .reverse();
    expect(exits.map((e: any) => e.request)).toEqual([
      {
        exit_event: expect.objectContaining({
          exit_code: 137,
          signal: 9,
          oom_killed: true,
          restarting: true,
        }),
        restart_count: 0,
      },
      {
        exit_event: expect.objectContaining({
          exit_code: 137,
          signal: 9,
          oom_killed: true,
          restarting: false,
        }),
        restart_count: 1,
      },
    ]);
    const lines = await consoleLines(fx, id);
    expect(lines.filter((l) => l === "Process appears to have been OOM killed!")).toHaveLength(2);
  });

  it("is left alone within its size, while a larger one beside it is killed", async () => {
    const fx = await emulator(mechanism);
    const withinSize = await fx.api("POST", "/v1/apps/gw/machines", {
      region: "iad",
      config: fakeConfig({ guest: SMALL, env: { FAKE_ALLOCATE_MB: "40" } }),
    });
    // The fake holds its memory before it answers, so from here on the limit sees all of it.
    await healthy(fx, "gw", withinSize.body.id);
    // A control started afterwards under the same limiter: once it is killed, the limiter has
    // looked at the first machine with its memory held. The kernel's cgroup limit applies at
    // every allocation; the watchdog checks each machine on a timer of the same period, and the
    // first machine's timer started earlier, so it has fired since its allocation. No sleeping.
    const control = await fx.api("POST", "/v1/apps/gw/machines", {
      region: "iad",
      config: fakeConfig({
        guest: SMALL,
        env: { FAKE_ALLOCATE_MB: "400" },
        restart: { policy: "no" },
      }),
    });
    await machineUntil(
      fx,
      "gw",
      control.body.id,
      (m) => m.events.some((e: any) => e.type === "exit" && e.request?.exit_event?.oom_killed),
      30_000,
    );
    const machine = (await fx.api("GET", machinePath("gw", withinSize.body.id))).body;
    expect(machine.state).toBe("started");
    expect(machine.events.filter((e: any) => e.type === "exit")).toEqual([]);
  });
});

describe("choosing a memory cgroup", () => {
  const roots: string[] = [];
  const fakeRoot = (files: Record<string, string>) => {
    const root = mkdtempSync(join(tmpdir(), "cgroupfs-"));
    roots.push(root);
    for (const [path, text] of Object.entries(files)) {
      mkdirSync(join(root, path, ".."), { recursive: true });
      writeFileSync(join(root, path), text);
    }
    return root;
  };
  afterAll(() => {
    for (const root of roots) rmSync(root, { recursive: true, force: true });
  });

  it("takes cgroup v2 when its memory controller is handed down to our cgroup", () => {
    const root = fakeRoot({
      "cgroup.controllers": "cpu memory pids",
      "user.slice/me/cgroup.subtree_control": "memory pids",
    });
    const found = findMemoryCgroup(root, "0::/user.slice/me\n");
    expect(found).toEqual({
      flavour: "v2",
      dir: expect.stringMatching(
        new RegExp(`^${root}/user\\.slice/me/openclaw-fly-${process.pid}-\\d+$`),
      ),
    });
    expect(readFileSync(join(found!.dir, "cgroup.subtree_control"), "utf8")).toBe("+memory");
    expect(readFileSync(join(found!.dir, "memory.max"), "utf8")).toBe("max");
  });

  it("takes cgroup v1's memory hierarchy when v2 has no memory controller (a hybrid host)", () => {
    const root = fakeRoot({
      "unified/cgroup.controllers": "hugetlb",
      "memory/memory.limit_in_bytes": "9223372036854771712",
      "memory/process_api/x/memory.limit_in_bytes": "9223372036854771712",
    });
    const found = findMemoryCgroup(root, "4:memory:/process_api/x\n0::/\n");
    expect(found).toEqual({
      flavour: "v1",
      dir: expect.stringMatching(
        new RegExp(`^${root}/memory/process_api/x/openclaw-fly-${process.pid}-\\d+$`),
      ),
    });
    expect(readFileSync(join(found!.dir, "memory.limit_in_bytes"), "utf8")).toBe("-1");
  });

  it("takes none when neither offers a memory controller, and the watchdog steps in", () => {
    const root = fakeRoot({
      "cgroup.controllers": "cpu pids",
      "user.slice/cgroup.subtree_control": "",
    });
    expect(findMemoryCgroup(root, "0::/user.slice\n")).toBeUndefined();
    expect(memoryLimiter("auto", root).mechanism).toMatch(
      /^watchdog \(the process group's (PSS|RSS), every 250 ms\)$/,
    );
    expect(() => memoryLimiter("cgroup", root)).toThrow(
      `no writable memory cgroup under ${root}: run as root, or use the watchdog`,
    );
  });

  it("writes the limit, and reads an OOM kill back, in the flavour's own files", () => {
    const root = fakeRoot({
      "cgroup.controllers": "memory",
      "cgroup.subtree_control": "memory",
    });
    const limiter = memoryLimiter("cgroup", root);
    expect(limiter.mechanism).toBe("cgroup v2 memory.max");
    const confinement = limiter.confine("m1", 512);
    const argv = confinement.wrap(["node", "gw"]);
    expect(argv.slice(0, 3)).toEqual(["sh", "-c", 'echo $$ > "$0" && exec "$@"']);
    const dir = join(argv[3], "..");
    expect(readFileSync(join(dir, "memory.max"), "utf8")).toBe(String(512 * 1024 * 1024));
    expect(readFileSync(join(dir, "memory.oom.group"), "utf8")).toBe("1");
    expect(argv.slice(4)).toEqual(["node", "gw"]);
    writeFileSync(join(dir, "memory.events"), "low 0\nhigh 0\nmax 3\noom 1\noom_kill 0\n");
    expect(confinement.oomKilled()).toBe(false);
    writeFileSync(join(dir, "memory.events"), "low 0\nhigh 0\nmax 9\noom 2\noom_kill 1\n");
    expect(confinement.oomKilled()).toBe(true);
  });
});
