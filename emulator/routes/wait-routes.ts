import { badRequest } from "../api-errors";
import type { Emulator } from "../emulator";
import { TRANSIENT_STATES } from "../machine-transitions";
import { watchMachines } from "../machine-watch";
import type { Reply, RequestContext, Router } from "../router";
import type { MachineRecord, MachineState } from "../state";
import { queryList } from "./query-params";

/** States a wait may name (the spec's enum); `settled` means any state that is not transient. */
const WAIT_STATES = ["started", "stopped", "suspended", "destroyed", "failed", "settled"];
/** Fly's public proxy ends a request after 60 s, so the wait timeout is capped there. */
const MAX_WAIT_SECONDS = 60;
/** Targets a machine stopped by its own exit can still reach without a user starting it. */
const REACHABLE_AFTER_EXIT = ["stopped", "destroyed", "settled"];

/** What one wait asks for, parsed from the query. */
interface WaitRequest {
  appName: string;
  machineId: string;
  targets: string[];
  timeoutSeconds: number;
  version?: string;
  fromEventId?: string;
}

function parseWait(ctx: RequestContext): WaitRequest {
  const { query, params } = ctx;
  const targets = queryList(query, "state");
  for (const state of targets) {
    if (!WAIT_STATES.includes(state)) {
      throw badRequest(`invalid state "${state}": must be one of ${WAIT_STATES.join(", ")}`);
    }
  }
  const rawTimeout = query.get("timeout");
  if (rawTimeout !== null && !/^\d+s?$/.test(rawTimeout)) {
    throw badRequest(`invalid timeout ${JSON.stringify(rawTimeout)}: must be a number of seconds`);
  }
  const seconds = rawTimeout === null ? MAX_WAIT_SECONDS : parseInt(rawTimeout, 10);
  return {
    appName: params.app_name,
    machineId: params.machine_id,
    targets: targets.length > 0 ? targets : ["started"],
    timeoutSeconds: Math.min(MAX_WAIT_SECONDS, Math.max(1, seconds)),
    // `instance_id` is the deprecated spelling of `version`.
    version: query.get("version") || query.get("instance_id") || undefined,
    fromEventId: query.get("from_event_id") || undefined,
  };
}

function satisfied(wait: WaitRequest, state: string, settledNow: boolean): boolean {
  if (wait.targets.includes(state)) return true;
  return (
    wait.targets.includes("settled") && !TRANSIENT_STATES.has(state as MachineState) && settledNow
  );
}

function ok(machine: MachineRecord, state: string, eventId: string | undefined): Reply {
  return {
    status: 200,
    body: { ok: true, state, version: machine.instance_id, event_id: eventId ?? "" },
  };
}

/**
 * Judges a wait against the machine as it is now: an answer, an error, or `undefined` to keep
 * waiting. Errors follow Fly: 404 once the machine is gone, 400 "currently replaced" when the pinned
 * version was replaced, 400 "machine failed to reach desired state" when the target is unreachable.
 */
function judge(emulator: Emulator, wait: WaitRequest): Reply | undefined {
  const machine = emulator.machine(wait.appName, wait.machineId);
  if (wait.version !== undefined && wait.version !== machine.instance_id) {
    if (machine.versions.some((v) => v.version === wait.version)) {
      throw badRequest(
        `version ${wait.version} of machine ${machine.id} is currently replaced by ${machine.instance_id}`,
      );
    }
    throw badRequest(`version ${wait.version} not found for machine ${machine.id}`);
  }
  if (wait.fromEventId !== undefined) {
    const index = machine.events.findIndex((e) => e.id === wait.fromEventId);
    if (index === -1) {
      throw badRequest(`from_event_id ${wait.fromEventId} not found for machine ${machine.id}`);
    }
    const later = machine.events.slice(index + 1).find((e) => satisfied(wait, e.status, true));
    if (later) return ok(machine, later.status, later.id);
  } else if (satisfied(wait, machine.state, machine.transition_to === undefined)) {
    const event = [...machine.events].reverse().find((e) => e.status === machine.state);
    return ok(machine, machine.state, event?.id);
  }
  const goneForGood = machine.state === "destroyed" || machine.state === "destroying";
  // A machine that failed to start stays failed until someone starts it again.
  const failed = machine.state === "failed" && machine.transition_to === undefined;
  const unreachable = goneForGood
    ? !wait.targets.some((t) => t === "destroyed" || t === "settled")
    : failed
      ? !wait.targets.some((t) => t === "failed" || t === "settled")
      : machine.stopped_by_exit === true &&
        !wait.targets.some((t) => REACHABLE_AFTER_EXIT.includes(t));
  if (unreachable) {
    throw badRequest(
      `machine failed to reach desired state ${wait.targets.join(",")}, current state: ${machine.state}`,
    );
  }
  return undefined;
}

/**
 * Long-polls until the machine reaches a wanted state: answers at once if it already has, otherwise
 * re-judges on every machine change and answers 408 when the timeout passes on the emulator's clock.
 */
function waitFor(emulator: Emulator, wait: WaitRequest): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const settle = (fn: () => Reply | undefined, final: boolean) => {
      try {
        const reply = fn();
        if (!reply && !final) return;
        stop();
        resolve(
          reply ?? {
            status: 408,
            body: {
              error: `deadline_exceeded: machine ${wait.machineId} did not reach state ${wait.targets.join(",")} within ${wait.timeoutSeconds}s`,
            },
          },
        );
      } catch (err) {
        stop();
        reject(err);
      }
    };
    const unwatch = watchMachines(emulator, () => settle(() => judge(emulator, wait), false));
    const cancelTimer = emulator.clock.setTimer(wait.timeoutSeconds * 1000, () =>
      settle(() => judge(emulator, wait), true),
    );
    const stop = () => {
      unwatch();
      cancelTimer();
    };
    settle(() => judge(emulator, wait), false);
  });
}

/** `GET /apps/{app}/machines/{id}/wait`. */
export function registerWaitRoutes(router: Router): void {
  router.add(
    "GET",
    "/v1/apps/{app_name}/machines/{machine_id}/wait",
    (ctx) => waitFor(ctx.emulator, parseWait(ctx)),
    { action: "machine_wait", scopeParam: "machine_id" },
  );
}
