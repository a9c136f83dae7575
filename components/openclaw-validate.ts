/**
 * Preview's check of the `openclaw` settings, in the order a user needs the answers:
 *
 * 1. keys the deployment owns are refused, with why and what to use instead;
 * 2. earlier forms are converted (a warning shows the current form) or refused;
 * 3. the settings are rendered with the deployment's gateway block, which is what ships;
 * 4. the rendered document gets the gateway's own verdict for the version the image runs
 *    (its committed schema plus the ported rules), and literal secrets are refused.
 *
 * A version without a committed schema is refused when there are settings to check: a
 * neighbouring version's schema would both refuse keys the pinned version accepts and pass keys
 * it refuses, and the second is the exit-78 crash loop this check exists to prevent. The
 * message gives the command that commits the missing schema. With no settings, the deployment's
 * own gateway block is all that ships; it is the same for every version, so the preview goes on
 * and says the document was not checked.
 */
import { STATE_DIR } from "./gateway-constants";
import type { GatewayMode, OpenClawConfigJson } from "./openclaw-config";
import { renderOpenClawConfig } from "./openclaw-config";
import { gatewayVerdict } from "./openclaw-gateway-rules";
import { issueLine, settingsPath, type ConfigIssue } from "./openclaw-issue";
import { convertLegacyForms } from "./openclaw-legacy";
import { ownedKeyIssues } from "./openclaw-owned-keys";
import { committedSchema } from "./openclaw-schema-check";
import { plainSecretWarnings, secretLiteralIssues } from "./openclaw-secret-literals";
import { isSupportedVersion, supportedVersions, type GatewayVersion } from "./openclaw-version";
import { missingEnvWarnings, originWarnings, volumePathWarnings } from "./openclaw-warnings";
import { isPlainRecord } from "./validation";

/** What the check needs besides the settings. */
export interface OpenClawCheckOptions {
  appName: string;
  mode: GatewayMode;
  /** Custom domains (public mode): their origins are allowed in the Control UI. */
  domains?: readonly string[];
  /** Private mode with a Flycast address (Fly's proxy forwards its requests). */
  flycast?: boolean;
  /** The OpenClaw version the image runs, or why it is not known. */
  version: GatewayVersion;
  /** Environment names the machine will have (provider keys, channel tokens, extra env, the gateway's own). */
  envNames: readonly string[];
}

/** The outcome: the document to ship (when there is no problem), problems and warnings as lines. */
export interface OpenClawCheck {
  /** The document that ships: set only when there is no problem. */
  config?: OpenClawConfigJson;
  /** The document as rendered, problems or not (for tests that compare verdicts). */
  rendered?: OpenClawConfigJson;
  /** `openclaw.<path>: <rule>` lines; any one stops the preview. */
  problems: string[];
  /** `openclaw.<path>: <what and why>` lines for Pulumi's log. */
  warnings: string[];
}

function versionProblem(version: GatewayVersion, outcome: string): string {
  const supported = supportedVersions().join(", ");
  if ("unknown" in version) {
    return `${settingsPath([])}: ${outcome}: the OpenClaw version is unknown: ${version.unknown} (versions with a committed schema: ${supported})`;
  }
  return (
    `${settingsPath([])}: ${outcome}: OpenClaw ${version.version} has no committed schema to ` +
    `check them against; run \`npm run openclaw-schema -- ${version.version}\` ` +
    `(it installs nothing into the program; see the README) and commit ` +
    `components/openclaw-schemas/openclaw-schema-${version.version}.json, or pin a version with ` +
    `a committed schema: ${supported}`
  );
}

const lines = (issues: readonly ConfigIssue[]) => issues.map(issueLine);

let last: { key: string; result: OpenClawCheck } | undefined;

/**
 * Checks `settings` (the `openclaw` argument, untrusted) and renders openclaw.json. The result
 * of the last call is reused for the same input: the stack config check and the component both
 * ask, and the answer cannot differ.
 */
export function checkOpenClawSettings(
  settings: unknown,
  options: OpenClawCheckOptions,
): OpenClawCheck {
  const key = JSON.stringify([settings ?? {}, options]);
  if (last?.key === key) return last.result;
  const result = check(settings ?? {}, options);
  last = { key, result };
  return result;
}

function check(settings: unknown, options: OpenClawCheckOptions): OpenClawCheck {
  if (!isPlainRecord(settings)) {
    return {
      problems: [`${settingsPath([])}: must be an object (openclaw.json's sections)`],
      warnings: [],
    };
  }
  const { issues: owned, warnings: repeated } = ownedKeyIssues(settings);
  const legacy = convertLegacyForms(settings);
  const config = renderOpenClawConfig(legacy.config, {
    appName: options.appName,
    mode: options.mode,
    domains: options.domains,
    flycast: options.flycast,
  });
  const version =
    "version" in options.version && isSupportedVersion(options.version.version)
      ? options.version.version
      : undefined;
  if (version === undefined) {
    const empty = Object.keys(settings).length === 0;
    return empty
      ? {
          config,
          rendered: config,
          problems: [],
          warnings: [
            versionProblem(
              options.version,
              "not checked (only the deployment's own gateway block ships)",
            ),
          ],
        }
      : {
          rendered: config,
          problems: [
            ...lines(owned),
            ...lines(legacy.issues),
            versionProblem(options.version, "cannot be checked"),
          ],
          warnings: [...lines(repeated), ...legacy.warnings],
        };
  }
  const verdict = gatewayVerdict(config, version);
  const secrets = secretLiteralIssues(config, committedSchema(version) as Record<string, unknown>);
  // A key already refused as owned or legacy is not reported again by the schema.
  const refused = [...owned, ...legacy.issues].map((issue) => issue.path);
  const fresh = (issue: ConfigIssue) =>
    !refused.some((path) => path.every((segment, i) => issue.path[i] === segment));
  const problems = [
    ...lines(owned),
    ...lines(legacy.issues),
    ...lines(secrets.filter(fresh)),
    ...lines(verdict.issues.filter(fresh)),
  ];
  const warnings = [
    ...lines(repeated),
    ...legacy.warnings,
    ...lines(verdict.warnings),
    ...lines(missingEnvWarnings(config, new Set(options.envNames))),
    ...lines(originWarnings(config)),
    ...lines(plainSecretWarnings(config)),
    ...lines(volumePathWarnings(config, STATE_DIR)),
  ];
  return problems.length > 0
    ? { rendered: config, problems, warnings }
    : { config, rendered: config, problems, warnings };
}
