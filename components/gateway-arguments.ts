/**
 * The arguments of OpenClawGateway, each declared once: how its stack config value is read,
 * whether it is secret, its rule, its default and its documentation. The argument types, the
 * stack-config reader (`stack-config/`), the defaults and the README's configuration table
 * (`npm run readme:config`) are derived from this table; rules that span several arguments are
 * in `gateway-settings.ts`.
 */
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import {
  DEFAULT_HEALTH_CHECK,
  DEFAULT_HEALTH_TIMEOUT_SECONDS,
  DEFAULT_IMAGE,
  DEFAULT_ORG,
  DEFAULT_VOLUME_SIZE_GB,
  MAX_HEALTH_TIMEOUT_SECONDS,
} from "../rules/deployment-defaults";
import { appNameProblem, hostnameProblem, orgSlugProblem } from "../rules/fly-names";
import { regionProblem } from "../rules/fly-regions";
import {
  MEMORY_STEP_MB,
  VM_SIZE_NAMES,
  VOLUME_SIZE_GB,
  type VmSizePreset,
} from "../rules/fly-sizes";
import { durationProblem } from "../rules/go-durations";
import { FLY_API_TOKEN_ENV, FLY_API_TOKEN_KEY } from "../rules/provider-config-keys";
import { DEFAULT_TOKEN_BYTES } from "../providers/token/generated-token";
import {
  defaultedArgument,
  requiredArgument,
  schemaRule,
  settledArgument,
  type ArgumentsOf,
  type Rule,
  type SettledArgumentsOf,
} from "./argument-table";
import { GATEWAY_MODES, GATEWAY_TOKEN_ENV, ROLLOUT_STRATEGIES } from "./gateway-constants";
import { buildSourceProblem } from "./image-build";
import { imageReferenceProblem } from "./image-reference";
import { parseOpenClawSettings, type OpenClawSettings } from "./openclaw-settings";
import { flagField, listOf, objectOf, recordOf, textField, typeRule } from "./validation";
import {
  DEFAULT_VM_SIZE,
  GATEWAY_MIN_MEMORY_MB,
  RECOMMENDED_MEMORY_MB,
  defaultMemoryMb,
} from "./vm-sizes";

const nonEmpty = textField().min(1, "must not be empty");

// Rules written as "the reason a value breaks it, or undefined" (rules/), as zod refinements.
// Only for names: the offending value may be quoted back, which no secret field may allow.
const meeting = (problemOf: (text: string) => string | undefined) =>
  textField().superRefine((text, ctx) => {
    const problem = problemOf(text);
    if (problem !== undefined) ctx.addIssue({ code: "custom", message: problem });
  });

// A list of distinct entries, each meeting `item`.
const distinctList = (item: z.ZodString, emptyRule?: string) =>
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
const secretValue = (rule: z.ZodString) =>
  z.custom<pulumi.Input<string>>().superRefine((value, ctx) => {
    if (pulumi.Output.isInstance(value)) return;
    for (const issue of rule.safeParse(value).error?.issues ?? []) {
      ctx.addIssue({ code: "custom", message: issue.message });
    }
  });

const wholeNumber = (kind: string, range: { min: number; max: number }, unit: string) => {
  const text = `must be from ${range.min} to ${range.max} ${unit}`;
  return z
    .int({ error: typeRule(kind) })
    .min(range.min, text)
    .max(range.max, text);
};

const oneOf = <const T extends readonly [string, ...string[]]>(values: T) => {
  const quoted = values.map((value) => `"${value}"`);
  const listed = `${quoted.slice(0, -1).join(", ")} or ${quoted[quoted.length - 1]}`;
  return z.enum(values, { error: () => `must be ${listed}` });
};

const duration = meeting(durationProblem);

// A custom domain is one host: the Control UI needs its exact origin, which a wildcard is not.
const domainProblem = (domain: string) =>
  domain.startsWith("*.")
    ? `must name one host, not a wildcard (the Control UI needs its exact origin), got ${JSON.stringify(domain)}`
    : hostnameProblem(domain);

/** Shortest gateway token accepted: the minimum the OpenClaw docs give for the gateway token. */
const MIN_GATEWAY_TOKEN_LENGTH = 24;

/** Dockerfile used when a build names none. */
const DEFAULT_DOCKERFILE = "Dockerfile";

const buildRule = objectOf({ context: nonEmpty, dockerfile: nonEmpty.optional() })
  .transform((build) => ({ ...build, dockerfile: build.dockerfile ?? DEFAULT_DOCKERFILE }))
  .superRefine((build, ctx) => {
    const problem = buildSourceProblem(build);
    if (problem !== undefined) {
      ctx.addIssue({ code: "custom", path: [problem.field], message: problem.reason });
    }
  });

// Checked by its own parser, which reports every problem under `openclaw.<path>`.
const openclawRule: Rule<OpenClawSettings, OpenClawSettings> = {
  check(raw) {
    const parsed = parseOpenClawSettings(raw);
    return parsed.ok
      ? { ok: true, value: parsed.settings }
      : { ok: false, problems: parsed.problems };
  },
};

/** Every argument of OpenClawGateway, in the README's order. */
export const GATEWAY_ARGUMENTS = {
  appName: requiredArgument({
    kind: "text",
    type: "string",
    rule: schemaRule(meeting(appNameProblem)),
    doc: "Fly app name: 1-63 lowercase letters, digits and dashes; the public URL is `https://<app>.fly.dev`",
  }),
  org: defaultedArgument({
    kind: "text",
    type: "string",
    rule: schemaRule(meeting(orgSlugProblem)),
    default: DEFAULT_ORG,
    doc: "Fly organization slug the app is created in; Fly cannot move an app, so a change on an existing app is refused at preview",
  }),
  regions: requiredArgument({
    kind: "json",
    type: "list of region codes",
    rule: schemaRule(
      distinctList(
        meeting(regionProblem),
        "must list at least one region (the first is the primary)",
      ),
    ),
    doc: "one volume and one machine per region; the first is the primary and the canary",
  }),
  mode: defaultedArgument({
    kind: "text",
    type: GATEWAY_MODES.map((mode) => `\`${mode}\``).join(" \\| "),
    rule: schemaRule(oneOf(GATEWAY_MODES)),
    default: "public",
    doc: "public: shared IPv4 + IPv6, HTTPS on 443; private: no public IP, no public service",
  }),
  flycast: defaultedArgument({
    kind: "flag",
    type: "boolean",
    rule: schemaRule(flagField()),
    default: false,
    doc: "private mode only: also serve HTTP on a Flycast (private IPv6) address",
  }),
  domains: defaultedArgument({
    kind: "json",
    type: "list of hostnames",
    rule: schemaRule(distinctList(meeting(domainProblem))),
    default: [] as string[],
    doc:
      "public mode only: custom domains, each with a Fly certificate; the Control UI allows " +
      "`https://<domain>`, and the `dnsRecords` output lists the DNS records to create",
  }),
  vmSize: defaultedArgument({
    kind: "text",
    type: "VM size preset",
    rule: schemaRule(
      z.enum(VM_SIZE_NAMES as [VmSizePreset, ...VmSizePreset[]], {
        error: () => `must be one of ${VM_SIZE_NAMES.join(", ")}`,
      }),
    ),
    default: DEFAULT_VM_SIZE,
    doc: "`shared-cpu-1x/2x/4x/8x` or `performance-1x/2x/4x/8x`",
  }),
  memoryMb: settledArgument({
    kind: "number",
    type: "number",
    rule: schemaRule(z.number({ error: typeRule("a number") })),
    defaultText: `the larger of the preset's memory and ${RECOMMENDED_MEMORY_MB}`,
    settle: (memoryMb, others) =>
      memoryMb ?? defaultMemoryMb((others.vmSize as VmSizePreset | undefined) ?? DEFAULT_VM_SIZE),
    doc: `memory in MB, ${MEMORY_STEP_MB} MB steps within the preset's range`,
  }),
  allowLowMemory: defaultedArgument({
    kind: "flag",
    type: "boolean",
    rule: schemaRule(flagField()),
    default: false,
    doc: `accept less than ${GATEWAY_MIN_MEMORY_MB} MB, where the gateway runs out of memory`,
  }),
  volumeSizeGb: defaultedArgument({
    kind: "number",
    type: "number",
    rule: schemaRule(wholeNumber("a whole number of GB", VOLUME_SIZE_GB, "GB")),
    default: DEFAULT_VOLUME_SIZE_GB,
    doc: `size of each region's volume (${VOLUME_SIZE_GB.min}-${VOLUME_SIZE_GB.max} GB); volumes only grow`,
  }),
  image: settledArgument({
    kind: "text",
    type: "image reference",
    rule: schemaRule(meeting(imageReferenceProblem)),
    defaultText: `\`${DEFAULT_IMAGE}\``,
    // A build makes its own image, so the published one is the default only without a build.
    settle: (image, others) => (others.build !== undefined ? undefined : (image ?? DEFAULT_IMAGE)),
    doc: "a pinned tag or `@sha256:` digest; `latest` and other moving tags are refused",
  }),
  build: settledArgument({
    kind: "json",
    type: "`{ context, dockerfile }`",
    rule: schemaRule(buildRule),
    defaultText: "none (the published image is used)",
    settle: (build) => build,
    doc:
      "build the image from source with `flyctl` and push it to `registry.fly.io/<app>`; " +
      `excludes \`image\`; \`dockerfile\` defaults to \`${DEFAULT_DOCKERFILE}\``,
  }),
  gatewayToken: settledArgument({
    kind: "text",
    secret: true,
    type: "secret string",
    rule: schemaRule(
      secretValue(
        textField().min(
          MIN_GATEWAY_TOKEN_LENGTH,
          `must be at least ${MIN_GATEWAY_TOKEN_LENGTH} characters (generate one with: openssl rand -hex 32)`,
        ),
      ),
    ),
    defaultText: `generated once (${DEFAULT_TOKEN_BYTES * 2} hex characters), then kept`,
    settle: (token) => token,
    doc: `the gateway's shared token (at least ${MIN_GATEWAY_TOKEN_LENGTH} characters), delivered as \`${GATEWAY_TOKEN_ENV}\``,
  }),
  providerKeys: defaultedArgument({
    kind: "json",
    secret: true,
    type: "secret map `ENV_NAME: value`",
    rule: schemaRule(recordOf(secretValue(nonEmpty))),
    default: {} as Record<string, pulumi.Input<string>>,
    doc: "model-provider keys, delivered as Fly secrets (e.g. `ANTHROPIC_API_KEY`)",
  }),
  channelTokens: defaultedArgument({
    kind: "json",
    secret: true,
    type: "secret map `ENV_NAME: value`",
    rule: schemaRule(recordOf(secretValue(nonEmpty))),
    default: {} as Record<string, pulumi.Input<string>>,
    doc: "channel tokens, delivered as Fly secrets (e.g. `TELEGRAM_BOT_TOKEN`)",
  }),
  openclaw: defaultedArgument({
    kind: "json",
    type: "object",
    rule: openclawRule,
    default: {} as OpenClawSettings,
    doc: "typed openclaw.json settings: `agents`, `bindings`, `channels`, `gateway.controlUi`",
  }),
  extraEnv: defaultedArgument({
    kind: "json",
    type: "map `NAME: value`",
    rule: schemaRule(recordOf(textField())),
    default: {} as Record<string, string>,
    doc: "extra plain environment variables; the gateway's own names are reserved",
  }),
  healthCheck: settledArgument({
    kind: "json",
    type: "`{ gracePeriod, interval, timeout }`",
    rule: schemaRule(
      objectOf({
        gracePeriod: duration.optional(),
        interval: duration.optional(),
        timeout: duration.optional(),
      }),
    ),
    defaultText: Object.values(DEFAULT_HEALTH_CHECK)
      .map((value) => `\`${value}\``)
      .join(" / "),
    // Each field has its own default: `{ gracePeriod: "5m" }` keeps the default interval.
    settle: (timing) => ({ ...DEFAULT_HEALTH_CHECK, ...timing }) as HealthCheckTiming,
    doc: "timing of the machine check `GET /startupz` (Go durations)",
  }),
  healthTimeoutSeconds: defaultedArgument({
    kind: "number",
    type: "number",
    rule: schemaRule(
      wholeNumber(
        "a whole number of seconds",
        { min: 1, max: MAX_HEALTH_TIMEOUT_SECONDS },
        "seconds",
      ),
    ),
    default: DEFAULT_HEALTH_TIMEOUT_SECONDS,
    doc: "how long a machine may take to start, and again to pass its checks (longer than the grace period)",
  }),
  rollout: defaultedArgument({
    kind: "text",
    type: ROLLOUT_STRATEGIES.map((strategy) => `\`${strategy}\``).join(" \\| "),
    rule: schemaRule(oneOf(ROLLOUT_STRATEGIES)),
    default: "canary",
    doc: "canary: later regions wait for the first; serial: each waits for the previous; parallel: none",
  }),
  retainVolumes: defaultedArgument({
    kind: "flag",
    type: "boolean",
    rule: schemaRule(flagField()),
    default: true,
    doc: "keep volumes on Fly when a region is removed or the stack destroyed",
  }),
  snapshotBeforeDelete: defaultedArgument({
    kind: "flag",
    type: "boolean",
    rule: schemaRule(flagField()),
    default: true,
    doc: "take a snapshot before a volume is deleted (only when `retainVolumes` is `false`)",
  }),
  [FLY_API_TOKEN_KEY]: settledArgument({
    kind: "text",
    secret: true,
    type: "secret string",
    rule: schemaRule(
      secretValue(
        textField()
          .trim()
          .min(1, `must not be empty (unset it to use ${FLY_API_TOKEN_ENV} instead)`),
      ),
    ),
    defaultText: `\`${FLY_API_TOKEN_ENV}\``,
    settle: (token) => token,
    doc:
      "the Fly API token; the providers read this key at run time and it is never stored in " +
      "state (only when `build` is used, flyctl gets it as an encrypted secret in the build step)",
  }),
};

/** Timing of the startup check (Go durations such as "15s", "2m"). */
export interface HealthCheckTiming {
  gracePeriod: string;
  interval: string;
  timeout: string;
}

/** Arguments of the OpenClaw gateway component: see the README's configuration table. */
export type OpenClawGatewayArgs = ArgumentsOf<typeof GATEWAY_ARGUMENTS>;

/** Every argument with its default applied (before the rules that span several arguments). */
export type SettledGatewayArguments = SettledArgumentsOf<typeof GATEWAY_ARGUMENTS>;

/** The names of the arguments, in table order. */
export const GATEWAY_ARGUMENT_NAMES = Object.keys(
  GATEWAY_ARGUMENTS,
) as (keyof typeof GATEWAY_ARGUMENTS)[];
