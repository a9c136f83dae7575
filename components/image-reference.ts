import { DEFAULT_IMAGE } from "../rules/deployment-defaults";

/**
 * Image references must be pinned: a tag that never moves, or a digest. A moving tag would let
 * two regions, or a machine and its replacement, run different gateway versions under one
 * unchanged Pulumi config, and a preview could never show the upgrade.
 */

/** Tags OpenClaw's release automation moves on every release (OpenClaw Docker docs). */
const OPENCLAW_MOVING_TAGS = new Set([
  "latest",
  "main",
  "extended-stable",
  "slim",
  "main-slim",
  "extended-stable-slim",
  "latest-browser",
  "main-browser",
  "extended-stable-browser",
]);

/** Repositories that publish the OpenClaw image (GHCR primary, Docker Hub mirror). */
const OPENCLAW_REPOSITORIES = new Set([
  "ghcr.io/openclaw/openclaw",
  "openclaw/openclaw",
  "docker.io/openclaw/openclaw",
]);

// [registry[:port]/]path-components, lowercase as the OCI distribution spec requires.
const COMPONENT = "[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*";
const NAME = new RegExp(`^(?:[a-zA-Z0-9.-]+(?::[0-9]+)?/)?${COMPONENT}(?:/${COMPONENT})*$`);
const TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;
const DIGEST = /^sha256:[a-f0-9]{64}$/;

/** An image reference split into its parts. */
export interface ImageReference {
  /** Registry and repository, e.g. `ghcr.io/openclaw/openclaw`. */
  name: string;
  tag?: string;
  digest?: string;
}

/** Splits `name[:tag][@digest]`; the tag's colon is the one after the last slash. */
export function splitImageReference(image: string): ImageReference {
  const at = image.indexOf("@");
  const digest = at >= 0 ? image.slice(at + 1) : undefined;
  const named = at >= 0 ? image.slice(0, at) : image;
  const colon = named.lastIndexOf(":");
  const hasTag = colon > named.lastIndexOf("/");
  return {
    name: hasTag ? named.slice(0, colon) : named,
    ...(hasTag ? { tag: named.slice(colon + 1) } : {}),
    ...(digest !== undefined ? { digest } : {}),
  };
}

const PIN_ADVICE = `pin a version tag (e.g. ${DEFAULT_IMAGE}) or an @sha256: digest`;

/** Why `image` cannot be deployed, or `undefined` when it is a well-formed pinned reference. */
export function imageReferenceProblem(image: string): string | undefined {
  const { name, tag, digest } = splitImageReference(image);
  const quoted = JSON.stringify(image);
  if (
    !NAME.test(name) ||
    (tag !== undefined && !TAG.test(tag)) ||
    (digest !== undefined && !DIGEST.test(digest))
  ) {
    return `${quoted} is not an image reference (registry/repository:tag or repository@sha256:<64 hex digits>)`;
  }
  // A digest pins the content whatever the tag says.
  if (digest !== undefined) return undefined;
  if (tag === undefined) return `${quoted} has no tag; ${PIN_ADVICE}`;
  const moving =
    tag === "latest" || (OPENCLAW_REPOSITORIES.has(name) && OPENCLAW_MOVING_TAGS.has(tag));
  if (moving) return `${quoted} uses the moving tag "${tag}"; ${PIN_ADVICE}`;
  return undefined;
}
