import type { RequestContext } from "../router";
import type { MachineRecord } from "../state";
import { machineJson } from "./machine-json";
import { queryBool, queryList } from "./query-params";

/** The prefix of list filters on metadata: `?metadata.fly_process_group=app`. */
const METADATA_FILTER = "metadata.";

function metadataOf(machine: MachineRecord): Record<string, unknown> {
  const metadata = machine.config.metadata;
  return typeof metadata === "object" && metadata !== null
    ? (metadata as Record<string, unknown>)
    : {};
}

/**
 * `GET /apps/{app}/machines`: the app's machines in creation order. Destroyed machines are hidden
 * unless `include_deleted` is set (flyctl also drops `destroying` ones itself); `region` and `state`
 * (a comma list) narrow the list; every `metadata.<key>=<value>` must match exactly (AND);
 * `summary` leaves out config, checks and events. Under a `list_lag` fault, machines created
 * within the lag are not listed yet.
 */
export function listMachines(ctx: RequestContext): Record<string, unknown>[] {
  const { emulator, query, params } = ctx;
  emulator.app(params.app_name);
  const includeDeleted = queryBool(query, "include_deleted");
  const summary = queryBool(query, "summary");
  const includeLease = queryBool(query, "include_leases");
  const region = query.get("region");
  const states = queryList(query, "state");
  const metadataFilters: [string, string][] = [];
  for (const [key, value] of query) {
    if (key.startsWith(METADATA_FILTER)) {
      metadataFilters.push([key.slice(METADATA_FILTER.length), value]);
    }
  }
  return Object.values(emulator.state.machines)
    .filter((m) => m.app === params.app_name)
    .filter((m) => includeDeleted || m.state !== "destroyed")
    .filter((m) => !region || m.region === region)
    .filter((m) => states.length === 0 || states.includes(m.state))
    .filter((m) => metadataFilters.every(([key, value]) => metadataOf(m)[key] === value))
    .filter((m) => !emulator.faults.lagsBehind(Date.parse(m.created_at), emulator.now()))
    .sort((a, b) => a.created_at.localeCompare(b.created_at))
    .map((m) => machineJson(emulator, m, { summary, includeLease }));
}
