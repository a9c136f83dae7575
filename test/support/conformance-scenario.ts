import { expect } from "vitest";
import type { ApiInit, EmulatorFixture } from "../emulator/emulator-support";

/** One API call the scenario made and what came back. */
export interface RecordedCall {
  method: string;
  /** The request path without its query, e.g. `/v1/apps/conf-app/volumes`. */
  path: string;
  status: number;
  body: unknown;
}

type Call = (
  method: string,
  path: string,
  status: number,
  body?: unknown,
  init?: ApiInit,
) => Promise<any>;

const APP = "/v1/apps/conf-app";

/**
 * Drives every route the emulator serves, successes and representative errors, over real HTTP,
 * and returns every call with its answer. Each call states the status it must get, so the
 * scenario fails loudly if the world does not behave as the steps assume.
 */
export async function runConformanceScenario(fx: EmulatorFixture): Promise<RecordedCall[]> {
  const calls: RecordedCall[] = [];
  const call: Call = async (method, path, status, body, init) => {
    const res = await fx.api(method, path, body, init);
    calls.push({ method, path: path.split("?")[0], status: res.status, body: res.body });
    expect(res.status, `${method} ${path}: ${JSON.stringify(res.body)}`).toBe(status);
    return res.body;
  };
  await apps(call);
  const volumeId = await volumes(call, fx);
  await machines(call, volumeId);
  await secrets(call);
  await ips(call);
  await certificates(call, fx);
  await call("DELETE", APP, 202);
  return calls;
}

async function apps(call: Call): Promise<void> {
  await call("POST", "/v1/apps", 201, { name: "conf-app", org_slug: "acme" });
  await call("POST", "/v1/apps", 422, { name: "conf-app", org_slug: "acme" });
  await call("POST", "/v1/apps", 400, undefined, { rawBody: "[1]" });
  await call("GET", "/v1/apps?org_slug=acme", 200);
  await call("GET", APP, 200);
  await call("GET", "/v1/apps/no-such-app", 404);
  await call("GET", APP, 401, undefined, { token: null });
  await call("GET", "/v1/platform/regions", 200);
}

async function volumes(call: Call, fx: EmulatorFixture): Promise<string> {
  const vols = `${APP}/volumes`;
  const volume = await call("POST", vols, 200, { name: "data", region: "iad", size_gb: 1 });
  const one = `${vols}/${volume.id}`;
  await call("POST", vols, 400, { name: "Not-Valid", region: "iad" });
  for (let i = 1; i < 4; i++) await call("POST", vols, 200, { name: "data", region: "iad" });
  await call("POST", vols, 412, { name: "data", region: "iad" });
  await fx.control("POST", "/faults", { kind: "no_capacity", region: "ams" });
  await call("POST", vols, 503, { name: "data", region: "ams" });
  await fx.control("DELETE", "/faults");
  await call("GET", vols, 200);
  await call("GET", `${vols}?summary=true`, 200);
  await call("GET", one, 200);
  await call("GET", `${vols}/vol_0000000000000000`, 404);
  await call("PUT", one, 200, { snapshot_retention: 10, auto_backup_enabled: false });
  await call("PUT", one, 400, { snapshot_retention: 0 });
  await call("PUT", `${one}/extend`, 200, { size_gb: 2 });
  await call("PUT", `${one}/extend`, 400, { size_gb: 1 });
  await call("POST", `${one}/snapshots`, 200);
  await call("GET", `${one}/snapshots`, 200);
  return volume.id;
}

async function machines(call: Call, volumeId: string): Promise<void> {
  const list = `${APP}/machines`;
  const config = {
    image: "registry.fly.io/conf-app:v1",
    guest: { cpu_kind: "shared", cpus: 1, memory_mb: 512 },
    env: { NODE_ENV: "production" },
    metadata: { fly_process_group: "app" },
    services: [
      {
        protocol: "tcp",
        internal_port: 3000,
        ports: [{ port: 443, handlers: ["tls", "http"] }],
        checks: [{ type: "http", interval: "10s", timeout: "2s", path: "/startupz" }],
      },
    ],
    checks: { alive: { type: "tcp", port: 3000, interval: "15s", timeout: "2s" } },
    mounts: [{ volume: volumeId, path: "/data" }],
    restart: { policy: "on-failure", max_retries: 3 },
  };
  const machine = await call("POST", list, 200, { region: "iad", config });
  const one = `${list}/${machine.id}`;
  const wait = (state: string) => call("GET", `${one}/wait?state=${state}&timeout=10`, 200);
  await call("POST", list, 400, { region: "iad", config: { guest: { cpus: 1 } } });
  await call("GET", list, 200);
  await call("GET", `${list}/00000000000000`, 404);
  await wait("started");
  await call("GET", one, 200);
  await call("GET", `${one}/wait?state=sleeping`, 400);
  await call("POST", `${one}/start`, 412);

  const lease = await call("POST", `${one}/lease`, 201, { ttl: 30, description: "conformance" });
  await call("POST", `${one}/lease`, 409, { ttl: 30 });
  await call("GET", `${one}/lease`, 200);
  const nonce = { headers: { "fly-machine-lease-nonce": lease.data.nonce } };
  await call("DELETE", `${one}/lease`, 200, undefined, nonce);

  await call("GET", `${one}/metadata`, 200);
  await call("POST", `${one}/metadata/role`, 204, { value: "gateway" });
  await call("GET", `${one}/metadata/role`, 200);
  await call("GET", `${one}/metadata/nothing`, 404);
  await call("PUT", `${one}/metadata`, 204, { metadata: { role: "gw", tier: "a" } });
  await call("PATCH", `${one}/metadata`, 204, { metadata: { tier: null } });
  await call("PATCH", `${one}/metadata`, 412, { metadata: {}, machine_version: "01J0" });
  await call("DELETE", `${one}/metadata/role`, 204);

  await call("POST", `${one}/cordon`, 200);
  await call("POST", `${one}/uncordon`, 200);
  await call("POST", `${one}/signal`, 200, { signal: "SIGUSR1" });
  await call("POST", `${one}/signal`, 400, { signal: "SIGNOPE" });
  await call("GET", `${one}/events`, 200);
  await call("GET", `${one}/versions`, 200);
  const updated = await call("POST", one, 200, {
    config: { ...config, env: { NODE_ENV: "staging" } },
  });
  await call("POST", one, 400, { region: "ams", config });
  await call("GET", `${one}/wait?state=started&version=${updated.instance_id}&timeout=10`, 200);
  await call("POST", `${one}/restart`, 200);
  await wait("started");
  await call("POST", `${one}/suspend`, 200);
  await wait("suspended");
  await call("POST", `${one}/start`, 200);
  await wait("started");
  await call("POST", `${one}/stop`, 200, { signal: "SIGTERM", timeout: "5s" });
  await call("POST", `${one}/stop`, 400, { signal: "SIGNOPE" });
  await wait("stopped");

  await call("DELETE", `${APP}/volumes/${volumeId}`, 412);
  await call("DELETE", one, 200);
  await wait("destroyed");
  await call("GET", one, 200);
  await call("DELETE", `${APP}/volumes/${volumeId}`, 200);
}

async function secrets(call: Call): Promise<void> {
  const all = `${APP}/secrets`;
  await call("GET", all, 200);
  await call("POST", all, 200, { values: { OPENAI_API_KEY: "sk-1", STALE: null } });
  await call("POST", all, 400, { values: { "1BAD": "x" } });
  await call("POST", `${all}/GATEWAY_TOKEN`, 201, { value: "t0k3n" });
  await call("POST", `${all}/1BAD`, 400, { value: "x" });
  await call("GET", `${all}/GATEWAY_TOKEN`, 200);
  await call("GET", `${all}/MISSING`, 404);
  await call("GET", `${all}?min_version=99`, 412);
  await call("GET", `${all}?show_secrets=true`, 403);
  await call("DELETE", `${all}/GATEWAY_TOKEN`, 200);
  await call("DELETE", `${all}/GATEWAY_TOKEN`, 404);
}

async function ips(call: Call): Promise<void> {
  const all = `${APP}/ip_assignments`;
  const v6 = await call("POST", all, 200, { type: "v6" });
  await call("POST", all, 200, { type: "shared_v4" });
  await call("POST", all, 200, { type: "private_v6", network: "conf-net" });
  await call("POST", all, 400, { type: "ipv9" });
  await call("GET", all, 200);
  await call("DELETE", `${all}/${v6.ip}`, 204);
  await call("DELETE", `${all}/${v6.ip}`, 404);
}

async function certificates(call: Call, fx: EmulatorFixture): Promise<void> {
  const all = `${APP}/certificates`;
  await call("POST", `${all}/acme`, 201, { hostname: "gw.example.com" });
  await call("POST", `${all}/acme`, 201, { hostname: "api.example.com" });
  await call("POST", `${all}/acme`, 422, { hostname: "not a hostname" });
  await call("GET", `${all}?limit=1`, 200);
  await call("GET", `${all}?limit=0`, 400);
  await call("GET", `${all}/gw.example.com`, 200);
  await call("POST", `${all}/gw.example.com/check`, 200);
  // Issuance completes by the emulator clock; move it past the issuance delay.
  await fx.control("POST", "/clock", { advance_ms: fx.handle.emulator.settings.checksMs });
  await call("GET", all, 200);
  await call("GET", `${all}/gw.example.com`, 200);
  await call("POST", `${all}/gw.example.com/check`, 200);
  await call("DELETE", `${all}/gw.example.com`, 204);
  await call("GET", `${all}/gw.example.com`, 404);
}
