import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { DEFAULT_HEALTH_CHECK } from "../../rules/deployment-defaults";
import {
  GATEWAY_INIT_CMD,
  buildGatewayMachineSpec,
  gatewayEnv,
  startupCheck,
  type GatewayMachineInput,
} from "../../components/gateway-machine-spec";

const CONFIG_TEXT = '{\n  "gateway": {\n    "mode": "local"\n  }\n}\n';
const CONFIG_BASE64 = Buffer.from(CONFIG_TEXT, "utf8").toString("base64");

const BASE: GatewayMachineInput = {
  app: "my-claw",
  region: "iad",
  image: "ghcr.io/openclaw/openclaw:2026.9.6",
  guest: { cpuKind: "shared", cpus: 2, memoryMb: 2048 },
  volumeId: "vol_0123456789abcdef",
  openclawConfigText: CONFIG_TEXT,
  mode: "public",
  healthCheck: DEFAULT_HEALTH_CHECK,
};

const COMMAND =
  "rm -f /data/tmp/openclaw-*/gateway.*.lock; " +
  'node --no-warnings -e \'const f=process.env.OPENCLAW_STATE_DIR+"/state/openclaw.sqlite";if(require("fs").existsSync(f)){const d=new(require("node:sqlite").DatabaseSync)(f);for(const t of["state_leases","agent_database_leases"])try{d.exec("DELETE FROM "+t)}catch{}d.close()}\'; ' +
  "exec node openclaw.mjs gateway --allow-unconfigured --port 3000 --bind lan";

/** The parts every gateway machine has, whatever the mode. */
const COMMON = {
  image: "ghcr.io/openclaw/openclaw:2026.9.6",
  guest: { cpuKind: "shared", cpus: 2, memoryMb: 2048 },
  init: { cmd: ["sh", "-c", COMMAND] },
  env: {
    NODE_ENV: "production",
    OPENCLAW_STATE_DIR: "/data",
    OPENCLAW_CONFIG_PATH: "/etc/openclaw/openclaw.json",
    OPENCLAW_CONFIG_READONLY: "1",
    NODE_OPTIONS: "--max-old-space-size=1024",
    OPENCLAW_NO_RESPAWN: "1",
  },
  files: [{ guestPath: "/etc/openclaw/openclaw.json", rawValue: CONFIG_BASE64, mode: 420 }],
  mounts: [{ volume: "vol_0123456789abcdef", path: "/data" }],
  checks: {
    startup: {
      type: "http",
      port: 3000,
      method: "GET",
      path: "/startupz",
      gracePeriod: "2m",
      interval: "15s",
      timeout: "5s",
    },
  },
  restart: { policy: "always" },
  metadata: { "openclaw-fly/region": "iad", "openclaw-fly/app": "my-claw" },
};

describe("buildGatewayMachineSpec", () => {
  it("builds the public machine: HTTP on 80 forced to HTTPS, TLS on 443, never auto-stopped", () => {
    expect(buildGatewayMachineSpec(BASE)).toEqual({
      ...COMMON,
      services: [
        {
          protocol: "tcp",
          internalPort: 3000,
          ports: [
            { port: 80, handlers: ["http"], forceHttps: true },
            { port: 443, handlers: ["tls", "http"] },
          ],
          autostopMachines: "off",
          autostartMachines: true,
          minMachinesRunning: 1,
        },
      ],
    });
  });

  it("builds the private machine with no services at all", () => {
    const spec = buildGatewayMachineSpec({ ...BASE, mode: "private" });
    expect(spec).toEqual(COMMON);
    expect("services" in spec).toBe(false);
  });

  it("builds the private machine with Flycast: one plain-HTTP port 80 to 3000", () => {
    expect(buildGatewayMachineSpec({ ...BASE, mode: "private", flycast: true })).toEqual({
      ...COMMON,
      services: [
        {
          protocol: "tcp",
          internalPort: 3000,
          ports: [{ port: 80, handlers: ["http"] }],
          autostopMachines: "off",
          autostartMachines: true,
          minMachinesRunning: 1,
        },
      ],
    });
  });

  it("ships the config text unchanged as base64 at the read-only config path", () => {
    const [file] = buildGatewayMachineSpec(BASE).files ?? [];
    expect(Buffer.from(file.rawValue ?? "", "base64").toString("utf8")).toBe(CONFIG_TEXT);
    expect(file.mode).toBe(0o644);
  });

  it("carries the volume's region on the mount when it is known", () => {
    expect(buildGatewayMachineSpec({ ...BASE, volumeRegion: "iad" }).mounts).toEqual([
      { volume: "vol_0123456789abcdef", path: "/data", region: "iad" },
    ]);
  });

  it("sizes the heap from the guest's memory", () => {
    const spec = buildGatewayMachineSpec({
      ...BASE,
      guest: { cpuKind: "performance", cpus: 2, memoryMb: 8192 },
    });
    expect(spec.env?.NODE_OPTIONS).toBe("--max-old-space-size=4096");
    expect(spec.guest).toEqual({ cpuKind: "performance", cpus: 2, memoryMb: 8192 });
  });

  it("takes the check timing it is given", () => {
    const spec = buildGatewayMachineSpec({
      ...BASE,
      healthCheck: { ...DEFAULT_HEALTH_CHECK, gracePeriod: "5m" },
    });
    expect(spec.checks).toEqual({
      startup: { ...COMMON.checks.startup, gracePeriod: "5m" },
    });
  });

  it("adds extra env beside the gateway's own", () => {
    const spec = buildGatewayMachineSpec({
      ...BASE,
      extraEnv: { OPENCLAW_LOG_LEVEL: "debug", TZ: "Europe/Berlin" },
    });
    expect(spec.env).toEqual({ ...COMMON.env, OPENCLAW_LOG_LEVEL: "debug", TZ: "Europe/Berlin" });
  });
});

describe("machine pieces", () => {
  it("keeps the image's tini entrypoint and only replaces CMD", () => {
    expect(GATEWAY_INIT_CMD).toEqual(["sh", "-c", COMMAND]);
    expect(buildGatewayMachineSpec(BASE).init).toEqual({ cmd: ["sh", "-c", COMMAND] });
  });

  it.each([
    [1024, "--max-old-space-size=512"],
    [2048, "--max-old-space-size=1024"],
    [4096, "--max-old-space-size=2048"],
  ])("gatewayEnv(%i) sets NODE_OPTIONS to %s", (memoryMb, nodeOptions) => {
    expect(gatewayEnv(memoryMb).NODE_OPTIONS).toBe(nodeOptions);
  });

  it("checks GET /startupz on the gateway port with the default timing", () => {
    expect(startupCheck(DEFAULT_HEALTH_CHECK)).toEqual(COMMON.checks.startup);
  });
});

describe("the boot command under a real shell", () => {
  let scratch: string | undefined;
  afterEach(() => {
    if (scratch !== undefined) rmSync(scratch, { recursive: true, force: true });
    scratch = undefined;
  });

  it("removes stale gateway locks, keeps other state and execs the gateway in the shell's place", async () => {
    scratch = mkdtempSync(join(tmpdir(), "openclaw-boot-"));
    const stateDir = join(scratch, "data");
    const lockDir = join(stateDir, "tmp", "openclaw-1000");
    mkdirSync(lockDir, { recursive: true });
    for (const name of ["gateway.1a2b3c4d.lock", "gateway.state.lock", "coordinator.sqlite"]) {
      writeFileSync(join(lockDir, name), "{}");
    }
    // Stand-in for the image's openclaw.mjs: reports its pid and arguments.
    writeFileSync(
      join(scratch, "openclaw.mjs"),
      "console.log(JSON.stringify({ pid: process.pid, args: process.argv.slice(2) }));\n",
    );
    // The real command, pointed at the scratch state dir instead of the machine's /data.
    const script = GATEWAY_INIT_CMD[2].replace("/data/", `${stateDir}/`);
    const child = spawn(GATEWAY_INIT_CMD[0], [GATEWAY_INIT_CMD[1], script], {
      cwd: scratch,
      stdio: ["ignore", "pipe", "pipe"],
      timeout: 10_000,
    });
    let stdout = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.on("close", resolve));

    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toEqual({
      pid: child.pid,
      args: ["gateway", "--allow-unconfigured", "--port", "3000", "--bind", "lan"],
    });
    expect(readdirSync(lockDir)).toEqual(["coordinator.sqlite"]);
  });

  it("still starts the gateway when there is no lock directory yet (first boot)", async () => {
    scratch = mkdtempSync(join(tmpdir(), "openclaw-boot-"));
    writeFileSync(join(scratch, "openclaw.mjs"), "console.log('started');\n");
    const script = GATEWAY_INIT_CMD[2].replace("/data/", `${join(scratch, "data")}/`);
    const child = spawn("sh", ["-c", script], { cwd: scratch, timeout: 10_000 });
    let stdout = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
    expect(code).toBe(0);
    expect(stdout).toBe("started\n");
  });
});
