import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { guestArgv, hostArgv } from "../../emulator/real-machines/guest-command";
import { preloadOption } from "../../emulator/real-machines/guest-env";
import { openclawVersionOf } from "../../emulator/real-machines/guest-image";
import { GuestPathMap } from "../../emulator/real-machines/guest-paths";
import { declaredPorts, rewritePortArguments } from "../../emulator/real-machines/guest-ports";

const map = new GuestPathMap({
  rootfs: "/tmp/m/rootfs",
  workdir: { guest: "/app", host: "/cache/2026.9.6/node_modules/openclaw" },
  home: "/home/node",
  mounts: [{ path: "/data/", hostDir: "/tmp/m/volumes/vol_1" }],
  files: ["/etc/openclaw/openclaw.json"],
});

describe("the guest path map", () => {
  it("maps mounts, the workdir, /tmp, the home folder and each file, longest first", () => {
    expect(map.mappings).toEqual([
      { guest: "/etc/openclaw/openclaw.json", host: "/tmp/m/rootfs/etc/openclaw/openclaw.json" },
      { guest: "/home/node", host: "/tmp/m/rootfs/home/node" },
      { guest: "/data", host: "/tmp/m/volumes/vol_1" },
      { guest: "/app", host: "/cache/2026.9.6/node_modules/openclaw" },
      { guest: "/tmp", host: "/tmp/m/rootfs/tmp" },
    ]);
  });

  it("finds the host path of a guest path, on the rootfs when nothing maps it", () => {
    expect(map.hostPath("/data")).toBe("/tmp/m/volumes/vol_1");
    expect(map.hostPath("/data/state/openclaw.sqlite")).toBe(
      "/tmp/m/volumes/vol_1/state/openclaw.sqlite",
    );
    expect(map.hostPath("/etc/hosts")).toBe("/tmp/m/rootfs/etc/hosts");
  });

  it("rewrites whole path components in arguments, scripts and env values", () => {
    expect(map.rewrite("rm -f /data/tmp/openclaw-*/gateway.*.lock; exec node openclaw.mjs")).toBe(
      "rm -f /tmp/m/volumes/vol_1/tmp/openclaw-*/gateway.*.lock; exec node openclaw.mjs",
    );
    expect(map.rewrite("--config=/etc/openclaw/openclaw.json")).toBe(
      "--config=/tmp/m/rootfs/etc/openclaw/openclaw.json",
    );
    expect(map.rewrite("/tmp:/data/bin:/usr/bin")).toBe(
      "/tmp/m/rootfs/tmp:/tmp/m/volumes/vol_1/bin:/usr/bin",
    );
    expect(map.rewrite("'/data' \"/app/x\"")).toBe(
      "'/tmp/m/volumes/vol_1' \"/cache/2026.9.6/node_modules/openclaw/x\"",
    );
  });

  it("leaves paths that only look alike, and the host paths it wrote, alone", () => {
    for (const text of [
      "/database",
      "/srv/data",
      "/data2/x",
      "/application",
      "/tmpfile",
      "/etc/openclaw",
    ]) {
      expect(map.rewrite(text)).toBe(text);
    }
    // The rootfs lives under the host's /tmp, yet one pass never rewrites its own output.
    expect(map.rewrite("/tmp")).toBe("/tmp/m/rootfs/tmp");
  });
});

describe("guest ports", () => {
  const config = {
    services: [{ internal_port: 3000, checks: [{ port: 3001 }] }],
    checks: { startup: { port: 3000 }, other: { port: 9091 } },
  };

  it("are the services' internal ports, then the checks' ports, each once", () => {
    expect(declaredPorts(config)).toEqual([3000, 3001, 9091]);
    expect(declaredPorts({})).toEqual([]);
  });

  it("are rewritten where the command names them with --port, and nowhere else", () => {
    const ports = { "3000": 41234 };
    expect(rewritePortArguments(["node", "gw", "--port", "3000", "--bind", "lan"], ports)).toEqual([
      "node",
      "gw",
      "--port",
      "41234",
      "--bind",
      "lan",
    ]);
    expect(rewritePortArguments(["gw", "--port=3000", "--other=3000", "3000"], ports)).toEqual([
      "gw",
      "--port=41234",
      "--other=3000",
      "3000",
    ]);
    expect(
      rewritePortArguments(
        ["sh", "-c", "rm x; exec node gw --port 3000 --bind lan; --port 30001"],
        ports,
      ),
    ).toEqual(["sh", "-c", "rm x; exec node gw --port 41234 --bind lan; --port 30001"]);
    expect(rewritePortArguments(["gw", "--port", "8080"], ports)).toEqual(["gw", "--port", "8080"]);
  });
});

describe("the guest command", () => {
  it("is init.exec, else entrypoint + cmd, else the image's CMD (tini's part is the emulator's)", () => {
    expect(guestArgv({ init: { exec: ["/bin/x"], cmd: ["ignored"] } })).toEqual(["/bin/x"]);
    expect(guestArgv({ init: { entrypoint: ["env"], cmd: ["node", "a"] } })).toEqual([
      "env",
      "node",
      "a",
    ]);
    expect(guestArgv({ init: { cmd: ["node", "a"] } })).toEqual(["node", "a"]);
    expect(guestArgv({})).toEqual(["node", "openclaw.mjs", "gateway"]);
  });

  it("has its guest paths and declared ports rewritten", () => {
    const config = { init: { cmd: ["node", "/app/openclaw.mjs", "gateway", "--port", "3000"] } };
    expect(hostArgv(config, map, { "3000": 5555 })).toEqual([
      "node",
      "/cache/2026.9.6/node_modules/openclaw/openclaw.mjs",
      "gateway",
      "--port",
      "5555",
    ]);
  });
});

describe("OpenClaw images", () => {
  it("give their version by tag; other images are not real machines", () => {
    expect(openclawVersionOf("ghcr.io/openclaw/openclaw:2026.9.6")).toBe("2026.9.6");
    expect(openclawVersionOf("openclaw/openclaw:2026.9.5")).toBe("2026.9.5");
    expect(openclawVersionOf("docker.io/openclaw/openclaw:2026.9.5")).toBe("2026.9.5");
    expect(openclawVersionOf(`ghcr.io/openclaw/openclaw:2026.9.6@sha256:${"a".repeat(64)}`)).toBe(
      "2026.9.6",
    );
    expect(openclawVersionOf("ghcr.io/openclaw/openclaw:latest")).toBe("latest");
    expect(openclawVersionOf(`ghcr.io/openclaw/openclaw@sha256:${"a".repeat(64)}`)).toBe("");
    expect(openclawVersionOf("registry.fly.io/openclaw-gateway:2026.1.1")).toBeUndefined();
    expect(openclawVersionOf("ghcr.io/someone/openclaw:2026.9.6")).toBeUndefined();
  });
});

describe("the listener preload (guest-listen.mjs)", () => {
  const listen = async (code: string, ports: Record<string, number>) => {
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [`--import=${preloadOption(ports).slice('--import="'.length, -1)}`, "-e", code],
      { timeout: 20_000 },
    );
    return JSON.parse(stdout);
  };
  const report =
    "server.on('listening', () => { console.log(JSON.stringify(server.address())); server.close(); });";

  it("moves a listener on all interfaces to 127.0.0.1, whichever way listen is called", async () => {
    const forms = [
      "server.listen(0, '0.0.0.0')",
      "server.listen(0)",
      "server.listen({ port: 0, host: '::' })",
      "server.listen(0, 511)",
    ];
    for (const form of forms) {
      const address = await listen(
        `const server = require('net').createServer(); ${report} ${form};`,
        {},
      );
      expect([form, address.address]).toEqual([form, "127.0.0.1"]);
    }
  });

  it("moves a listener on a declared guest port to its host port, and keeps a chosen host", async () => {
    const { createServer } = await import("node:net");
    const free = await new Promise<number>((resolve) => {
      const probe = createServer().listen(0, "127.0.0.1", () => {
        const port = (probe.address() as { port: number }).port;
        probe.close(() => resolve(port));
      });
    });
    const moved = await listen(
      `const server = require('http').createServer(); ${report} server.listen(3000, '0.0.0.0');`,
      { "3000": free },
    );
    expect(moved).toMatchObject({ address: "127.0.0.1", port: free });
    const kept = await listen(
      `const server = require('net').createServer(); ${report} server.listen(0, '127.0.0.2');`,
      {},
    );
    expect(kept.address).toBe("127.0.0.2");
  });
});
