/**
 * Changing a running machine safely: under its lease, with the whole configuration, until the
 * new version is started and every check passes - or back to the previous configuration.
 *
 * "Done" means healthy, not "accepted by the API": a machine that boots but fails its checks
 * is rolled back while the lease still keeps other deployers away, and the error says what
 * failed and whether the rollback worked.
 */
import type {
  AcquireLeaseOptions,
  LeaseOperations,
  Machine,
  MachineOperations,
  WaitOperations,
} from "../fly-client/fly-client";
import { hasKind } from "../fly-client/fly-api-error";
import type { LogOperations } from "../fly-client/log-operations";
import { explainUnhealthy, logTail, type UnhealthyMachineError } from "./machine-diagnosis";
import { marksMetadata, toApiConfig, type MachineMarks } from "./machine-api-config";
import type { MachineSpec } from "./machine-spec";
import type { Progress } from "../provider-kit/progress";
import type { ProviderTuning } from "../provider-kit/provider-settings";
import { describeError } from "../provider-kit/fly-provider";

/** The machine a rollout works on. */
export interface MachineTarget {
  app: string;
  id: string;
  name: string;
  region: string;
}

/** A configuration a machine can run: its spec, its marks and the secrets version it boots with. */
export interface MachineRevision extends MachineMarks {
  spec: MachineSpec;
  minSecretsVersion?: number;
  /** Metadata the configuration carries besides the marks (what a protected update records). */
  records?: Record<string, string>;
}

/** The Fly calls FlyMachine makes: machines, waits on them, their leases and their logs. */
export interface MachineClient {
  machines: MachineOperations;
  waits: WaitOperations;
  leases: LeaseOperations;
  /** Read only to explain a machine that did not become healthy. */
  logs?: LogOperations;
}

/** What every rollout step needs. */
export interface RolloutContext {
  client: MachineClient;
  tuning: ProviderTuning;
  progress: Progress;
  /** Budget for one version to start and pass its checks. */
  healthTimeoutMs: number;
  /** The stack the work is done for: its leases say so, and its own stale ones are taken over. */
  stack: string;
}

/**
 * The options of a lease taken for `action`. The description names the stack, so a lease that a
 * killed run of the same stack left behind is known as such and taken over at once (Pulumi lets
 * one run of a stack at a time, so no live run of this stack can hold it); any other holder is
 * waited for.
 */
export function leaseOptions(ctx: RolloutContext, action: string): AcquireLeaseOptions {
  const mine = `openclaw-fly ${ctx.stack}:`;
  return {
    ttlSeconds: ctx.tuning.leaseTtlSeconds,
    description: `${mine} ${action}`,
    acquireTimeoutMs: ctx.tuning.leaseWaitMs,
    takeOver: (holder) => holder.description?.startsWith(mine) === true,
    onTakeOver: (holder) =>
      ctx.progress(
        `the machine's lease ("${holder.description}") was left by an earlier run of this stack that did not finish; taking it over`,
      ),
  };
}

/** States a machine rests in until someone starts it. */
const RESTING_STATES = ["stopped", "suspended"];

/** The version id of a machine as the API reports it. */
export function versionOf(machine: Machine): string {
  return machine.instance_id ?? machine.version ?? "";
}

/** Whether a spec defines checks Fly will report on. */
function hasChecks(spec: MachineSpec): boolean {
  return Object.keys(spec.checks ?? {}).length > 0;
}

/**
 * Waits until `version` of the machine is started (unless `seenStarted` says a wait already saw
 * it started) and then, when the spec defines checks, until every check passes; each of the two
 * waits has the whole health budget. Throws the client's description of what went wrong (the
 * state reached, each failing check with its output), with the machine's own account added (its
 * exits, and its last log lines; see machine-diagnosis).
 */
export async function waitUntilHealthy(
  ctx: RolloutContext,
  target: MachineTarget,
  version: string,
  spec: MachineSpec,
  seenStarted = false,
): Promise<Machine> {
  const since = Date.now();
  try {
    return await waitForHealth(ctx, target, version, spec, seenStarted);
  } catch (error) {
    throw await explainUnhealthy(ctx, target, spec, since, error, describeError);
  }
}

async function waitForHealth(
  ctx: RolloutContext,
  target: MachineTarget,
  version: string,
  spec: MachineSpec,
  seenStarted: boolean,
): Promise<Machine> {
  const { client, progress } = ctx;
  if (!seenStarted) {
    progress(`waiting for machine ${target.id} version ${version} to start`);
    await client.waits.waitForState(target.app, target.id, {
      state: "started",
      version,
      timeoutMs: ctx.healthTimeoutMs,
      onProgress: progress,
    });
  }
  if (!hasChecks(spec)) return client.machines.get(target.app, target.id);
  progress(`machine ${target.id} started; waiting for its checks to pass`);
  const healthy = await client.waits.waitForChecks(target.app, target.id, {
    timeoutMs: ctx.healthTimeoutMs,
    pollMs: ctx.tuning.checkPollMs,
    version,
    onProgress: progress,
  });
  progress(`machine ${target.id} version ${version} is started and healthy`);
  return healthy;
}

/** Sends `revision` as the machine's complete configuration, with the lease nonce. */
async function sendConfig(
  ctx: RolloutContext,
  target: MachineTarget,
  revision: MachineRevision,
  nonce: string,
): Promise<string> {
  const updated = await ctx.client.machines.update(
    target.app,
    target.id,
    {
      config: toApiConfig(revision.spec, { ...marksMetadata(revision), ...revision.records }),
      min_secrets_version: revision.minSecretsVersion,
    },
    { leaseNonce: nonce },
  );
  return versionOf(updated);
}

/**
 * Makes sure a new version runs: Fly boots it when the machine was running and leaves it
 * stopped otherwise, so once it settles in either state a stopped one is started. True when the
 * wait already saw the version started, so nobody needs to wait for that again.
 */
async function bootIfStopped(
  ctx: RolloutContext,
  target: MachineTarget,
  version: string,
  nonce: string,
): Promise<boolean> {
  const { client } = ctx;
  const settled = await client.waits.waitForState(target.app, target.id, {
    state: "started,stopped",
    version,
    timeoutMs: ctx.healthTimeoutMs,
    onProgress: ctx.progress,
  });
  const state = settled.state ?? (await client.machines.get(target.app, target.id)).state;
  if (state === "stopped") {
    ctx.progress(`starting machine ${target.id} version ${version}, which Fly left stopped`);
    await client.machines.start(target.app, target.id, { leaseNonce: nonce });
  }
  return state === "started";
}

/**
 * Moves the machine from `previous` to `next` under its lease and waits until it is healthy. On
 * failure the previous configuration is restored and awaited, and the error names the machine,
 * its region, what failed, and whether the rollback succeeded. With `restorePrevious: false`
 * the failed version is left to the caller (which restores more than the configuration): the
 * error then says what failed and carries `newVersionFailed: true`.
 */
export async function rollOut(
  ctx: RolloutContext,
  target: MachineTarget,
  next: MachineRevision,
  previous: MachineRevision,
  options: { restorePrevious?: boolean } = {},
): Promise<Machine> {
  const { client, progress } = ctx;
  const where = `machine ${target.id} (${target.name}) in region ${target.region}`;
  return client.leases.withLease(
    target.app,
    target.id,
    async (nonce) => {
      progress(`updating machine ${target.id} (lease held)`);
      let version: string;
      try {
        version = await sendConfig(ctx, target, next, nonce);
      } catch (error) {
        throw new Error(`${where}: the update was refused: ${describeError(error)}`, {
          cause: error,
        });
      }
      try {
        const started = await bootIfStopped(ctx, target, version, nonce);
        return await waitUntilHealthy(ctx, target, version, next.spec, started);
      } catch (failure) {
        if (hasKind(failure, "client.api_unanswered")) {
          // Nothing says the new version is unhealthy: the next up reads the machine and finishes
          // the update, or rolls it back, from what it finds.
          throw new Error(
            `${where}: the update to version ${version} was sent, but its health could not be ` +
              `read: ${describeError(failure)}; nothing was rolled back, and the next up ` +
              "checks the machine again",
            { cause: failure },
          );
        }
        const what = `the update to version ${version} failed: ${describeError(failure)}`;
        if (options.restorePrevious === false) {
          const { logLines, machineId } = failure as Partial<UnhealthyMachineError>;
          throw Object.assign(new Error(what, { cause: failure }), {
            newVersionFailed: true,
            ...(logLines !== undefined ? { logLines, machineId } : {}),
          });
        }
        progress(`version ${version} failed; rolling back to the previous configuration`);
        let restored: string;
        try {
          restored = await sendConfig(ctx, target, previous, nonce);
          const started = await bootIfStopped(ctx, target, restored, nonce);
          await waitUntilHealthy(ctx, target, restored, previous.spec, started);
        } catch (rollbackFailure) {
          throw new Error(
            `${where}: ${what}; rolling back to the previous configuration failed too: ${describeError(rollbackFailure)}${logTail(rollbackFailure) || logTail(failure)}`,
            { cause: rollbackFailure },
          );
        }
        throw new Error(
          `${where}: ${what}; rolled back to the previous configuration (version ${restored}, started and healthy)${logTail(failure)}`,
          { cause: failure },
        );
      }
    },
    { ...leaseOptions(ctx, "updating the machine"), onProgress: progress },
  );
}

/**
 * Brings an existing machine to healthy without changing it: starts it (under its lease) when
 * it rests stopped or suspended, then waits for its current version to be started and healthy.
 */
export async function ensureHealthy(
  ctx: RolloutContext,
  target: MachineTarget,
  machine: Machine,
  spec: MachineSpec,
): Promise<Machine> {
  const { client } = ctx;
  if (RESTING_STATES.includes(machine.state)) {
    ctx.progress(`starting machine ${target.id}, which is ${machine.state}`);
    await client.leases.withLease(
      target.app,
      target.id,
      (nonce) => client.machines.start(target.app, target.id, { leaseNonce: nonce }),
      { ...leaseOptions(ctx, "starting the machine"), onProgress: ctx.progress },
    );
  }
  return waitUntilHealthy(ctx, target, versionOf(machine), spec);
}
