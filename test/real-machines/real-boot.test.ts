import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { request } from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pinnedNode } from "../../gateway-runtime/pinned-node";
import { installedRuntime } from "../../gateway-runtime/runtime-install";
import { GUEST_LISTEN_MODULE } from "../../emulator/real-machines/guest-env";
import type { EmulatorFixture } from "../emulator/emulator-support";
import { createApp, createVolume, machinePath } from "../emulator/machine-support";
import {
  FAKE_VERSION,
  consoleLines,
  fakeConfig,
  healthy,
  installFakeRuntime,
  localUrl,
  startRealFixture,
  whoami,
  type FakeRuntime,
} from "./real-support";

const SECRET = "real-boot-secret-value-8c1f5e2a9b";
const CONFIG_TEXT = '{"gateway":{"mode":"local"}}';
let runtime: FakeRuntime;
let fx: EmulatorFixture;
const logs: string[] = [];
let id = "";
let volume = "";
let me: any;

beforeAll(async () => {
  runtime = installFakeRuntime();
  fx = await startRealFixture(runtime, {}, logs);
  await createApp(fx, "gw");
  await fx.api("POST", "/v1/apps/gw/secrets", { values: { OPENCLAW_GATEWAY_TOKEN: SECRET } });
  volume = await createVolume(fx, "gw");
  const created = await fx.api("POST", "/v1/apps/gw/machines", {
    region: "iad",
    config: fakeConfig({
      guest: { cpu_kind: "shared", cpus: 1, memory_mb: 1024 },
      env: {
        OPENCLAW_STATE_DIR: "/data",
        OPENCLAW_CONFIG_PATH: "/etc/openclaw/openclaw.json",
        NODE_OPTIONS: "--max-old-space-size=768",
        SCRATCH: "/tmp/x:/data/y:/srv/data",
      },
      files: [
        {
          guest_path: "/etc/openclaw/openclaw.json",
          raw_value: Buffer.from(CONFIG_TEXT).toString("base64"),
          mode: 0o640,
        },
      ],
      mounts: [{ volume, path: "/data" }],
      metadata: { fly_process_group: "app" },
    }),
  });
  expect(created.status).toBe(200);
  id = created.body.id;
  await healthy(fx, "gw", id);
  me = await whoami(await localUrl(fx, id));
});
afterAll(async () => {
  await fx.close();
  runtime.remove();
});

describe("a real machine boots its config's command", () => {
  it("runs the installed runtime's openclaw.mjs on the pinned Node, from the image's WORKDIR", async () => {
    const packageDir = installedRuntime(FAKE_VERSION, runtime)!.packageDir;
    expect(me.node).toBe(pinnedNode().version);
    expect(me.cwd).toBe(packageDir);
    // The `sh -c` of the command exec'd node: the guest's main process is the gateway itself.
    const { body } = await fx.control("GET", "/state");
    const hostPort = body.machines[id].local_ports["3000"];
    expect(me.argv).toEqual([
      join(packageDir, "openclaw.mjs"),
      "gateway",
      "--port",
      String(hostPort),
      "--bind",
      "lan",
    ]);
  });

  it("listens on loopback only, on its own port for guest port 3000", async () => {
    const { body } = await fx.control("GET", "/state");
    const record = body.machines[id];
    expect(Object.keys(record.local_ports)).toEqual(["3000"]);
    expect(record.local_url).toBe(`http://127.0.0.1:${record.local_ports["3000"]}`);
    expect(me.host).toBe("127.0.0.1");
  });

  it("gets Fly's runtime variables, its env with guest paths mapped, its secrets and an offline npm", () => {
    const root = fx.handle.emulator.real!.folders;
    const rootfs = root.rootfs(id);
    expect(me.env).toMatchObject({
      FLY_APP_NAME: "gw",
      FLY_MACHINE_ID: id,
      FLY_ALLOC_ID: id,
      FLY_REGION: "iad",
      FLY_IMAGE_REF: `ghcr.io/openclaw/openclaw:${FAKE_VERSION}`,
      FLY_PROCESS_GROUP: "app",
      FLY_VM_MEMORY_MB: "1024",
      OPENCLAW_STATE_DIR: root.volume(volume),
      OPENCLAW_CONFIG_PATH: join(rootfs, "etc/openclaw/openclaw.json"),
      SCRATCH: `${join(rootfs, "tmp")}/x:${root.volume(volume)}/y:/srv/data`,
      HOME: join(rootfs, "home/node"),
      TMPDIR: join(rootfs, "tmp"),
      npm_config_offline: "true",
      USER: "node",
      OPENCLAW_GATEWAY_TOKEN: SECRET,
    });
    expect(me.env.PATH.split(":")[0]).toBe(pinnedNode().binDir);
    expect(me.env.NODE_OPTIONS).toMatch(
      new RegExp(
        `^--max-old-space-size=768 --import="file://${GUEST_LISTEN_MODULE}\\?ports=3000:\\d+"$`,
      ),
    );
    // Nothing of the emulator's own environment.
    expect(me.env.VITEST).toBeUndefined();
    expect(me.env.FLY_PUBLIC_IP).toBeUndefined();
  });

  it("finds its files where the guest expects them, with their mode", async () => {
    const path = me.env.OPENCLAW_CONFIG_PATH;
    expect(readFileSync(path, "utf8")).toBe(CONFIG_TEXT);
    expect(await (await request(`${await localUrl(fx, id)}/file?path=${path}`)).body.text()).toBe(
      CONFIG_TEXT,
    );
    const { statSync } = await import("node:fs");
    expect(statSync(path).mode & 0o777).toBe(0o640);
  });

  it("writes to its volume's own folder", () => {
    const boots = join(fx.handle.emulator.real!.folders.volume(volume), "boots.txt");
    expect(readFileSync(boots, "utf8")).toBe(`${me.pid}\n`);
  });

  it("never shows a secret's value in the served state or the state the emulator holds", async () => {
    const served = await (await request(`${fx.handle.url}/__emulator/state`)).body.text();
    expect(served).not.toContain(SECRET);
    expect(JSON.stringify(fx.handle.emulator.state)).not.toContain(SECRET);
    const secrets = JSON.parse(served).secrets.gw.secrets;
    expect(Object.keys(secrets.OPENCLAW_GATEWAY_TOKEN).sort()).toEqual([
      "created_at",
      "digest",
      "name",
      "updated_at",
    ]);
  });

  it("has checks that are real probes of the process", async () => {
    const machine = (await fx.api("GET", machinePath("gw", id))).body;
    expect(machine.checks).toEqual([
      {
        name: "startup",
        status: "passing",
        output: `GET http://[${machine.private_ip}]:3000/startupz: 200 OK Output: {"ok":true,"status":"started"}`,
        updated_at: expect.any(String),
      },
    ]);
  });

  it("prints its console to the logs, with Fly init's lines", async () => {
    const lines = await consoleLines(fx, id);
    expect(lines.slice(0, 3)).toEqual([
      `Pulling container image ghcr.io/openclaw/openclaw:${FAKE_VERSION}`,
      expect.stringMatching(
        new RegExp(
          `^Successfully prepared image ghcr.io/openclaw/openclaw:${FAKE_VERSION} \\(\\d+\\.\\ds\\)$`,
        ),
      ),
      `Preparing to run: \`sh -c "rm -f ${fx.handle.emulator.real!.folders.volume(volume)}/tmp/openclaw-*/gateway.*.lock; exec node openclaw.mjs gateway --port ${portOf(me)} --bind lan"\` as node`,
    ]);
    expect(lines).toContain(`fake gateway ${me.pid} starting on port ${portOf(me)}`);
    expect(lines).toContain("fake gateway: a line on stderr");
    expect(existsSync(fx.handle.emulator.real!.folders.consoleLog(id))).toBe(true);
    expect(logs).toContainEqual(
      expect.stringMatching(
        new RegExp(
          `^machine ${id} \\(app gw, region iad\\): running ghcr.io/openclaw/openclaw:${FAKE_VERSION} as process \\d+ at http://127.0.0.1:\\d+`,
        ),
      ),
    );
  });

  it("serves its lines through Fly's logs API, page by page", async () => {
    const first = await fx.api("GET", `/api/v1/apps/gw/logs?instance=${id}`);
    expect(first.status).toBe(200);
    const messages = first.body.data.map((d: any) => d.attributes.message);
    expect(messages).toContain("fake gateway: a line on stderr");
    expect(first.body.data[0].attributes).toMatchObject({
      instance: id,
      region: "iad",
      level: "info",
      meta: { instance: id, region: "iad", event: { provider: "runner" } },
    });
    const next = await fx.api(
      "GET",
      `/api/v1/apps/gw/logs?next_token=${first.body.meta.next_token}`,
    );
    expect(next.body).toEqual({ data: [], meta: { next_token: first.body.meta.next_token } });
    expect((await fx.api("GET", "/api/v1/apps/gw/logs", undefined, { token: null })).status).toBe(
      401,
    );
  });
});

function portOf(whoamiAnswer: { argv: string[] }): number {
  return Number(whoamiAnswer.argv[whoamiAnswer.argv.indexOf("--port") + 1]);
}
