/**
 * The rules OpenClawGateway arguments must meet: a strict zod schema for each field's own rule
 * and a pass for rules that span fields. Kept apart from the argument types so each file keeps
 * one job; `validateGatewayArgs` is the entry point.
 */

import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { orgSlugProblem } from "../rules/fly-rules";
import { envNameProblems } from "./env-names";
import {
  APP_NAME_PATTERN,
  DEFAULT_HEALTH_CHECK,
  DEFAULT_HEALTH_TIMEOUT_SECONDS,
  FLY_REGION_CODES,
} from "./gateway-constants";
import { durationProblem, parseGoDurationMs } from "./go-duration";
import { imageReferenceProblem } from "./image-reference";
import { parseOpenClawSettings } from "./openclaw-settings";
import {
  flagField,
  isPlainRecord,
  listOf,
  objectOf,
  recordOf,
  textField,
  typeRule,
  zodIssueLines,
} from "./validation";
import {
  DEFAULT_VM_SIZE,
  VM_SIZE_NAMES,
  defaultMemoryMb,
  isVmSizePreset,
  memoryProblems,
} from "./vm-sizes";

const nonEmpty = textField().min(1, "must not be empty");
// For names only: the offending value is quoted back, which no secret field may do.
const matching = (pattern: RegExp, rule: string) =>
  textField().refine((text) => pattern.test(text), {
    error: (issue) => `${rule}, got ${JSON.stringify(issue.input)}`,
  });
// For rules written as "the reason a value breaks it, or undefined".
const meeting = (problemOf: (text: string) => string | undefined) =>
  textField().superRefine((text, ctx) => {
    const problem = problemOf(text);
    if (problem !== undefined) ctx.addIssue({ code: "custom", message: problem });
  });
const duration = meeting(durationProblem);
// A secret may arrive as a Pulumi Output (from `config.requireSecret`, say): its text is unknown
// until it resolves and was checked where it was read, so only plain text meets `rule` here.
// The rule's own messages pass through unchanged.
const secretValue = (rule: z.ZodString) =>
  z.custom<pulumi.Input<string>>().superRefine((value, ctx) => {
    if (pulumi.Output.isInstance(value)) return;
    for (const issue of rule.safeParse(value).error?.issues ?? []) {
      ctx.addIssue({ code: "custom", message: issue.message });
    }
  });
const wholeNumber = (kind: string, min: number, max: number, unit: string) => {
  const range = `must be from ${min} to ${max} ${unit}`;
  return z
    .int({ error: typeRule(kind) })
    .min(min, range)
    .max(max, range);
};

const argsSchema = objectOf({
  appName: matching(
    APP_NAME_PATTERN,
    "must be 1-63 lowercase letters, digits and dashes, not starting or ending with a dash",
  ),
  // The FlyApp provider's own rule, so that what the component accepts the provider accepts too.
  org: meeting(orgSlugProblem),
  regions: listOf(
    textField().refine((code) => FLY_REGION_CODES.includes(code), {
      error: (issue) =>
        `unknown Fly region ${JSON.stringify(issue.input)} (known: ${FLY_REGION_CODES.join(" ")})`,
    }),
  ),
  mode: z.enum(["public", "private"], { error: () => 'must be "public" or "private"' }).optional(),
  flycast: flagField().optional(),
  vmSize: z
    .enum(VM_SIZE_NAMES, { error: () => `must be one of ${VM_SIZE_NAMES.join(", ")}` })
    .optional(),
  memoryMb: z.number({ error: typeRule("a number") }).optional(),
  allowLowMemory: flagField().optional(),
  volumeSizeGb: wholeNumber("a whole number of GB", 1, 500, "GB").optional(),
  image: textField()
    .superRefine((image, ctx) => {
      const problem = imageReferenceProblem(image);
      if (problem !== undefined) ctx.addIssue({ code: "custom", message: problem });
    })
    .optional(),
  build: objectOf({ context: nonEmpty, dockerfile: nonEmpty.optional() }).optional(),
  rollout: z
    .enum(["canary", "serial", "parallel"], {
      error: () => 'must be "canary", "serial" or "parallel"',
    })
    .optional(),
  healthCheck: objectOf({
    gracePeriod: duration.optional(),
    interval: duration.optional(),
    timeout: duration.optional(),
  }).optional(),
  healthTimeoutSeconds: wholeNumber("a whole number of seconds", 1, 3600, "seconds").optional(),
  retainVolumes: flagField().optional(),
  snapshotBeforeDelete: flagField().optional(),
  extraEnv: recordOf(textField()).optional(),
  // Checked by parseOpenClawSettings, which reports its own paths.
  openclaw: z.unknown().optional(),
  gatewayToken: secretValue(
    textField().min(24, "must be at least 24 characters (generate one with: openssl rand -hex 32)"),
  ).optional(),
  providerKeys: recordOf(secretValue(nonEmpty)).optional(),
  channelTokens: recordOf(secretValue(nonEmpty)).optional(),
});

// Rules spanning several fields, run on the raw input so they report even when other fields
// fail. Each guard skips a rule whose inputs already failed their own, so nothing is said twice.
function crossFieldProblems(raw: Record<string, unknown>): string[] {
  const problems: string[] = [];
  if (raw.image !== undefined && raw.build !== undefined) {
    problems.push("build: only one of `image` or `build` can be provided");
  }
  const regions = Array.isArray(raw.regions) ? raw.regions : undefined;
  if (regions !== undefined && regions.length === 0) {
    problems.push("regions: must list at least one region (the first is the primary)");
  }
  regions?.forEach((code, index) => {
    if (typeof code === "string" && regions.indexOf(code) < index) {
      problems.push(`regions[${index}]: "${code}" is listed more than once`);
    }
  });
  const size = raw.vmSize === undefined ? DEFAULT_VM_SIZE : raw.vmSize;
  const allowLow = raw.allowLowMemory === undefined ? false : raw.allowLowMemory;
  if (isVmSizePreset(size) && typeof allowLow === "boolean") {
    const memoryMb = raw.memoryMb === undefined ? defaultMemoryMb(size) : raw.memoryMb;
    if (typeof memoryMb === "number") problems.push(...memoryProblems(size, memoryMb, allowLow));
  }
  if (raw.flycast === true && raw.mode !== "private") {
    problems.push(
      'flycast: only applies to mode "private"; public mode is served on <app>.fly.dev',
    );
  }
  const grace = isPlainRecord(raw.healthCheck) ? raw.healthCheck.gracePeriod : undefined;
  const graceText = typeof grace === "string" ? grace : DEFAULT_HEALTH_CHECK.gracePeriod;
  const graceMs = parseGoDurationMs(graceText);
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
  if (raw.openclaw !== undefined) {
    const openclaw = parseOpenClawSettings(raw.openclaw);
    if (!openclaw.ok) problems.push(...openclaw.problems);
  }
  return problems;
}

/** The arguments as the schema reads them, before defaults. */
export type CheckedGatewayArgs = z.infer<typeof argsSchema>;

/** Checks raw arguments against every rule; on success returns them as typed values. */
export function checkGatewayArgs(
  raw: unknown,
): { ok: true; args: CheckedGatewayArgs } | { ok: false; problems: string[] } {
  const parsed = argsSchema.safeParse(raw);
  const problems = parsed.success
    ? []
    : zodIssueLines("", parsed.error.issues, "unknown argument", "arguments");
  if (isPlainRecord(raw)) problems.push(...crossFieldProblems(raw));
  if (problems.length > 0 || !parsed.success) return { ok: false, problems };
  return { ok: true, args: parsed.data };
}
