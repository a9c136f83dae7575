import type { Input } from "@pulumi/pulumi";
import type { MachineGuest } from "../providers/machine/machine-spec";
import { checkGatewayArgs } from "./gateway-args-rules";
import {
  DEFAULT_HEALTH_CHECK,
  DEFAULT_HEALTH_TIMEOUT_SECONDS,
  DEFAULT_IMAGE,
} from "./gateway-constants";
import type { HealthCheckTiming } from "./gateway-machine-spec";
import type { GatewayMode, OpenClawSettings } from "./openclaw-config";
import { parseOpenClawSettings } from "./openclaw-settings";
import { ValidationError } from "./validation";
import { DEFAULT_VM_SIZE, VM_SIZE_PRESETS, defaultMemoryMb, type VmSizePreset } from "./vm-sizes";

/** How a change reaches the regions: first region alone first, one at a time, or all at once. */
export type RolloutStrategy = "canary" | "serial" | "parallel";

/** Build the image from source instead of pulling a published one. */
export interface GatewayBuildArgs {
  /** Directory sent to the builder. */
  context: string;
  /** Dockerfile path relative to `context`; defaults to "Dockerfile". */
  dockerfile?: string;
}

/** Arguments of the OpenClaw gateway component. Omitted optional fields take the stated default. */
export interface OpenClawGatewayArgs {
  /** Fly app name (1-63 lowercase letters, digits, dashes; no dash at either end). */
  appName: string;
  /** Fly organization slug, e.g. "personal". */
  org: string;
  /** Region codes, unique; the first is the primary and the canary. */
  regions: string[];
  /** "public" (default): HTTPS on `<app>.fly.dev`. "private": no public ingress. */
  mode?: GatewayMode;
  /** Private mode: also serve HTTP on a Flycast address (default false). */
  flycast?: boolean;
  /** VM size preset (default shared-cpu-2x). */
  vmSize?: VmSizePreset;
  /** Memory in MB (default: the larger of the preset's memory and 2048). */
  memoryMb?: number;
  /** Accept memory below 1024 MB, where the gateway runs out of memory (default false). */
  allowLowMemory?: boolean;
  /** Size of each region's volume in GB, 1..500 (default 1). */
  volumeSizeGb?: number;
  /** Pinned image reference (default ghcr.io/openclaw/openclaw:2026.9.6); excludes `build`. */
  image?: string;
  /** Build the image from source; excludes `image`. */
  build?: GatewayBuildArgs;
  /** Rollout across regions (default "canary"). */
  rollout?: RolloutStrategy;
  /** Startup check timing as Go durations (default 2m grace, 15s interval, 5s timeout). */
  healthCheck?: Partial<HealthCheckTiming>;
  /** How long an update may take to pass its checks, in seconds (default 600). */
  healthTimeoutSeconds?: number;
  /** Keep volumes when the gateway or a region is removed (default true). */
  retainVolumes?: boolean;
  /** Snapshot a volume before it is deleted (default true). */
  snapshotBeforeDelete?: boolean;
  /** Extra plain environment variables. */
  extraEnv?: Record<string, string>;
  /** openclaw.json settings. */
  openclaw?: OpenClawSettings;
  /**
   * Gateway token (secret, at least 24 characters); generated when absent. May be an Output
   * (e.g. from `config.requireSecret`), whose text is checked where it was read.
   */
  gatewayToken?: Input<string>;
  /** Model-provider keys by env name, e.g. `{ ANTHROPIC_API_KEY: "..." }` (secrets). */
  providerKeys?: Record<string, Input<string>>;
  /** Channel tokens by env name, e.g. `{ TELEGRAM_BOT_TOKEN: "..." }` (secrets). */
  channelTokens?: Record<string, Input<string>>;
}

/** Arguments after validation, with every default applied; `guest` is the resolved VM. */
export interface NormalizedGatewayArgs extends Required<
  Omit<OpenClawGatewayArgs, "image" | "build" | "gatewayToken" | "healthCheck">
> {
  /** The first region. */
  primaryRegion: string;
  guest: MachineGuest;
  healthCheck: HealthCheckTiming;
  /** Set unless `build` is. */
  image?: string;
  build?: Required<GatewayBuildArgs>;
  gatewayToken?: Input<string>;
}

/**
 * Validates the component's arguments and applies defaults. Every problem is reported at once,
 * each as `<field>: <rule>`. Secret values (token, keys) are never part of a message.
 *
 * @throws ValidationError listing every problem
 */
export function validateGatewayArgs(args: OpenClawGatewayArgs): NormalizedGatewayArgs {
  const checked = checkGatewayArgs(args);
  if (!checked.ok) throw new ValidationError("OpenClawGateway arguments", checked.problems);
  const a = checked.args;
  // Already known to be valid (checkGatewayArgs found nothing); parsed again for its value.
  const openclaw = parseOpenClawSettings(a.openclaw ?? {});
  const vmSize = a.vmSize ?? DEFAULT_VM_SIZE;
  const memoryMb = a.memoryMb ?? defaultMemoryMb(vmSize);
  const { cpuKind, cpus } = VM_SIZE_PRESETS[vmSize];
  return {
    appName: a.appName,
    org: a.org,
    regions: [...a.regions],
    primaryRegion: a.regions[0],
    mode: a.mode ?? "public",
    flycast: a.flycast ?? false,
    vmSize,
    memoryMb,
    allowLowMemory: a.allowLowMemory ?? false,
    guest: { cpuKind, cpus, memoryMb },
    volumeSizeGb: a.volumeSizeGb ?? 1,
    ...(a.build !== undefined
      ? { build: { context: a.build.context, dockerfile: a.build.dockerfile ?? "Dockerfile" } }
      : { image: a.image ?? DEFAULT_IMAGE }),
    rollout: a.rollout ?? "canary",
    healthCheck: {
      gracePeriod: a.healthCheck?.gracePeriod ?? DEFAULT_HEALTH_CHECK.gracePeriod,
      interval: a.healthCheck?.interval ?? DEFAULT_HEALTH_CHECK.interval,
      timeout: a.healthCheck?.timeout ?? DEFAULT_HEALTH_CHECK.timeout,
    },
    healthTimeoutSeconds: a.healthTimeoutSeconds ?? DEFAULT_HEALTH_TIMEOUT_SECONDS,
    retainVolumes: a.retainVolumes ?? true,
    snapshotBeforeDelete: a.snapshotBeforeDelete ?? true,
    extraEnv: { ...a.extraEnv },
    openclaw: openclaw.ok ? openclaw.settings : {},
    ...(a.gatewayToken !== undefined ? { gatewayToken: a.gatewayToken } : {}),
    providerKeys: { ...a.providerKeys },
    channelTokens: { ...a.channelTokens },
  };
}
