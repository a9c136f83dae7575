import type { Emulator } from "../emulator";
import { refreshChecks } from "../machine-checks";
import { imageRef } from "../image-ref";
import type { MachineEventRecord, MachineRecord } from "../state";
import { activeLease } from "./lease-routes";

/** How a machine is rendered: list summaries, the `include_leases` view, a create's lease nonce. */
export interface MachineJsonOptions {
  summary?: boolean;
  includeLease?: boolean;
  nonce?: string;
}

/** A machine's events as Fly lists them: newest first. */
export function eventsJson(machine: MachineRecord, limit?: number): MachineEventRecord[] {
  const newestFirst = [...machine.events].reverse();
  return limit === undefined ? newestFirst : newestFirst.slice(0, limit);
}

/**
 * The `Machine` object as Fly returns it. A summary (list `?summary=true`) omits config, checks,
 * events, host status and nonce, as the spec describes. `checks` is left out when the config
 * defines none, as Go's `omitempty` does.
 */
export function machineJson(
  emulator: Emulator,
  machine: MachineRecord,
  options: MachineJsonOptions = {},
): Record<string, unknown> {
  const json: Record<string, unknown> = {
    id: machine.id,
    name: machine.name,
    state: machine.state,
    region: machine.region,
    image_ref: imageRef(String(machine.config.image)),
    instance_id: machine.instance_id,
    private_ip: machine.private_ip,
    created_at: machine.created_at,
    updated_at: machine.updated_at,
    cordoned: machine.cordoned,
  };
  if (!options.summary) {
    json.config = machine.config;
    json.events = eventsJson(machine);
    const checks = refreshChecks(emulator, machine);
    if (checks.length > 0) json.checks = checks;
    json.host_status = machine.host_status;
    if (options.nonce !== undefined) json.nonce = options.nonce;
  }
  if (options.includeLease) {
    const lease = activeLease(emulator, machine);
    // Fly's `StrippedLease`: who holds it and until when, never the nonce.
    if (lease) {
      json.lease = {
        description: lease.description,
        expires_at: lease.expires_at,
        owner: lease.owner,
      };
    }
  }
  return json;
}

/** A machine's versions, newest first, each with its config and whether it was replaced. */
export function versionsJson(machine: MachineRecord): Record<string, unknown>[] {
  return [...machine.versions].reverse().map((v) => ({
    version: v.version,
    user_config: v.config,
    created_at: v.created_at,
    state: v.replaced_at === undefined ? "active" : "replaced",
  }));
}
