/**
 * The machine as FlyMachine's diff and read see it on Fly. The diffs of one app's machines share
 * one list of its machines, and a refresh's Diff takes what its Read just read
 * (`provider-kit/live-reads.ts` says why that is as good as a read of its own). Fly's
 * non-summary list returns each machine as its GET does: config (with the metadata that marks
 * it), state and checks are all the diff looks at.
 */
import type { Machine } from "../fly-client/fly-client";
import type { FlyClientOptions } from "../fly-client/connection";
import { createMachinesClient } from "../fly-client/machine-operations";
import { readAndKeep, readForDiff } from "../provider-kit/live-reads";
import type { FlyMachineInputs } from "./machine-check";
import { hasDrift, isGone, liveDrift, machineRefusal } from "./machine-drift";

const KIND = "machines";

/**
 * The machine for a diff of `news`: its record in the app's shared list when that shows it live,
 * the stack's own and as declared; otherwise (missing from the list, on its way out, foreign,
 * drifted) its own GET, which decides.
 */
export function machineForDiff(
  options: FlyClientOptions,
  id: string,
  news: FlyMachineInputs,
): Promise<Machine | undefined> {
  const machines = createMachinesClient(options);
  return readForDiff<Machine>({
    app: news.app,
    kind: KIND,
    id,
    machine: true,
    get: () => machines.getOrUndefined(news.app, id),
    list: () => machines.list(news.app),
    settled: (listed) =>
      !isGone(listed) &&
      machineRefusal(listed, news, news) === undefined &&
      !hasDrift(liveDrift(listed, news)),
  });
}

/** The machine for a read (refresh, import), kept for the diff a refresh asks next. */
export function machineForRead(
  options: FlyClientOptions,
  app: string,
  id: string,
): Promise<Machine | undefined> {
  return readAndKeep({ app, kind: KIND, id }, () =>
    createMachinesClient(options).getOrUndefined(app, id),
  );
}
