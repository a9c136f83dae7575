/**
 * The `openclaw` argument checked in the context of the other gateway arguments: the image (or
 * build) says which OpenClaw version's rules apply, the app name, mode and custom domains shape
 * the rendered gateway block, and the secrets and extra env say which `${NAME}` references will
 * resolve.
 */
import { resolve } from "node:path";
import { DEFAULT_IMAGE } from "../rules/deployment-defaults";
import { GATEWAY_ENV_REASONS, GATEWAY_TOKEN_ENV, type GatewayMode } from "./gateway-constants";
import { checkOpenClawSettings, type OpenClawCheck } from "./openclaw-validate";
import { versionOfBuild, versionOfImage, type GatewayVersion } from "./openclaw-version";
import { isPlainRecord } from "./validation";

function versionOf(raw: Record<string, unknown>, cwd: string): GatewayVersion {
  if (isPlainRecord(raw.build) && typeof raw.build.context === "string") {
    return versionOfBuild(resolve(cwd, raw.build.context));
  }
  return versionOfImage(typeof raw.image === "string" ? raw.image : DEFAULT_IMAGE);
}

function envNames(raw: Record<string, unknown>): string[] {
  const names = [...Object.keys(GATEWAY_ENV_REASONS), GATEWAY_TOKEN_ENV];
  for (const key of ["providerKeys", "channelTokens", "extraEnv"]) {
    if (isPlainRecord(raw[key])) names.push(...Object.keys(raw[key]));
  }
  return names;
}

/**
 * Checks and renders the `openclaw` argument of raw (unchecked) gateway arguments. Other
 * arguments that are malformed get neutral stand-ins here; their own rules report them.
 *
 * @param cwd directory a relative `build.context` is resolved against
 */
export function checkOpenClawArgument(
  raw: Record<string, unknown>,
  cwd = process.cwd(),
): OpenClawCheck {
  const mode: GatewayMode = raw.mode === "private" ? "private" : "public";
  const domains = Array.isArray(raw.domains)
    ? raw.domains.filter((d) => typeof d === "string")
    : [];
  return checkOpenClawSettings(raw.openclaw, {
    appName: typeof raw.appName === "string" ? raw.appName : "",
    mode,
    domains,
    flycast: raw.flycast === true,
    version: versionOf(raw, cwd),
    envNames: envNames(raw),
  });
}
