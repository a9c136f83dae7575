import type { FlyVolumeInputs } from "../../providers/volume/fly-volume";

/** Normalized inputs of a volume named `data` in iad, as `check` returns them. */
export function volumeInputs(
  app: string,
  overrides: Partial<FlyVolumeInputs> = {},
): FlyVolumeInputs {
  return {
    app,
    name: "data",
    region: "iad",
    sizeGb: 1,
    encrypted: true,
    deleteOnDestroy: false,
    snapshotBeforeDelete: true,
    ...overrides,
  };
}
