/**
 * Defaults the component and the providers share: a resource made by the component and the same
 * resource made directly fall back to the same value.
 */

/** The Fly organization used when none is named: every Fly account has one. */
export const DEFAULT_ORG = "personal";

/** Size of a volume when none is given, in GB. */
export const DEFAULT_VOLUME_SIZE_GB = 1;

/**
 * Seconds a machine may take to start a new version, and again for its checks to pass, before
 * the change is called failed: the gateway's 2-minute grace period plus its own lifecycle lock
 * wait (up to 5 minutes on a slow first boot), with room to spare.
 */
export const DEFAULT_HEALTH_TIMEOUT_SECONDS = 600;

/** The longest health timeout accepted: an hour. */
export const MAX_HEALTH_TIMEOUT_SECONDS = 3600;

/** Timing of the gateway's startup check (the upstream Fly template's; the grace period covers first-boot migrations). */
export const DEFAULT_HEALTH_CHECK = {
  gracePeriod: "2m",
  interval: "15s",
  timeout: "5s",
} as const;

/** The published gateway image, pinned to an immutable version tag. */
export const DEFAULT_IMAGE = "ghcr.io/openclaw/openclaw:2026.9.6";

/**
 * Memory the gateway is given when none is named, and what a machine killed for lack of memory
 * is told to use: the gateway's whole process tree measured up to about 0.8 GB while booting and
 * serving a browser (README, "Sizing"), and this leaves as much again for channels, sessions and
 * growth.
 */
export const RECOMMENDED_MEMORY_MB = 2048;
