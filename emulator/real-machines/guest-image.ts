/**
 * The images real machines can run, and what each image would supply in a container: its
 * WORKDIR, its default command and its user. Only OpenClaw's published images are runnable: the
 * gateway inside them is the `openclaw` npm package at the image's version, run on Node 24.
 */
import { imageRef } from "../image-ref";

/** Repositories that publish the OpenClaw image: GHCR first, the Docker Hub mirror second. */
const OPENCLAW_IMAGES = new Set([
  "ghcr.io/openclaw/openclaw",
  "docker.io/openclaw/openclaw",
  "registry-1.docker.io/openclaw/openclaw",
]);

/** The guest side of an OpenClaw image (its Dockerfile). */
export const OPENCLAW_IMAGE_DEFAULTS = {
  /** WORKDIR: the package folder, where `openclaw.mjs` is. */
  workdir: "/app",
  /**
   * The image's ENTRYPOINT is `tini -s --` and its CMD `node openclaw.mjs gateway`. A machine's
   * `init.cmd` replaces only the CMD. The emulator itself plays tini's part (the main process is
   * its child, signals go to it, its children are reaped), so no ENTRYPOINT is run.
   */
  entrypoint: [] as readonly string[],
  cmd: ["node", "openclaw.mjs", "gateway"] as readonly string[],
  /** USER node (uid 1000); HOME is its home folder. */
  user: "node",
  home: "/home/node",
  /** The image's PATH (node:24-bookworm-slim), before the emulator puts Node 24 first. */
  path: "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
} as const;

/**
 * The OpenClaw version an image runs, from its tag (`ghcr.io/openclaw/openclaw:2026.9.6`, with or
 * without a digest); `undefined` for any other image, which real machines leave simulated. An
 * OpenClaw image without a version tag (`:latest`, a bare digest) yields its tag or `""`, which
 * the runtime then refuses by name.
 */
export function openclawVersionOf(image: string): string | undefined {
  const ref = imageRef(image);
  if (!OPENCLAW_IMAGES.has(`${ref.registry as string}/${ref.repository as string}`)) {
    return undefined;
  }
  const [named] = image.split("@", 1);
  const colon = named.lastIndexOf(":");
  return colon > named.lastIndexOf("/") ? named.slice(colon + 1) : "";
}
