import { ApiError, badRequest, notFound, preconditionFailed } from "../api-errors";
import type { Emulator } from "../emulator";
import { goField } from "../go-fields";
import { machineId, machineName, ulid } from "../ids";
import { normalizeMachineConfig } from "../machine-config-decoding";
import { destroyMachine, isRunning, launchMachine, replaceMachine } from "../machine-lifecycle";
import { attachVolume, checkMounts } from "../mounts";
import { isKnownRegion } from "../regions";
import { readJsonObject, type Router } from "../router";
import type { AppRecord, MachineRecord } from "../state";
import { grantLease, registerLeaseRoutes, requireLeaseNonce } from "./lease-routes";
import { registerMachineActionRoutes } from "./machine-action-routes";
import { listMachines } from "./machine-list";
import { machineJson } from "./machine-json";
import { registerMetadataRoutes } from "./metadata-routes";
import { queryBool } from "./query-params";
import { registerWaitRoutes } from "./wait-routes";

/** States a machine may be destroyed from without `force` (Fly's own error text lists them). */
const DESTROYABLE_WITHOUT_FORCE = ["stopped", "suspended", "failed", "created"];

/**
 * Refuses a `min_secrets_version` newer than the app's secrets. Fly delays a boot until secrets that
 * new have replicated; the emulator's secrets are written synchronously, so a version it has not
 * reached can never arrive and waiting would only hang. A precondition on the world's state is what
 * 412 means elsewhere in Fly's API (start from a wrong state, metadata `machine_version`).
 */
function checkMinSecretsVersion(emulator: Emulator, app: string, min: number | undefined): void {
  const current = emulator.state.secrets[app]?.version ?? 0;
  if (min !== undefined && min > current) {
    throw preconditionFailed(
      `failed_precondition: min_secrets_version ${min} is newer than the app's current secrets version ${current}`,
    );
  }
}

function checkRegion(emulator: Emulator, region: string | undefined): string {
  if (region === undefined || region === "") {
    throw badRequest("region is required: name the Fly region to place the machine in, e.g. iad");
  }
  if (!isKnownRegion(region)) throw badRequest(`invalid region "${region}": not a Fly region`);
  if (emulator.faults.worldFault("no_capacity", { region })) {
    throw new ApiError(
      422,
      `could not find a candidate host in region ${region}`,
      "insufficient_capacity",
    );
  }
  return region;
}

/** A 6PN address in the app's private network, derived from the machine id like Fly's. */
function privateIp(app: AppRecord, id: string): string {
  const groups = [id.slice(0, 4), id.slice(4, 8), id.slice(8, 12)].map((g) =>
    parseInt(g, 16).toString(16),
  );
  return `fdaa:0:${app.internal_numeric_id.toString(16)}:a7b:${groups.join(":")}:2`;
}

function uniqueName(emulator: Emulator, app: string, wanted: string | undefined): string {
  const taken = (name: string) =>
    Object.values(emulator.state.machines).find(
      (m) => m.app === app && m.name === name && m.state !== "destroyed",
    );
  if (wanted !== undefined && wanted !== "") {
    const holder = taken(wanted);
    if (holder) {
      throw new ApiError(
        409,
        `already_exists: unique machine name violation, machine ID ${holder.id} already exists with name "${wanted}"`,
      );
    }
    return wanted;
  }
  let name = machineName();
  while (taken(name)) name = machineName();
  return name;
}

/**
 * Machines: create, list, get, update (full replace), destroy, plus everything under a machine
 * (actions, leases, wait, metadata).
 */
export function registerMachineRoutes(router: Router): void {
  registerMachineActionRoutes(router);
  registerLeaseRoutes(router);
  registerWaitRoutes(router);
  registerMetadataRoutes(router);
  const collection = "/v1/apps/{app_name}/machines";
  const one = "/v1/apps/{app_name}/machines/{machine_id}";

  router.add(
    "POST",
    collection,
    (ctx) => {
      const { emulator } = ctx;
      const app = emulator.app(ctx.params.app_name);
      const body = readJsonObject(ctx, "main.CreateMachineRequest");
      const S = "CreateMachineRequest";
      const requestedName = goField(body, S, "name", "string");
      const skipLaunch = goField(body, S, "skip_launch", "bool") ?? false;
      const leaseTtl = goField(body, S, "lease_ttl", "int");
      const minSecrets = goField(body, S, "min_secrets_version", "int");
      const config = normalizeMachineConfig(body.config, S);
      const region = checkRegion(emulator, goField(body, S, "region", "string"));
      const name = uniqueName(emulator, app.name, requestedName);
      checkMinSecretsVersion(emulator, app.name, minSecrets);
      if (leaseTtl !== undefined && leaseTtl < 1) {
        throw badRequest(`invalid lease_ttl ${leaseTtl}: must be at least 1 second`);
      }
      let id = machineId();
      while (emulator.state.machines[id]) id = machineId();
      const volume = checkMounts(emulator, { app: app.name, region, machineId: id }, config);
      const now = emulator.isoNow();
      const version = ulid(emulator.now());
      const machine: MachineRecord = {
        id,
        name,
        app: app.name,
        region,
        state: "created",
        config,
        instance_id: version,
        versions: [{ version, config, created_at: now }],
        events: [],
        private_ip: privateIp(app, id),
        created_at: now,
        updated_at: now,
        host_status: "ok",
        cordoned: goField(body, S, "skip_service_registration", "bool") ?? false,
        checks: [],
        skip_secrets: goField(body, S, "skip_secrets", "bool") ?? false,
        ...(minSecrets !== undefined ? { min_secrets_version: minSecrets } : {}),
      };
      emulator.state.machines[id] = machine;
      if (volume) attachVolume(volume, id);
      launchMachine(emulator, machine, skipLaunch);
      const nonce =
        leaseTtl === undefined ? undefined : grantLease(emulator, machine, leaseTtl).nonce;
      return { status: 200, body: machineJson(emulator, machine, { nonce }) };
    },
    { action: "machine_create", scopeParam: "app_name" },
  );

  router.add("GET", collection, (ctx) => ({ status: 200, body: listMachines(ctx) }), {
    action: "machine_list",
    scopeParam: "app_name",
  });

  router.add(
    "GET",
    one,
    ({ emulator, params, query }) => {
      const machine = emulator.machine(params.app_name, params.machine_id);
      const includeLease = queryBool(query, "include_leases");
      return { status: 200, body: machineJson(emulator, machine, { includeLease }) };
    },
    { action: "machine_get", scopeParam: "machine_id" },
  );

  router.add(
    "POST",
    one,
    (ctx) => {
      const { emulator } = ctx;
      const machine = emulator.machine(ctx.params.app_name, ctx.params.machine_id);
      // Fly answers an update of a destroyed machine as if it were gone (flyctl PR #1177).
      if (machine.state === "destroyed" || machine.state === "destroying")
        throw notFound("machine");
      requireLeaseNonce(ctx, machine);
      const body = readJsonObject(ctx, "main.UpdateMachineRequest");
      const S = "UpdateMachineRequest";
      for (const field of ["name", "region"] as const) {
        const sent = goField(body, S, field, "string");
        // flyctl re-sends both on every update, so only a different value is refused.
        if (sent !== undefined && sent !== "" && sent !== machine[field]) {
          throw badRequest(
            `invalid ${field} "${sent}": a machine's ${field} cannot be changed (it is "${machine[field]}")`,
          );
        }
      }
      const currentVersion = goField(body, S, "current_version", "string");
      if (currentVersion !== undefined && currentVersion !== machine.instance_id) {
        throw preconditionFailed(
          `failed_precondition: current_version ${currentVersion} does not match the machine's version ${machine.instance_id}`,
        );
      }
      const config = normalizeMachineConfig(body.config, S);
      const minSecrets = goField(body, S, "min_secrets_version", "int");
      checkMinSecretsVersion(emulator, machine.app, minSecrets);
      const volume = checkMounts(
        emulator,
        {
          app: machine.app,
          region: machine.region,
          machineId: machine.id,
          previous: machine.config,
        },
        config,
      );
      const boot = isRunning(machine) && !(goField(body, S, "skip_launch", "bool") ?? false);
      const now = emulator.isoNow();
      const current = machine.versions[machine.versions.length - 1];
      if (current) current.replaced_at = now;
      const version = ulid(emulator.now());
      machine.versions.push({ version, config, created_at: now });
      machine.instance_id = version;
      machine.config = config;
      machine.skip_secrets = goField(body, S, "skip_secrets", "bool") ?? false;
      if (minSecrets === undefined) delete machine.min_secrets_version;
      else machine.min_secrets_version = minSecrets;
      if (volume) attachVolume(volume, machine.id);
      replaceMachine(emulator, machine, boot);
      return { status: 200, body: machineJson(emulator, machine) };
    },
    { action: "machine_update", scopeParam: "machine_id" },
  );

  router.add(
    "DELETE",
    one,
    (ctx) => {
      const { emulator, query } = ctx;
      const machine = emulator.machine(ctx.params.app_name, ctx.params.machine_id);
      if (machine.state === "destroyed") throw notFound("machine");
      requireLeaseNonce(ctx, machine);
      if (machine.state === "destroying") return { status: 200, body: { ok: true } };
      // The spec and docs say `force`; fly-go and flyctl send `kill`. Both mean the same.
      const force = queryBool(query, "force") || queryBool(query, "kill");
      if (!force && !DESTROYABLE_WITHOUT_FORCE.includes(machine.state)) {
        throw preconditionFailed(
          "failed_precondition: unable to destroy machine, not currently stopped, suspended, failed or created",
        );
      }
      destroyMachine(emulator, machine);
      return { status: 200, body: { ok: true } };
    },
    { action: "machine_delete", scopeParam: "machine_id" },
  );
}
