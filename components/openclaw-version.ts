/**
 * Which OpenClaw version a deployment runs, and whether its openclaw.json schema is committed.
 * The schema changes between releases (2026.9.5 to 2026.9.6 added 53 keys and removed 4), so a
 * config is only checked against the schema of the version the image runs.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { splitImageReference } from "./image-reference";

/** Folder of the committed schemas, one `openclaw-schema-<version>.json` per supported version. */
export const SCHEMA_DIR = join(__dirname, "openclaw-schemas");

const SCHEMA_FILE = /^openclaw-schema-(.+)\.json$/;

/** OpenClaw's CalVer (`2026.9.6`, `2026.9.1-beta.1`) at the start of an image tag. */
const TAG_VERSION = /^(\d{4}\.\d{1,2}\.\d{1,3}(?:-beta\.\d+)?)(?:$|[-_.+])/;

/** The committed schema file of `version`. */
export function schemaFile(version: string): string {
  return join(SCHEMA_DIR, `openclaw-schema-${version}.json`);
}

/** Orders CalVer versions, prereleases before their release. */
export function compareVersions(a: string, b: string): number {
  const parts = (v: string) => v.split(/[.-]/).map((p) => (/^\d+$/.test(p) ? Number(p) : p));
  const [pa, pb] = [parts(a), parts(b)];
  for (let i = 0; i < Math.max(pa.length, pb.length); i += 1) {
    const [x, y] = [pa[i], pb[i]];
    if (x === y) continue;
    if (x === undefined) return 1; // 2026.9.1 after 2026.9.1-beta.1
    if (y === undefined) return -1;
    if (typeof x === "number" && typeof y === "number") return x - y;
    return String(x) < String(y) ? -1 : 1;
  }
  return 0;
}

/** Versions with a committed schema, oldest first. */
export function supportedVersions(): string[] {
  return readdirSync(SCHEMA_DIR)
    .flatMap((name) => SCHEMA_FILE.exec(name)?.[1] ?? [])
    .sort(compareVersions);
}

/** True when preview can check a config for `version`. */
export function isSupportedVersion(version: string): boolean {
  return existsSync(schemaFile(version));
}

/** The version a deployment runs, or why it cannot be told. */
export type GatewayVersion = { version: string } | { unknown: string };

/**
 * The OpenClaw version of an image reference: the CalVer its tag starts with, in any
 * repository (`ghcr.io/openclaw/openclaw:2026.9.6`, `…:2026.9.6-browser`, a custom
 * `registry.fly.io/app:2026.9.6-signal`, or `…:2026.9.6@sha256:…`). A digest alone names content,
 * not a version.
 */
export function versionOfImage(image: string): GatewayVersion {
  const { tag, digest } = splitImageReference(image);
  const version = tag === undefined ? undefined : TAG_VERSION.exec(tag)?.[1];
  if (version !== undefined) return { version };
  const why =
    tag === undefined && digest !== undefined
      ? "is pinned by digest alone"
      : `has a tag (${JSON.stringify(tag)}) that does not start with an OpenClaw version`;
  return {
    unknown: `image ${JSON.stringify(image)} ${why}; put the version in the tag, e.g. ${image.split(/[:@]/)[0]}:2026.9.6${digest !== undefined ? `@${digest}` : ""}`,
  };
}

/**
 * The OpenClaw version of a source build: the `version` of the `openclaw` package.json at the
 * root of the build context.
 */
export function versionOfBuild(context: string): GatewayVersion {
  const manifest = join(context, "package.json");
  try {
    const { name, version } = JSON.parse(readFileSync(manifest, "utf8")) as {
      name?: unknown;
      version?: unknown;
    };
    if (name === "openclaw" && typeof version === "string") return { version };
    return { unknown: `${manifest} is not the openclaw package's manifest` };
  } catch {
    return { unknown: `${manifest} cannot be read, so the version being built is unknown` };
  }
}
