/**
 * OpenClawGateway's arguments checked once: each against its own rule (`gateway-arguments.ts`),
 * then the rules that span several arguments, then every default applied. What comes out is the
 * component's settings; the component accepts them as they are, without checking them again.
 */
import * as pulumi from "@pulumi/pulumi";
import { VM_SIZE_PRESETS, isVmSizePreset, type FlyGuest } from "../rules/fly-sizes";
import { parseDurationMs } from "../rules/go-durations";
import { DEFAULT_HEALTH_CHECK, DEFAULT_HEALTH_TIMEOUT_SECONDS } from "../rules/deployment-defaults";
import type { Checked } from "./argument-table";
import { envNameProblems } from "./env-names";
import { checkOpenClawArgument } from "./openclaw-args";
import type { OpenClawConfigJson } from "./openclaw-config";
import {
  GATEWAY_ARGUMENTS,
  GATEWAY_ARGUMENT_NAMES,
  type OpenClawGatewayArgs,
  type SettledGatewayArguments,
} from "./gateway-arguments";
import { ValidationError, isPlainRecord } from "./validation";
import { DEFAULT_VM_SIZE, defaultMemoryMb, memoryProblems } from "./vm-sizes";

/** The component's settings: every argument with its default, plus what follows from them. */
export type GatewaySettings = Readonly<
  SettledGatewayArguments & {
    /** The first region: the primary and the canary. */
    primaryRegion: string;
    /** The machines' CPUs and memory, from `vmSize` and `memoryMb`. */
    guest: FlyGuest;
    /** openclaw.json as it ships: `openclaw` converted, checked and merged with the gateway block. */
    openclawConfig: OpenClawConfigJson;
    /** What that check converted or found suspect, for Pulumi's log (one line each). */
    openclawWarnings: readonly string[];
  }
>;

// Settings made by `checkGatewayArgs`: the component takes these without checking them again.
const checkedSettings = new WeakSet<object>();

/** Whether `value` is settings `checkGatewayArgs` made (and so already met every rule). */
export function isGatewaySettings(value: unknown): value is GatewaySettings {
  return typeof value === "object" && value !== null && checkedSettings.has(value);
}

/**
 * Checks raw arguments against every rule, each problem as one `<argument>: <rule>` line; on
 * success returns the settings. A secret value is never part of a line.
 */
export function checkGatewayArgs(raw: unknown): Checked<GatewaySettings> {
  if (!isPlainRecord(raw)) return { ok: false, problems: ["arguments: must be an object"] };
  const problems: string[] = [];
  for (const key of Object.keys(raw)) {
    if (!Object.hasOwn(GATEWAY_ARGUMENTS, key) && raw[key] !== undefined) {
      problems.push(`${key}: unknown argument`);
    }
  }
  const checked: Record<string, unknown> = {};
  for (const key of GATEWAY_ARGUMENT_NAMES) {
    const value = raw[key];
    if (value === undefined) {
      if (GATEWAY_ARGUMENTS[key].required) problems.push(`${key}: is required`);
      continue;
    }
    const result = GATEWAY_ARGUMENTS[key].check(value, key);
    if (result.ok) checked[key] = result.value;
    else problems.push(...result.problems);
  }
  problems.push(...crossArgumentProblems(raw));
  if (problems.length > 0) return { ok: false, problems };
  return { ok: true, value: settle(checked) };
}

/**
 * The settings of `args`, checked against every rule.
 *
 * @throws ValidationError listing every problem
 */
export function validateGatewayArgs(args: OpenClawGatewayArgs): GatewaySettings {
  const checked = checkGatewayArgs(args);
  if (!checked.ok)
    throw new ValidationError("OpenClawGateway arguments are invalid", checked.problems);
  return checked.value;
}

function settle(checked: Readonly<Record<string, unknown>>): GatewaySettings {
  const settled: Record<string, unknown> = {};
  for (const key of GATEWAY_ARGUMENT_NAMES) {
    const spec = GATEWAY_ARGUMENTS[key];
    const value = (spec.settle as (value: unknown, others: typeof checked) => unknown)(
      checked[key],
      checked,
    );
    if (value !== undefined) settled[key] = spec.secret ? asSecret(value) : value;
  }
  const args = settled as SettledGatewayArguments;
  const { cpuKind, cpus } = VM_SIZE_PRESETS[args.vmSize];
  // Already checked with the raw arguments (crossArgumentProblems); this returns that result.
  const openclaw = checkOpenClawArgument(args as unknown as Record<string, unknown>);
  if (openclaw.config === undefined) {
    throw new ValidationError("OpenClawGateway arguments are invalid", openclaw.problems);
  }
  const settings: GatewaySettings = Object.freeze({
    ...args,
    primaryRegion: args.regions[0],
    guest: { cpuKind, cpus, memoryMb: args.memoryMb },
    openclawConfig: openclaw.config,
    openclawWarnings: openclaw.warnings,
  });
  checkedSettings.add(settings);
  return settings;
}

// A secret argument is a secret wherever it goes, however the caller passed it; a map of
// secrets keeps its names plain (they become Fly secret names) and each value secret.
function asSecret(value: unknown): unknown {
  if (isPlainRecord(value)) {
    return Object.fromEntries(Object.entries(value).map(([name, v]) => [name, pulumi.secret(v)]));
  }
  return pulumi.secret(value);
}

// Rules spanning several arguments, run on the raw input so they report even when other
// arguments fail. Each guard skips a rule whose inputs already failed their own, so nothing is
// said twice.
function crossArgumentProblems(raw: Record<string, unknown>): string[] {
  const problems: string[] = [];
  if (raw.image !== undefined && raw.build !== undefined) {
    problems.push("build: only one of `image` or `build` can be provided");
  }
  const size = raw.vmSize ?? DEFAULT_VM_SIZE;
  const allowLow = raw.allowLowMemory ?? false;
  if (isVmSizePreset(size) && typeof allowLow === "boolean") {
    const memoryMb = raw.memoryMb ?? defaultMemoryMb(size);
    if (typeof memoryMb === "number") problems.push(...memoryProblems(size, memoryMb, allowLow));
  }
  if (raw.flycast === true && raw.mode !== "private") {
    problems.push(
      'flycast: only applies to mode "private"; public mode is served on <app>.fly.dev',
    );
  }
  if (Array.isArray(raw.domains) && raw.domains.length > 0 && raw.mode === "private") {
    problems.push(
      'domains: only apply to mode "public": a private gateway has no public address to certify',
    );
  }
  const grace = isPlainRecord(raw.healthCheck) ? raw.healthCheck.gracePeriod : undefined;
  const graceText = typeof grace === "string" ? grace : DEFAULT_HEALTH_CHECK.gracePeriod;
  const graceMs = parseDurationMs(graceText);
  const timeout = raw.healthTimeoutSeconds ?? DEFAULT_HEALTH_TIMEOUT_SECONDS;
  // Out-of-range timeouts already failed their own rule.
  const timeoutInRange = typeof timeout === "number" && Number.isInteger(timeout) && timeout >= 1;
  if (graceMs !== undefined && timeoutInRange && timeout * 1000 <= graceMs) {
    const given = raw.healthTimeoutSeconds === undefined ? `${timeout} (the default)` : timeout;
    problems.push(
      `healthTimeoutSeconds: must be longer than healthCheck.gracePeriod (${graceText}), got ${given}`,
    );
  }
  problems.push(...envNameProblems(raw));
  // A non-object `openclaw` already failed its own rule.
  if (raw.openclaw === undefined || isPlainRecord(raw.openclaw)) {
    problems.push(...checkOpenClawArgument(raw).problems);
  }
  problems.push(...restoreProblems(raw));
  return problems;
}

// A restore names regions of this stack; a fork's source region is one that is not itself
// restored from another region, so sources never form a chain or a loop.
function restoreProblems(raw: Record<string, unknown>): string[] {
  if (!isPlainRecord(raw.restore) || !Array.isArray(raw.regions)) return [];
  const regions = raw.regions as unknown[];
  const restore = raw.restore;
  const problems: string[] = [];
  for (const [region, source] of Object.entries(restore)) {
    if (!regions.includes(region)) {
      problems.push(`restore.${region}: is not one of \`regions\` (${regions.join(", ")})`);
      continue;
    }
    const from = isPlainRecord(source) ? source.fromRegion : undefined;
    if (typeof from !== "string") continue;
    if (from === region) {
      problems.push(`restore.${region}.fromRegion: must name another region than ${region}`);
    } else if (!regions.includes(from)) {
      problems.push(
        `restore.${region}.fromRegion: must be one of \`regions\` (${regions.join(", ")}), got ${JSON.stringify(from)}`,
      );
    } else if (isPlainRecord(restore[from]) && "fromRegion" in restore[from]) {
      problems.push(
        `restore.${region}.fromRegion: ${from} is itself restored from another region; fork from the region it is restored from`,
      );
    }
  }
  return problems;
}
