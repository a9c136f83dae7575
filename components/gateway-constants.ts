/**
 * The fixed values the OpenClaw gateway is deployed with. Kept in one place because the same
 * strings meet in several files (machine spec, openclaw.json, argument validation) and a
 * mismatch between them (say, a port) would only show up as a machine that never turns healthy.
 * Defaults a user may override live in `rules/deployment-defaults.ts`.
 */
/**
 * How the gateway is reached: through Fly's public proxy (`public`) or only inside the
 * organization's private network (`private`).
 */
export const GATEWAY_MODES = ["public", "private"] as const;

/** See {@link GATEWAY_MODES}. */
export type GatewayMode = (typeof GATEWAY_MODES)[number];

/**
 * How a change reaches the regions: the first region alone first (`canary`), one at a time
 * (`serial`), or all at once (`parallel`).
 */
export const ROLLOUT_STRATEGIES = ["canary", "serial", "parallel"] as const;

/** See {@link ROLLOUT_STRATEGIES}. */
export type RolloutStrategy = (typeof ROLLOUT_STRATEGIES)[number];

/** Port the gateway listens on inside the machine; the Fly template uses 3000, not 18789. */
export const GATEWAY_PORT = 3000;

/** `--bind lan` listens on 0.0.0.0, which Fly's proxy and Flycast need to reach the gateway. */
export const GATEWAY_BIND = "lan";

/** Mount point of the machine's volume and the gateway's state directory. */
export const STATE_DIR = "/data";

/**
 * Where the rendered openclaw.json is written by Fly `files`. It sits outside the volume so a
 * re-deploy always replaces it, and the gateway is told it is read-only (externally managed).
 */
export const CONFIG_PATH = "/etc/openclaw/openclaw.json";

/** Unix mode of the config file: readable by the image's `node` user (uid 1000). */
export const CONFIG_FILE_MODE = 0o644;

/**
 * Lock files a gateway leaves behind when its machine dies without a clean shutdown. Since
 * 2026.9 they live under `$OPENCLAW_STATE_DIR/tmp/openclaw-<uid>/`, i.e. on the volume.
 */
export const STALE_LOCK_GLOB = `${STATE_DIR}/tmp/openclaw-*/gateway.*.lock`;

/**
 * Clears the gateway's leases in its SQLite state (`state_leases`, and `agent_database_leases`,
 * which its migrations check before they run) before it starts. A gateway
 * records its ownership of the state there (host, pid, 5-minute expiry); a volume forked or
 * restored from a running gateway's volume carries that row, and the new gateway would refuse
 * to start ("Another Gateway owner lease is still active") until it expires. Node's own SQLite
 * (the image runs Node 24) opens the file; a missing file or table leaves nothing to clear.
 */
export const CLEAR_STATE_LEASES =
  `node --no-warnings -e '` +
  `const f=process.env.OPENCLAW_STATE_DIR+"/state/openclaw.sqlite";` +
  `if(require("fs").existsSync(f)){const d=new(require("node:sqlite").DatabaseSync)(f);` +
  `for(const t of["state_leases","agent_database_leases"])try{d.exec("DELETE FROM "+t)}catch{}` +
  `d.close()}'`;

/** The gateway process itself; `openclaw.mjs` is the image's entry point under WORKDIR /app. */
export const GATEWAY_COMMAND: readonly string[] = [
  "node",
  "openclaw.mjs",
  "gateway",
  "--allow-unconfigured",
  "--port",
  String(GATEWAY_PORT),
  "--bind",
  GATEWAY_BIND,
];

/** Name of the machine-level check in `config.checks`. */
export const STARTUP_CHECK_NAME = "startup";

/**
 * `/startupz` answers 200 once startup has settled and ignores channel health, so one broken
 * bot account cannot take the Control UI out of service (unlike `/readyz`).
 */
export const STARTUP_CHECK_PATH = "/startupz";

/** Machine metadata keys that mark a machine as ours and say which region it serves. */
export const METADATA_REGION_KEY = "openclaw-fly/region";
/** See {@link METADATA_REGION_KEY}. */
export const METADATA_APP_KEY = "openclaw-fly/app";

/** The gateway token's environment variable; it only ever arrives as a Fly secret. */
export const GATEWAY_TOKEN_ENV = "OPENCLAW_GATEWAY_TOKEN";

/**
 * Plain environment variables the machine spec sets and the gateway depends on, with the reason
 * each one may not be overridden (used in error messages).
 */
export const GATEWAY_ENV_REASONS: Readonly<Record<string, string>> = {
  NODE_ENV: "the gateway runs in production mode",
  OPENCLAW_STATE_DIR: "the state directory is the volume at /data",
  OPENCLAW_CONFIG_PATH: "openclaw.json is rendered from the openclaw settings",
  OPENCLAW_CONFIG_READONLY: "openclaw.json is managed by this deployment",
  NODE_OPTIONS: "the heap size is derived from memoryMb",
  OPENCLAW_NO_RESPAWN: "restarts stay in-process and Fly restarts the machine",
};

/** Every name user-supplied env or secrets may not take: the gateway's own env and its token. */
export const RESERVED_ENV_REASONS: Readonly<Record<string, string>> = {
  ...GATEWAY_ENV_REASONS,
  [GATEWAY_TOKEN_ENV]: "the gateway token is a secret; pass it as gatewayToken",
};

/** The public HTTPS origin Fly gives an app; browsers send it as `Origin` to the Control UI. */
export function flyDevOrigin(appName: string): string {
  return `https://${appName}.fly.dev`;
}
