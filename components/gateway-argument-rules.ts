/**
 * The rules of OpenClawGateway's arguments that the argument table (`gateway-arguments.ts`) is
 * written with: Fly's rules from `rules/` as zod schemas, and the few rules of the gateway's own.
 * Secret values are never quoted back in a message.
 */
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { hostnameProblem } from "../rules/fly-names";
import { regionProblem } from "../rules/fly-regions";
import { durationProblem } from "../rules/go-durations";
import type { Rule } from "./argument-table";
import { buildSourceProblem } from "./image-build";
import type { OpenClawSettings } from "./openclaw-settings";
import { isPlainRecord, listOf, objectOf, textField, typeRule } from "./validation";

export const nonEmpty = textField().min(1, "must not be empty");

// Rules written as "the reason a value breaks it, or undefined" (rules/), as zod refinements.
// Only for names: the offending value may be quoted back, which no secret field may allow.
export const meeting = (problemOf: (text: string) => string | undefined) =>
  textField().superRefine((text, ctx) => {
    const problem = problemOf(text);
    if (problem !== undefined) ctx.addIssue({ code: "custom", message: problem });
  });

// A list of distinct entries, each meeting `item`.
export const distinctList = (item: z.ZodString, emptyRule?: string) =>
  listOf(item).superRefine((list, ctx) => {
    if (emptyRule !== undefined && list.length === 0) {
      ctx.addIssue({ code: "custom", message: emptyRule });
    }
    list.forEach((entry, index) => {
      if (list.indexOf(entry) < index) {
        ctx.addIssue({
          code: "custom",
          path: [index],
          message: `"${entry}" is listed more than once`,
        });
      }
    });
  });

// A secret may arrive as a Pulumi Output (from `config.requireSecret`, say): its text is unknown
// until it resolves and was checked where it was read, so only plain text meets `rule` here. The
// rule's messages never quote the value.
export const secretValue = (rule: z.ZodString) =>
  z.custom<pulumi.Input<string>>().superRefine((value, ctx) => {
    if (pulumi.Output.isInstance(value)) return;
    for (const issue of rule.safeParse(value).error?.issues ?? []) {
      ctx.addIssue({ code: "custom", message: issue.message });
    }
  });

export const wholeNumber = (kind: string, range: { min: number; max: number }, unit: string) => {
  const text = `must be from ${range.min} to ${range.max} ${unit}`;
  return z
    .int({ error: typeRule(kind) })
    .min(range.min, text)
    .max(range.max, text);
};

export const oneOf = <const T extends readonly [string, ...string[]]>(values: T) => {
  const quoted = values.map((value) => `"${value}"`);
  const listed = `${quoted.slice(0, -1).join(", ")} or ${quoted[quoted.length - 1]}`;
  return z.enum(values, { error: () => `must be ${listed}` });
};

export const duration = meeting(durationProblem);

// A custom domain is one host: the Control UI needs its exact origin, which a wildcard is not.
export const domainProblem = (domain: string) =>
  domain.startsWith("*.")
    ? `must name one host, not a wildcard (the Control UI needs its exact origin), got ${JSON.stringify(domain)}`
    : hostnameProblem(domain);

/** Shortest gateway token accepted: the minimum the OpenClaw docs give for the gateway token. */
export const MIN_GATEWAY_TOKEN_LENGTH = 24;

/** Dockerfile used when a build names none. */
export const DEFAULT_DOCKERFILE = "Dockerfile";

export const buildRule = objectOf({ context: nonEmpty, dockerfile: nonEmpty.optional() })
  .transform((build) => ({ ...build, dockerfile: build.dockerfile ?? DEFAULT_DOCKERFILE }))
  .superRefine((build, ctx) => {
    const problem = buildSourceProblem(build);
    if (problem !== undefined) {
      ctx.addIssue({ code: "custom", path: [problem.field], message: problem.reason });
    }
  });

// openclaw.json's sections. What they may hold depends on the image's OpenClaw version and on
// other arguments, so the rest is a rule across arguments (`gateway-settings.ts`), which reports
// every problem under `openclaw.<path>`.
export const openclawRule: Rule<OpenClawSettings, OpenClawSettings> = {
  check(raw, key) {
    return isPlainRecord(raw)
      ? { ok: true, value: raw as OpenClawSettings }
      : { ok: false, problems: [`${key}: must be an object (openclaw.json's sections)`] };
  },
};

/** A region's restore source: a snapshot id, or a region to fork the volume of. */
export const restoreSourceRule = z.union(
  [
    z.object({ snapshot: meeting(snapshotIdProblem) }).strict(),
    z.object({ fromRegion: meeting(regionProblem) }).strict(),
  ],
  { error: () => 'must be { snapshot: "vs_..." } or { fromRegion: "<region>" }' },
);

function snapshotIdProblem(id: string): string | undefined {
  return /^vs_[A-Za-z0-9]+$/.test(id)
    ? undefined
    : `must be a snapshot id (vs_ and letters or digits, from \`fly volumes snapshots list\`), got ${JSON.stringify(id)}`;
}
