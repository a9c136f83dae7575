/**
 * `check` of FlyMachine: the input schema, the rules that combine several inputs, and the
 * normalized inputs (defaults filled) that diff, create and update receive.
 *
 * Everything Fly would refuse at apply time is refused here first, so a preview already shows
 * it: an unknown region, a CPU count or memory size the CPU kind does not offer, a mount of a
 * volume in another region, a malformed duration or variable name.
 */
import { z } from "zod";
import type * as Zod from "zod";
import { schemaProblems, toCheckFailures } from "../provider-kit/check-failures";
import type { CheckFailure, Problem } from "../provider-kit/check-failures";
import {
  DEFAULT_HEALTH_TIMEOUT_SECONDS,
  MAX_HEALTH_TIMEOUT_SECONDS,
} from "../../rules/deployment-defaults";
import { appNameProblem, envNameProblem, machineNameProblem } from "../../rules/fly-names";
import { regionProblem } from "../../rules/fly-regions";
import { CPU_COUNTS, cpuCountProblem, memoryProblem } from "../../rules/fly-sizes";
import { durationProblem } from "../../rules/go-durations";
import { normalizeSpec, RESERVED_METADATA_KEYS, SPEC_KEYS, specOf } from "./machine-normal-form";
import { stackIdentityProblem } from "../provider-kit/ownership";
import type { MachineSpec } from "./machine-spec";
import { compact } from "../provider-kit/provider-values";
import { anyUnknown } from "../provider-kit/unknowns";

/** Inputs of FlyMachine as its provider receives them (resolved, normalized by `check`). */
export interface FlyMachineInputs extends MachineSpec {
  /** The app the machine belongs to. Changing it replaces the machine. */
  app: string;
  /** Machine name, unique within the app. Changing it replaces the machine. */
  name: string;
  /** Region code. Changing it replaces the machine. */
  region: string;
  /** Boot with app secrets at least this new (the FlySecrets `version`). */
  minSecretsVersion?: number;
  /** Seconds to wait for a new version to start, and again for its checks to pass. */
  healthTimeoutSeconds: number;
  /** The declaring stack, `<project>/<stack>`, written into the machine's metadata. */
  stack: string;
  /** The stack whose marked machine this one may take over. */
  takeOverFrom?: string;
  /**
   * The size of the mounted volume in GB: a larger one than the machine was last booted for
   * makes the update boot it again, so the machine sees the whole volume.
   */
  volumeSizeGb?: number;
  /**
   * Snapshot the mounted volume right before an update to a new image or command, and restore
   * it with the previous configuration if the new version fails (see `machine-upgrade.ts`).
   */
  snapshotBeforeUpdate?: boolean;
  /** Boot a new image on a fork of the volume, healthy, before the machine gets it. */
  rehearseUpgrades?: boolean;
}

/** Wraps a single-value rule as a zod refinement with the rule's own reason. */
function rule(z: typeof Zod.z, problem: (value: string) => string | undefined) {
  return z.string().superRefine((value, ctx) => {
    const reason = problem(value);
    if (reason !== undefined) ctx.addIssue({ code: "custom", message: reason });
  });
}

function machineInputSchema() {
  const duration = rule(z, durationProblem);
  const port = z.number().int().min(1).max(65535);
  const strings = z.array(z.string());
  const check = z.object({
    type: z.enum(["http", "tcp"]),
    port,
    method: z.string().optional(),
    path: z.string().startsWith("/").optional(),
    interval: duration,
    timeout: duration,
    gracePeriod: duration.optional(),
  });
  const service = z.object({
    protocol: z.enum(["tcp", "udp"]),
    internalPort: port,
    ports: z.array(z.object({ port, handlers: strings, forceHttps: z.boolean().optional() })),
    autostopMachines: z.enum(["off", "stop", "suspend"]).optional(),
    autostartMachines: z.boolean().optional(),
    minMachinesRunning: z.number().int().min(0).optional(),
  });
  const file = z.object({
    guestPath: z.string().startsWith("/", "must be an absolute path"),
    rawValue: z.string().optional(),
    secretName: z.string().optional(),
    mode: z.number().int().min(0).max(0o7777).optional(),
  });
  return z.object({
    app: rule(z, appNameProblem),
    name: rule(z, machineNameProblem),
    region: rule(z, regionProblem),
    image: z.string().regex(/^\S+$/, "must be an image reference without spaces"),
    guest: z.object({
      cpuKind: z.enum(Object.keys(CPU_COUNTS) as (keyof typeof CPU_COUNTS)[]),
      cpus: z.number().int().positive(),
      memoryMb: z.number().int().positive(),
    }),
    env: z.record(z.string(), z.string()).optional(),
    files: z.array(file).optional(),
    init: z
      .object({ entrypoint: strings.optional(), cmd: strings.optional(), exec: strings.optional() })
      .optional(),
    mounts: z
      .array(
        z.object({
          volume: z.string().min(1),
          path: z.string().startsWith("/", "must be an absolute path"),
          region: rule(z, regionProblem).optional(),
        }),
      )
      .max(1, "a machine can mount at most one volume")
      .optional(),
    services: z.array(service).optional(),
    checks: z.record(z.string(), check).optional(),
    restart: z
      .object({
        policy: z.enum(["no", "always", "on-failure"]),
        maxRetries: z.number().int().min(0).optional(),
      })
      .optional(),
    metadata: z.record(z.string(), z.string()).optional(),
    stopConfig: z
      .object({
        signal: z
          .enum(["SIGHUP", "SIGINT", "SIGQUIT", "SIGKILL", "SIGUSR1", "SIGUSR2", "SIGTERM"])
          .optional(),
        timeout: duration.optional(),
      })
      .optional(),
    autoDestroy: z.boolean().optional(),
    minSecretsVersion: z.number().int().min(0).optional(),
    healthTimeoutSeconds: z.number().positive().max(MAX_HEALTH_TIMEOUT_SECONDS).optional(),
    stack: rule(z, stackIdentityProblem),
    takeOverFrom: rule(z, stackIdentityProblem).optional(),
    volumeSizeGb: z.number().int().positive().optional(),
    snapshotBeforeUpdate: z.boolean().optional(),
    rehearseUpgrades: z.boolean().optional(),
  });
}

type Raw = Record<string, unknown>;

function record(value: unknown): Raw | undefined {
  return typeof value === "object" && value !== null && !Array.isArray(value)
    ? (value as Raw)
    : undefined;
}

/** Rules spanning several inputs; each is skipped while one of its inputs is unknown. */
function crossInputProblems(news: Raw): Problem[] {
  const problems: Problem[] = [];
  const guest = record(news.guest);
  if (guest && typeof guest.cpuKind === "string" && typeof guest.cpus === "number") {
    const cpus = cpuCountProblem(guest.cpuKind, guest.cpus);
    if (cpus !== undefined) problems.push({ path: ["guest", "cpus"], reason: cpus });
    const memory =
      typeof guest.memoryMb === "number" && cpus === undefined
        ? memoryProblem(guest.cpuKind, guest.cpus, guest.memoryMb)
        : undefined;
    if (memory !== undefined) problems.push({ path: ["guest", "memoryMb"], reason: memory });
  }
  const mounts = Array.isArray(news.mounts) ? news.mounts : [];
  mounts.forEach((entry, index) => {
    const mount = record(entry);
    if (!mount || mount.region === undefined || anyUnknown(mount.region, news.region)) return;
    if (mount.region !== news.region) {
      problems.push({
        path: ["mounts", index, "region"],
        reason: `volume ${String(mount.volume)} is in region ${String(mount.region)} but the machine is in ${String(news.region)}: a machine can only mount a volume in its own region`,
      });
    }
  });
  for (const name of Object.keys(record(news.env) ?? {})) {
    const reason = envNameProblem(name);
    if (reason !== undefined) problems.push({ path: ["env", name], reason });
  }
  for (const name of Object.keys(record(news.metadata) ?? {})) {
    if (RESERVED_METADATA_KEYS.includes(name)) {
      problems.push({ path: ["metadata", name], reason: "is reserved for the provider's own use" });
    }
  }
  (Array.isArray(news.files) ? news.files : []).forEach((entry, index) => {
    const file = record(entry);
    if (!file || anyUnknown(file.rawValue, file.secretName)) return;
    if ((file.rawValue === undefined) === (file.secretName === undefined)) {
      problems.push({
        path: ["files", index],
        reason: "must set exactly one of rawValue or secretName",
      });
    }
  });
  return problems;
}

/** What `check` answers: failures, or the normalized inputs. */
export type MachineCheckResult =
  | { failures: CheckFailure[]; inputs?: undefined }
  | { failures?: undefined; inputs: FlyMachineInputs };

/**
 * Validates FlyMachine inputs and returns the normalized inputs with defaults filled. Values
 * that are unknown during a preview pass through untouched.
 */
export function checkMachineInputs(news: Raw): MachineCheckResult {
  const problems = [...schemaProblems(machineInputSchema(), news), ...crossInputProblems(news)];
  const failures = toCheckFailures(news, problems);
  if (failures.length > 0) return { failures };
  const spec = normalizeSpec(specOf(news));
  const inputs = compact({
    ...news,
    ...Object.fromEntries(SPEC_KEYS.map((key) => [key, undefined])),
    ...spec,
    healthTimeoutSeconds: news.healthTimeoutSeconds ?? DEFAULT_HEALTH_TIMEOUT_SECONDS,
  });
  return { inputs: inputs as unknown as FlyMachineInputs };
}
