import type {
  MachineCheck,
  MachineGuest,
  MachineService,
  MachineSpec,
} from "../providers/machine/machine-spec";
import type { HealthCheckTiming } from "./gateway-arguments";
import {
  CONFIG_FILE_MODE,
  CONFIG_PATH,
  GATEWAY_COMMAND,
  GATEWAY_PORT,
  METADATA_APP_KEY,
  METADATA_REGION_KEY,
  STALE_LOCK_GLOB,
  CLEAR_STATE_LEASES,
  STARTUP_CHECK_NAME,
  STARTUP_CHECK_PATH,
  STATE_DIR,
} from "./gateway-constants";
import type { GatewayMode } from "./gateway-constants";
import { nodeHeapMb } from "./vm-sizes";

export type { HealthCheckTiming } from "./gateway-arguments";

/**
 * Everything one region's gateway machine is built from: the component's settings, which met
 * every rule where the arguments came in (`gateway-settings.ts`), so nothing is checked again.
 */
export interface GatewayMachineInput {
  /** Fly app name. */
  app: string;
  /** Region code the machine runs in. */
  region: string;
  /** Pinned image reference. */
  image: string;
  /** Resolved guest (see `resolveGuest`). */
  guest: MachineGuest;
  /** Id of this region's volume, mounted at /data. */
  volumeId: string;
  /**
   * The volume's own region, when known (e.g. from the volume resource). Carried on the mount so
   * the machine resource can refuse a volume from another region before calling Fly.
   */
  volumeRegion?: string;
  /** openclaw.json text as `serializeOpenClawConfig` produced it. */
  openclawConfigText: string;
  mode: GatewayMode;
  /** Private mode only: serve plain HTTP on port 80 to the app's Flycast address. */
  flycast?: boolean;
  /** Extra plain environment; never one of the gateway's own variable names. */
  extraEnv?: Record<string, string>;
  /** Timing of the startup check. */
  healthCheck: HealthCheckTiming;
}

/**
 * The machine's command. The image's ENTRYPOINT (tini) is kept, so tini reaps children and
 * forwards signals; only CMD is replaced. `sh -c` exists to delete lock files a previous boot
 * left on the volume when the machine died without a clean shutdown: the gateway would
 * otherwise wait up to five minutes for a lock owner that no longer exists; the same holds for
 * the ownership lease in its SQLite state that a fork or a restore of a live volume carries
 * (CLEAR_STATE_LEASES). Deleting them blindly is safe here because a Fly volume is attached to
 * exactly one machine and this runs before that machine starts its gateway, so no live process
 * can own them. `exec` then
 * replaces the shell, leaving the gateway as tini's direct child.
 */
export const GATEWAY_INIT_CMD: readonly string[] = [
  "sh",
  "-c",
  `rm -f ${STALE_LOCK_GLOB}; ${CLEAR_STATE_LEASES}; exec ${GATEWAY_COMMAND.join(" ")}`,
];

/**
 * The gateway's own environment for a machine with `memoryMb` of RAM. The config file is
 * shipped outside the volume and marked read-only: OpenClaw's documented "externally managed
 * config" mode, so the gateway never rewrites what the deployment owns. With
 * OPENCLAW_NO_RESPAWN=1 restarts stay in-process instead of re-executing PID 1.
 */
export function gatewayEnv(memoryMb: number): Record<string, string> {
  return {
    NODE_ENV: "production",
    OPENCLAW_STATE_DIR: STATE_DIR,
    OPENCLAW_CONFIG_PATH: CONFIG_PATH,
    OPENCLAW_CONFIG_READONLY: "1",
    NODE_OPTIONS: `--max-old-space-size=${nodeHeapMb(memoryMb)}`,
    OPENCLAW_NO_RESPAWN: "1",
  };
}

// Always-on: a gateway holds bot connections and cron, so Fly must never stop it for idleness.
const ALWAYS_ON = {
  autostopMachines: "off",
  autostartMachines: true,
  minMachinesRunning: 1,
} as const;

/**
 * Services by mode. Public: HTTP on 80 (redirected to HTTPS) and TLS on 443, both to 3000.
 * Private: none, unless Flycast is wanted; Flycast traffic stays inside the private network and
 * carries plain HTTP, so it gets one HTTP port, 80, and no TLS.
 */
export function gatewayServices(mode: GatewayMode, flycast: boolean): MachineService[] {
  if (mode === "public") {
    return [
      {
        protocol: "tcp",
        internalPort: GATEWAY_PORT,
        ports: [
          { port: 80, handlers: ["http"], forceHttps: true },
          { port: 443, handlers: ["tls", "http"] },
        ],
        ...ALWAYS_ON,
      },
    ];
  }
  if (!flycast) return [];
  return [
    {
      protocol: "tcp",
      internalPort: GATEWAY_PORT,
      ports: [{ port: 80, handlers: ["http"] }],
      ...ALWAYS_ON,
    },
  ];
}

/** The machine-level startup check, so private machines without services are checked too. */
export function startupCheck(timing: HealthCheckTiming): MachineCheck {
  return {
    type: "http",
    port: GATEWAY_PORT,
    method: "GET",
    path: STARTUP_CHECK_PATH,
    gracePeriod: timing.gracePeriod,
    interval: timing.interval,
    timeout: timing.timeout,
  };
}

/**
 * Builds the machine configuration of one region's gateway.
 *
 * Restart policy is `always`: the gateway exits 0 after a full-process restart and 78 when it
 * refuses its config, and Fly's default `on-failure` would leave the machine stopped after the
 * first and stop retrying the second; with `always` Fly keeps bringing it back.
 */
export function buildGatewayMachineSpec(input: GatewayMachineInput): MachineSpec {
  const extraEnv = input.extraEnv ?? {};
  const services = gatewayServices(input.mode, input.flycast ?? false);
  return {
    image: input.image,
    guest: { ...input.guest },
    init: { cmd: [...GATEWAY_INIT_CMD] },
    env: { ...extraEnv, ...gatewayEnv(input.guest.memoryMb) },
    files: [
      {
        guestPath: CONFIG_PATH,
        rawValue: Buffer.from(input.openclawConfigText, "utf8").toString("base64"),
        mode: CONFIG_FILE_MODE,
      },
    ],
    mounts: [
      {
        volume: input.volumeId,
        path: STATE_DIR,
        ...(input.volumeRegion !== undefined ? { region: input.volumeRegion } : {}),
      },
    ],
    ...(services.length > 0 ? { services } : {}),
    checks: { [STARTUP_CHECK_NAME]: startupCheck(input.healthCheck) },
    restart: { policy: "always" },
    metadata: { [METADATA_REGION_KEY]: input.region, [METADATA_APP_KEY]: input.app },
  };
}
