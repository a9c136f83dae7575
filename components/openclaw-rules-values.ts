/**
 * The gateway's rules for values the schema types as plain strings or numbers: durations, byte
 * sizes, clock times and paths, ported from OpenClaw 2026.9.6 (dist/zod-schema-*.mjs,
 * dist/zod-schema.agent-runtime-*.mjs and dist/zod-schema.cloud-workers-*.mjs; the parsers are
 * src/cli/parse-duration.ts and src/cli/parse-bytes.ts).
 */
import { posix } from "node:path";
import type { ConfigIssue } from "./openclaw-issue";
import { isRecord, record, type Json, type JsonPath } from "./openclaw-json";

const DURATION_UNITS: Record<string, number> = {
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
};

/**
 * `parseDurationMs`: "30s", "1h30m", or a bare number in `defaultUnit`; undefined when the text
 * is no duration.
 */
export function parseDurationMs(raw: string, defaultUnit: string): number | undefined {
  const text = raw.trim().toLowerCase();
  if (text === "") return undefined;
  const single = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)?$/.exec(text);
  if (single) return Math.round(Number(single[1]) * DURATION_UNITS[single[2] ?? defaultUnit]);
  let total = 0;
  let consumed = 0;
  for (const match of text.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h|d)/g)) {
    if (match.index !== consumed) return undefined;
    total += Number(match[1]) * DURATION_UNITS[match[2]];
    consumed += match[0].length;
  }
  return consumed === text.length && consumed > 0 ? Math.round(total) : undefined;
}

const BYTE_UNITS: Record<string, number> = {
  b: 1,
  kb: 1024,
  k: 1024,
  mb: 1024 ** 2,
  m: 1024 ** 2,
  gb: 1024 ** 3,
  g: 1024 ** 3,
  tb: 1024 ** 4,
  t: 1024 ** 4,
};

/** `parseByteSize`: "512kb", "10mb", or a bare number of bytes; undefined when it is none. */
export function parseByteSize(raw: string): number | undefined {
  const match = /^(\d+(?:\.\d+)?)([a-z]+)?$/.exec(raw.trim().toLowerCase());
  const multiplier = match ? BYTE_UNITS[match[2] ?? "b"] : undefined;
  return match && multiplier !== undefined ? Math.round(Number(match[1]) * multiplier) : undefined;
}

const text = (value: unknown) =>
  typeof value === "number" ? String(value) : typeof value === "string" ? value : undefined;

/**
 * Durations: `session.maintenance` ages are positive (`PositiveDurationSchema`, days by default),
 * `cron.sessionRetention` parses (hours by default), heartbeat `every` parses (minutes by
 * default).
 */
export function durationIssues(config: Json): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const maintenance = record(record(config.session).maintenance);
  for (const key of [
    "pruneAfter",
    "archiveDashboardAfter",
    "preserveRecent",
    "resetArchiveRetention",
  ]) {
    const value = maintenance[key];
    if (value === undefined || value === false || (key === "archiveDashboardAfter" && value === 0))
      continue;
    const raw = text(value);
    const ms = raw === undefined ? undefined : parseDurationMs(raw, "d");
    if (raw === undefined) continue; // a type error the schema reports
    if (ms === undefined)
      issues.push({
        path: ["session", "maintenance", key],
        rule: "is not a duration (use ms, s, m, h, d, e.g. 30d)",
      });
    else if (ms <= 0)
      issues.push({
        path: ["session", "maintenance", key],
        rule: "must be a positive duration (use ms, s, m, h, d, e.g. 30d)",
      });
  }
  const retention = record(config.cron).sessionRetention;
  const retentionText = retention === false ? undefined : text(retention);
  if (retentionText !== undefined && parseDurationMs(retentionText, "h") === undefined) {
    issues.push({
      path: ["cron", "sessionRetention"],
      rule: "is not a duration (use ms, s, m, h, d)",
    });
  }
  for (const [path, heartbeat] of heartbeats(config)) {
    const every = record(heartbeat).every;
    if (typeof every === "string" && every !== "" && parseDurationMs(every, "m") === undefined) {
      issues.push({
        path: [...path, "every"],
        rule: "is not a duration (use ms, s, m, h, e.g. 30m)",
      });
    }
  }
  return issues;
}

function heartbeats(config: Json): [JsonPath, unknown][] {
  const agents = record(config.agents);
  const list: [JsonPath, unknown][] = [
    [["agents", "defaults", "heartbeat"], record(agents.defaults).heartbeat],
  ];
  for (const [id, entry] of Object.entries(record(agents.entries)))
    list.push([["agents", "entries", id, "heartbeat"], record(entry).heartbeat]);
  return list.filter(([, heartbeat]) => isRecord(heartbeat));
}

/** `HeartbeatSchema.superRefine`: activeHours are "HH:MM"; only the end may be 24:00. */
export function activeHoursIssues(config: Json): ConfigIssue[] {
  return heartbeats(config).flatMap(([path, heartbeat]) => {
    const active = record(record(heartbeat).activeHours);
    return (["start", "end"] as const).flatMap((which): ConfigIssue[] => {
      const value = active[which];
      if (typeof value !== "string" || value === "") return [];
      const at = [...path, "activeHours", which];
      if (!/^([01]\d|2[0-3]|24):([0-5]\d)$/.test(value))
        return [{ path: at, rule: 'must be a time as "HH:MM" (24-hour)' }];
      if (value.startsWith("24:") && value !== "24:00")
        return [{ path: at, rule: "24:00 is the only 24:xx time" }];
      return which === "start" && value === "24:00"
        ? [{ path: at, rule: "cannot be 24:00 (only the end can)" }]
        : [];
    });
  });
}

/**
 * Byte sizes: `session.maintenance.maxDiskBytes` and `highWaterBytes` (unless false), and the
 * compaction thresholds (`NonNegativeByteSizeSchema`).
 */
export function byteSizeIssues(config: Json): ConfigIssue[] {
  const compaction = record(record(record(config.agents).defaults).compaction);
  const maintenance = record(record(config.session).maintenance);
  const candidates: [JsonPath, unknown][] = [
    [
      ["session", "maintenance", "maxDiskBytes"],
      maintenance.maxDiskBytes === false ? undefined : maintenance.maxDiskBytes,
    ],
    [["session", "maintenance", "highWaterBytes"], maintenance.highWaterBytes],
    [
      ["agents", "defaults", "compaction", "maxActiveTranscriptBytes"],
      compaction.maxActiveTranscriptBytes,
    ],
    [
      ["agents", "defaults", "compaction", "memoryFlush", "forceFlushTranscriptBytes"],
      record(compaction.memoryFlush).forceFlushTranscriptBytes,
    ],
  ];
  return candidates.flatMap(([path, value]) =>
    typeof value === "string" && parseByteSize(value) === undefined
      ? [{ path, rule: "is not a byte size (use b, kb, mb, gb, tb, e.g. 20mb)" }]
      : [],
  );
}

/**
 * JsonPath refinements: `worktreeRoot` is absolute or under `~`; the desktop VNC `passwordFile` is
 * absolute; a hook transform `module` is a safe relative path.
 */
export function pathIssues(config: Json): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const root = config.worktreeRoot;
  if (
    typeof root === "string" &&
    root.trim() !== "" &&
    !(posix.isAbsolute(root.trim()) || root.trim() === "~" || root.trim().startsWith("~/"))
  ) {
    issues.push({ path: ["worktreeRoot"], rule: "must be an absolute path or start with ~" });
  }
  const passwordFile = record(record(config.desktop).host).passwordFile;
  if (
    typeof passwordFile === "string" &&
    passwordFile.trim() !== "" &&
    !posix.isAbsolute(passwordFile.trim())
  ) {
    issues.push({ path: ["desktop", "host", "passwordFile"], rule: "must be an absolute path" });
  }
  const mappings = record(config.hooks).mappings;
  (Array.isArray(mappings) ? mappings : []).forEach((mapping, index) => {
    const module = record(record(mapping).transform).module;
    if (typeof module !== "string") return;
    const text = module.trim();
    const safe =
      text !== "" &&
      !posix.isAbsolute(text) &&
      !text.startsWith("~") &&
      !text.includes(":") &&
      !text.split(/[\\/]+/).includes("..");
    if (!safe)
      issues.push({
        path: ["hooks", "mappings", index, "transform", "module"],
        rule: "must be a safe relative path (no absolute path, ~, drive or ..)",
      });
  });
  return issues;
}

/** Cloud worker refinements: profile ids without outer spaces; suspendAfter at least 1m, with a unit. */
export function cloudWorkerIssues(config: Json): ConfigIssue[] {
  return Object.entries(record(record(config.cloudWorkers).profiles)).flatMap(
    ([id, value]): ConfigIssue[] => {
      const issues: ConfigIssue[] = [];
      if (id !== id.trim())
        issues.push({
          path: ["cloudWorkers", "profiles", id],
          rule: "profile ids must not have surrounding spaces",
        });
      const suspendAfter = record(value).suspendAfter;
      if (typeof suspendAfter === "string") {
        const ms = /(?:ms|s|m|h|d)$/i.test(suspendAfter)
          ? parseDurationMs(suspendAfter, "ms")
          : undefined;
        if (ms === undefined || ms < 60_000)
          issues.push({
            path: ["cloudWorkers", "profiles", id, "suspendAfter"],
            rule: "must be a duration of at least 1m (e.g. 45m, 2h)",
          });
      }
      return issues;
    },
  );
}
