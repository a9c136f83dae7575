import { describe, expect, it } from "vitest";
import {
  activeHoursIssues,
  byteSizeIssues,
  cloudWorkerIssues,
  durationIssues,
  parseByteSize,
  parseDurationMs,
  pathIssues,
} from "../../components/openclaw-rules-values";

describe("parseDurationMs (src/cli/parse-duration.ts)", () => {
  it.each<[string, string, number | undefined]>([
    ["30s", "ms", 30_000],
    ["1h30m", "ms", 5_400_000],
    ["1.5h", "ms", 5_400_000],
    ["45", "d", 45 * 86_400_000],
    ["45", "m", 2_700_000],
    [" 2D ", "ms", 172_800_000],
    ["1h 30m", "ms", undefined],
    ["30x", "ms", undefined],
    ["", "ms", undefined],
    ["soon", "d", undefined],
  ])("%j with default unit %s is %j", (text, unit, ms) => {
    expect(parseDurationMs(text, unit)).toBe(ms);
  });
});

describe("parseByteSize (src/cli/parse-bytes.ts)", () => {
  it.each<[string, number | undefined]>([
    ["500", 500],
    ["2mb", 2 * 1024 ** 2],
    ["1.5G", Math.round(1.5 * 1024 ** 3)],
    ["10 mb", undefined],
    ["lots", undefined],
    ["5pb", undefined],
  ])("%j is %j", (text, bytes) => {
    expect(parseByteSize(text)).toBe(bytes);
  });
});

describe("durationIssues (PositiveDurationSchema, cron and heartbeat refinements)", () => {
  it("accepts durations, numbers in the default unit, and false where it is allowed", () => {
    expect(
      durationIssues({
        session: {
          maintenance: {
            pruneAfter: "30d",
            preserveRecent: false,
            archiveDashboardAfter: 0,
            resetArchiveRetention: 7,
          },
        },
        cron: { sessionRetention: "24h" },
        agents: {
          defaults: { heartbeat: { every: "30m" } },
          entries: { a: { heartbeat: { every: "2h" } } },
        },
      }),
    ).toEqual([]);
  });

  it("refuses text that is no duration, and zero where it must be positive", () => {
    expect(
      durationIssues({
        session: { maintenance: { pruneAfter: "soon", resetArchiveRetention: "0d" } },
        cron: { sessionRetention: "a while" },
        agents: { entries: { a: { heartbeat: { every: "hourly" } } } },
      }),
    ).toEqual([
      {
        path: ["session", "maintenance", "pruneAfter"],
        rule: "is not a duration (use ms, s, m, h, d, e.g. 30d)",
      },
      {
        path: ["session", "maintenance", "resetArchiveRetention"],
        rule: "must be a positive duration (use ms, s, m, h, d, e.g. 30d)",
      },
      { path: ["cron", "sessionRetention"], rule: "is not a duration (use ms, s, m, h, d)" },
      {
        path: ["agents", "entries", "a", "heartbeat", "every"],
        rule: "is not a duration (use ms, s, m, h, e.g. 30m)",
      },
    ]);
  });
});

describe("activeHoursIssues (HeartbeatSchema.superRefine)", () => {
  const of = (start: string, end: string) =>
    activeHoursIssues({ agents: { defaults: { heartbeat: { activeHours: { start, end } } } } });
  const at = (which: string) => ["agents", "defaults", "heartbeat", "activeHours", which];

  it("accepts HH:MM, with 24:00 as an end", () => {
    expect(of("08:00", "24:00")).toEqual([]);
  });

  it("refuses other times", () => {
    expect(of("8:00", "24:30")).toEqual([
      { path: at("start"), rule: 'must be a time as "HH:MM" (24-hour)' },
      { path: at("end"), rule: "24:00 is the only 24:xx time" },
    ]);
    expect(of("24:00", "08:00")).toEqual([
      { path: at("start"), rule: "cannot be 24:00 (only the end can)" },
    ]);
  });
});

describe("byteSizeIssues (session maintenance refinement, NonNegativeByteSizeSchema)", () => {
  it("accepts sizes and numbers, refuses other text", () => {
    expect(
      byteSizeIssues({
        session: { maintenance: { maxDiskBytes: false, highWaterBytes: "400mb" } },
        agents: { defaults: { compaction: { maxActiveTranscriptBytes: 0 } } },
      }),
    ).toEqual([]);
    expect(
      byteSizeIssues({
        session: { maintenance: { maxDiskBytes: "lots" } },
        agents: {
          defaults: { compaction: { memoryFlush: { forceFlushTranscriptBytes: "2 mb" } } },
        },
      }),
    ).toEqual([
      {
        path: ["session", "maintenance", "maxDiskBytes"],
        rule: "is not a byte size (use b, kb, mb, gb, tb, e.g. 20mb)",
      },
      {
        path: ["agents", "defaults", "compaction", "memoryFlush", "forceFlushTranscriptBytes"],
        rule: "is not a byte size (use b, kb, mb, gb, tb, e.g. 20mb)",
      },
    ]);
  });
});

describe("pathIssues (worktreeRoot, desktop passwordFile, hook transform module refinements)", () => {
  it("refuses relative roots and files, and unsafe modules", () => {
    expect(
      pathIssues({
        worktreeRoot: "~/trees",
        desktop: { host: { passwordFile: "/data/vnc" } },
        hooks: { mappings: [{ transform: { module: "hooks/gh.js" } }] },
      }),
    ).toEqual([]);
    expect(
      pathIssues({
        worktreeRoot: "trees",
        desktop: { host: { passwordFile: "vnc" } },
        hooks: {
          mappings: [{ transform: { module: "../x.js" } }, { transform: { module: "/x.js" } }],
        },
      }),
    ).toEqual([
      { path: ["worktreeRoot"], rule: "must be an absolute path or start with ~" },
      { path: ["desktop", "host", "passwordFile"], rule: "must be an absolute path" },
      {
        path: ["hooks", "mappings", 0, "transform", "module"],
        rule: "must be a safe relative path (no absolute path, ~, drive or ..)",
      },
      {
        path: ["hooks", "mappings", 1, "transform", "module"],
        rule: "must be a safe relative path (no absolute path, ~, drive or ..)",
      },
    ]);
  });
});

describe("cloudWorkerIssues (zod-schema.cloud-workers.ts refinements)", () => {
  it("needs trimmed profile ids and a suspendAfter of at least a minute, with its unit", () => {
    expect(
      cloudWorkerIssues({
        cloudWorkers: {
          profiles: {
            ok: { suspendAfter: "45m" },
            " x": {},
            y: { suspendAfter: "30s" },
            z: { suspendAfter: "90" },
          },
        },
      }),
    ).toEqual([
      {
        path: ["cloudWorkers", "profiles", " x"],
        rule: "profile ids must not have surrounding spaces",
      },
      {
        path: ["cloudWorkers", "profiles", "y", "suspendAfter"],
        rule: "must be a duration of at least 1m (e.g. 45m, 2h)",
      },
      {
        path: ["cloudWorkers", "profiles", "z", "suspendAfter"],
        rule: "must be a duration of at least 1m (e.g. 45m, 2h)",
      },
    ]);
  });
});
