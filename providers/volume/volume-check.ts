/**
 * `check` of FlyVolume: Fly's volume rules, a shrink refused before any API call, and the
 * normalized inputs with defaults filled.
 */
import { z } from "zod";
import { schemaProblems, toCheckFailures } from "../provider-kit/check-failures";
import type { CheckFailure, Problem } from "../provider-kit/check-failures";
import { DEFAULT_VOLUME_SIZE_GB } from "../../rules/deployment-defaults";
import { appNameProblem, volumeNameProblem } from "../../rules/fly-names";
import { regionProblem } from "../../rules/fly-regions";
import { SNAPSHOT_RETENTION_DAYS, VOLUME_SIZE_GB, type FlyGuest } from "../../rules/fly-sizes";
import { stackIdentityProblem } from "../provider-kit/ownership";
import { anyUnknown } from "../provider-kit/unknowns";

/** Inputs of FlyVolume as its provider receives them. */
export interface FlyVolumeInputs {
  /** The app the volume belongs to. Replaces on change. */
  app: string;
  /** Volume name. Replaces on change. */
  name: string;
  /** Region code. Replaces on change. */
  region: string;
  /** Size in GB; only grows. */
  sizeGb: number;
  /** Encrypted at rest. Replaces on change. */
  encrypted: boolean;
  /** Days of snapshot retention (1..60); Fly's default when unset. */
  snapshotRetention?: number;
  /** Fly's automatic daily snapshots (`auto_backup_enabled`); Fly's default (on) when unset. */
  autoBackup?: boolean;
  /**
   * Where a new volume's data comes from: a snapshot, or a fork of another volume of the app.
   * Only read when the volume is created; a new source replaces the volume.
   */
  restoreFrom?: VolumeSource;
  /**
   * The machine the volume is for: Fly places a new volume on a host with room for that machine
   * too, so a region never gets a volume whose machine cannot run beside it. Only read when the
   * volume is created (a volume does not move), so a change is no change.
   */
  compute?: FlyGuest;
  /** Delete the volume on Fly when the resource is deleted (otherwise it is retained). */
  deleteOnDestroy: boolean;
  /** Snapshot before deleting. */
  snapshotBeforeDelete: boolean;
  /**
   * The declaring stack, `<project>/<stack>`. A volume carries no mark of its own: a create takes
   * over an attached volume only when its machine belongs to this stack.
   */
  stack?: string;
  /** The stack whose machines' volumes this one may take over. */
  takeOverFrom?: string;
}

/** The placement hint as Fly's API takes it (`fly.MachineGuest`). */
export function apiCompute(
  compute: FlyGuest | undefined,
): { cpu_kind: string; cpus: number; memory_mb: number } | undefined {
  return compute === undefined
    ? undefined
    : { cpu_kind: compute.cpuKind, cpus: compute.cpus, memory_mb: compute.memoryMb };
}

/** A volume's data source: exactly one of a snapshot id and a volume id. */
export interface VolumeSource {
  snapshotId?: string;
  sourceVolumeId?: string;
}

function volumeInputSchema() {
  const rule = (problem: (value: string) => string | undefined) =>
    z.string().superRefine((value, ctx) => {
      const reason = problem(value);
      if (reason !== undefined) ctx.addIssue({ code: "custom", message: reason });
    });
  return z.object({
    app: rule(appNameProblem),
    name: rule(volumeNameProblem),
    region: rule(regionProblem),
    sizeGb: z.number().int().min(VOLUME_SIZE_GB.min).max(VOLUME_SIZE_GB.max).optional(),
    encrypted: z.boolean().optional(),
    snapshotRetention: z
      .number()
      .int()
      .min(SNAPSHOT_RETENTION_DAYS.min)
      .max(SNAPSHOT_RETENTION_DAYS.max)
      .optional(),
    autoBackup: z.boolean().optional(),
    restoreFrom: z
      .object({
        snapshotId: z
          .string()
          .regex(/^vs_[A-Za-z0-9]+$/, "must be a snapshot id (vs_...)")
          .optional(),
        sourceVolumeId: z
          .string()
          .regex(/^vol_[a-z0-9]+$/, "must be a volume id (vol_...)")
          .optional(),
      })
      .strict()
      .refine(
        (source) => (source.snapshotId === undefined) !== (source.sourceVolumeId === undefined),
        "must set exactly one of snapshotId or sourceVolumeId",
      )
      .optional(),
    compute: z
      .object({
        cpuKind: z.enum(["shared", "performance"]),
        cpus: z.number().int().positive(),
        memoryMb: z.number().int().positive(),
      })
      .strict()
      .optional(),
    deleteOnDestroy: z.boolean().optional(),
    snapshotBeforeDelete: z.boolean().optional(),
    stack: rule(stackIdentityProblem).optional(),
    takeOverFrom: rule(stackIdentityProblem).optional(),
  });
}

/** A shrink is refused: Fly volumes only grow. */
function shrinkProblems(
  olds: Partial<FlyVolumeInputs> | undefined,
  news: Record<string, unknown>,
): Problem[] {
  const before = olds?.sizeGb;
  const after = news.sizeGb ?? DEFAULT_VOLUME_SIZE_GB;
  if (typeof before !== "number" || typeof after !== "number" || anyUnknown(before, after))
    return [];
  return after < before
    ? [
        {
          path: ["sizeGb"],
          reason: `cannot shrink from ${before} to ${after} GB: Fly volumes only grow`,
        },
      ]
    : [];
}

/** What `check` answers: failures, or the normalized inputs. */
export type VolumeCheckResult =
  | { failures: CheckFailure[]; inputs?: undefined }
  | { failures?: undefined; inputs: FlyVolumeInputs };

/** Validates FlyVolume inputs against Fly's rules and the previous size; fills defaults. */
export function checkVolumeInputs(
  olds: Partial<FlyVolumeInputs> | undefined,
  news: FlyVolumeInputs,
): VolumeCheckResult {
  const raw = news as unknown as Record<string, unknown>;
  const problems = [...schemaProblems(volumeInputSchema(), raw), ...shrinkProblems(olds, raw)];
  const failures = toCheckFailures(raw, problems);
  if (failures.length > 0) return { failures };
  return {
    inputs: {
      ...news,
      sizeGb: news.sizeGb ?? DEFAULT_VOLUME_SIZE_GB,
      encrypted: news.encrypted ?? true,
      deleteOnDestroy: news.deleteOnDestroy ?? false,
      snapshotBeforeDelete: news.snapshotBeforeDelete ?? true,
    },
  };
}

/** The size to extend to, or undefined when the volume is already at least `wantedGb`. */
export function extendOrKeep(currentGb: number, wantedGb: number): number | undefined {
  return wantedGb > currentGb ? wantedGb : undefined;
}
