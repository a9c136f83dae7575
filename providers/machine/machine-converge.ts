/**
 * FlyMachine's update: the recorded machine brought to the program's, from whatever state it is
 * found in on Fly - gone while a data rollback was under way, running an update a killed run
 * sent, drifted, stopped, or as recorded.
 */
import type { FlyMachineInputs } from "./machine-check";
import { revisionOf, upgradeRecord } from "./machine-context";
import { isGone, liveDrift, machineRefusal } from "./machine-drift";
import { specOf } from "./machine-normal-form";
import { flyConfigDiffers, machineOutputs } from "./machine-outputs";
import type { FlyMachineOutputs } from "./machine-outputs";
import { finishRestore, growRestoredVolume, settleUnrecordedUpdate } from "./machine-recovery";
import { ensureHealthy } from "./machine-rollout";
import type { MachineTarget } from "./machine-rollout";
import { upgrade } from "./machine-upgrade";
import type { UpgradeContext } from "./machine-upgrade";

/** Brings the recorded machine to `news`; throws a `DataRollbackError` after a data rollback. */
export async function convergeMachine(
  ctx: UpgradeContext,
  target: MachineTarget,
  recorded: FlyMachineOutputs,
  news: FlyMachineInputs,
) {
  const found = await ctx.client.machines.getOrUndefined(news.app, target.id);
  if (found === undefined || isGone(found)) throw await finishRestore(ctx, target, recorded);
  const refusal = machineRefusal(found, news, news);
  if (refusal !== undefined) throw new Error(refusal);
  const { olds, live } = await settleUnrecordedUpdate(ctx, target, recorded, found);
  const drift = liveDrift(live, news);
  // Fly does not say which secrets version a machine booted with: only the state knows.
  const secretsMove = olds.minSecretsVersion !== news.minSecretsVersion;
  // The program's configuration runs but is unhealthy, and it is not the one last recorded
  // healthy: an interrupted update left it. It is sent again and rolled back if it fails.
  const unfinished = !drift.healthy && flyConfigDiffers(olds, news);
  if (drift.keys.length > 0 || secretsMove || unfinished) {
    await growRestoredVolume(ctx, olds, news);
    const { machine, preUpdateSnapshotId } = await upgrade(
      ctx,
      target,
      revisionOf(news, news.stack),
      revisionOf(olds, news.stack),
      {
        snapshot: news.snapshotBeforeUpdate === true,
        rehearse: news.rehearseUpgrades === true,
      },
    );
    return {
      outs: { ...machineOutputs(news, machine), ...upgradeRecord(olds, preUpdateSnapshotId) },
    };
  }
  // Nothing to send, but the machine must still be healthy: started when it rests, and
  // waited for (a partial create, a machine stopped behind the stack's back).
  const machine = await ensureHealthy(ctx, target, live, specOf(news));
  return { outs: { ...machineOutputs(news, machine), ...upgradeRecord(olds) } };
}
