/**
 * The arguments of OpenClawGateway, each declared once: how its stack config value is read,
 * whether it is secret, its rule, its default and its documentation. The argument types, the
 * stack-config reader (`stack-config/`), the defaults and the README's configuration table
 * (`npm run readme:config`) are derived from this table. The rules it is written with are in
 * `gateway-argument-rules.ts`; rules that span several arguments are in `gateway-settings.ts`.
 */
import type * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import {
  DEFAULT_HEALTH_CHECK,
  DEFAULT_HEALTH_TIMEOUT_SECONDS,
  DEFAULT_IMAGE,
  DEFAULT_ORG,
  DEFAULT_VOLUME_SIZE_GB,
  MAX_HEALTH_TIMEOUT_SECONDS,
} from "../rules/deployment-defaults";
import { appNameProblem, orgSlugProblem } from "../rules/fly-names";
import { regionProblem } from "../rules/fly-regions";
import {
  MEMORY_STEP_MB,
  SNAPSHOT_RETENTION_DAYS,
  VM_SIZE_NAMES,
  VOLUME_SIZE_GB,
  type VmSizePreset,
} from "../rules/fly-sizes";
import { FLY_API_TOKEN_ENV, FLY_API_TOKEN_KEY, TAKE_OVER_KEY } from "../rules/provider-config-keys";
import { DEFAULT_TOKEN_BYTES } from "../providers/token/generated-token";
import { stackIdentityProblem } from "../providers/provider-kit/ownership";
import {
  defaultedArgument,
  requiredArgument,
  schemaRule,
  settledArgument,
  type ArgumentsOf,
  type SettledArgumentsOf,
} from "./argument-table";
import {
  DEFAULT_DOCKERFILE,
  MIN_GATEWAY_TOKEN_LENGTH,
  buildRule,
  distinctList,
  domainProblem,
  duration,
  meeting,
  nonEmpty,
  oneOf,
  openclawRule,
  restoreSourceRule,
  secretValue,
  wholeNumber,
} from "./gateway-argument-rules";
import { GATEWAY_MODES, GATEWAY_TOKEN_ENV, ROLLOUT_STRATEGIES } from "./gateway-constants";
import { imageReferenceProblem } from "./image-reference";
import type { OpenClawSettings } from "./openclaw-settings";
import { flagField, objectOf, recordOf, textField, typeRule } from "./validation";
import {
  DEFAULT_VM_SIZE,
  GATEWAY_MIN_MEMORY_MB,
  RECOMMENDED_MEMORY_MB,
  defaultMemoryMb,
} from "./vm-sizes";

/** Fly's default retention of its daily snapshots, in days. */
const DEFAULT_BACKUP_RETENTION_DAYS = 5;

/** Fly's automatic daily snapshots of every volume. */
export interface BackupSettings {
  retentionDays: number;
}

/** Where a region's volume is made from: a snapshot, or a fork of another region's volume. */
export type RestoreSource = { snapshot: string } | { fromRegion: string };

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
    doc: `accept less than ${GATEWAY_MIN_MEMORY_MB} MB, where the gateway has little headroom`,
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
    doc: "openclaw.json: any section the image's OpenClaw version accepts, checked at preview (see [openclaw.json](#openclawjson))",
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
  [TAKE_OVER_KEY]: settledArgument({
    kind: "text",
    type: "`<project>/<stack>`",
    rule: schemaRule(meeting(stackIdentityProblem)),
    defaultText: "none: resources another stack marked are refused",
    settle: (stack) => stack,
    doc:
      "take over the app, machines and volumes that this other stack marked as its own (then " +
      "stop deploying them from that stack); without it they are refused at preview and up",
  }),
  upgradeRehearsal: defaultedArgument({
    kind: "flag",
    type: "boolean",
    rule: schemaRule(flagField()),
    default: false,
    doc:
      "before a region's machine gets a new image, boot it on a fork of the region's volume in a " +
      "temporary machine (no services) until healthy; a failed rehearsal stops the rollout with the " +
      "machine untouched (on in `Pulumi.prod.yaml`; about ten machine-minutes per region and upgrade)",
  }),
  backups: defaultedArgument({
    kind: "json",
    type: "`{ retentionDays }`",
    rule: schemaRule(
      objectOf({
        retentionDays: wholeNumber("a whole number of days", SNAPSHOT_RETENTION_DAYS, "days"),
      }),
    ),
    default: { retentionDays: DEFAULT_BACKUP_RETENTION_DAYS } as BackupSettings,
    doc:
      "Fly's automatic daily snapshot of every volume, kept this many days " +
      `(${SNAPSHOT_RETENTION_DAYS.min}-${SNAPSHOT_RETENTION_DAYS.max}); the storage joins \`monthlyCost\``,
  }),
  restore: defaultedArgument({
    kind: "json",
    type: "map region: `{ snapshot }` \\| `{ fromRegion }`",
    rule: schemaRule(recordOf(restoreSourceRule)),
    default: {} as Record<string, RestoreSource>,
    doc:
      "make a region's volume from a snapshot (`vs_...`) or as a fork of another region's volume; " +
      "a new source replaces that region's volume and machine (the old volume is kept), removing it " +
      "changes nothing; regions never replicate on their own",
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
