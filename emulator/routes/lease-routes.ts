import { ApiError, badRequest, notFound } from "../api-errors";
import type { Emulator } from "../emulator";
import { goField } from "../go-fields";
import { leaseNonce } from "../ids";
import { readJsonObject, type RequestContext, type Router } from "../router";
import type { LeaseRecord, MachineRecord } from "../state";
import { queryInt } from "./query-params";

/** The header that proves a caller holds a machine's lease. */
export const NONCE_HEADER = "fly-machine-lease-nonce";
/**
 * The lease length when the caller names none. Fly's default is not documented (flyctl always sends
 * one: 13 s for deploys, 120 s for `fly machine update`); 30 s is the emulator's choice.
 */
export const DEFAULT_LEASE_TTL_S = 30;
/** Who holds leases: Fly reports the token's identity, `<id>@tokens.fly.io` for macaroons. */
export const LEASE_OWNER = "emulator-user@tokens.fly.io";

/** The machine's lease if it has not expired by the emulator's clock; expired leases are dropped. */
export function activeLease(emulator: Emulator, machine: MachineRecord): LeaseRecord | undefined {
  const lease = machine.lease;
  if (lease && lease.expires_at * 1000 > emulator.now()) return lease;
  delete machine.lease;
  return undefined;
}

/** Creates a lease of `ttlSeconds` on a machine (lease acquire, or create with `lease_ttl`). */
export function grantLease(
  emulator: Emulator,
  machine: MachineRecord,
  ttlSeconds: number,
  description = "",
): LeaseRecord {
  machine.lease = {
    nonce: leaseNonce(),
    owner: LEASE_OWNER,
    description,
    expires_at: Math.floor((emulator.now() + ttlSeconds * 1000) / 1000),
    version: machine.instance_id,
  };
  return machine.lease;
}

function nonceOf(ctx: RequestContext): string | undefined {
  const value = ctx.headers[NONCE_HEADER];
  return Array.isArray(value) ? value[0] : value;
}

/** Fly's refusal of a mutation on a machine someone else has leased (text seen verbatim). */
function leaseHeld(machine: MachineRecord, lease: LeaseRecord): ApiError {
  const expires = new Date(lease.expires_at * 1000).toISOString().replace(".000Z", "Z");
  return new ApiError(
    409,
    `aborted: machine ID ${machine.id} lease currently held by ${lease.owner}, expires at ${expires}`,
  );
}

/**
 * Refuses a mutating call on a leased machine unless it carries the lease's nonce. Every machine
 * mutation calls this first, as Fly checks the lease before anything else.
 */
export function requireLeaseNonce(ctx: RequestContext, machine: MachineRecord): void {
  const lease = activeLease(ctx.emulator, machine);
  if (lease && nonceOf(ctx) !== lease.nonce) throw leaseHeld(machine, lease);
}

function envelope(lease: LeaseRecord): Record<string, unknown> {
  const { nonce, expires_at, owner, description, version } = lease;
  return { status: "success", data: { nonce, expires_at, owner, description, version } };
}

/** The TTL of an acquire: the JSON body's `ttl` (spec, docs) or the `?ttl=` query (fly-go). */
function requestedTtl(ctx: RequestContext, body: Record<string, unknown>): number {
  const ttl =
    goField(body, "CreateLeaseRequest", "ttl", "int") ??
    queryInt(ctx.query, "ttl") ??
    DEFAULT_LEASE_TTL_S;
  if (ttl < 1) throw badRequest(`invalid ttl ${ttl}: must be at least 1 second`);
  return ttl;
}

/** Machine leases: acquire or refresh, look up, release. */
export function registerLeaseRoutes(router: Router): void {
  const path = "/v1/apps/{app_name}/machines/{machine_id}/lease";

  router.add(
    "POST",
    path,
    (ctx) => {
      const machine = ctx.emulator.machine(ctx.params.app_name, ctx.params.machine_id);
      const body = readJsonObject(ctx, "main.CreateLeaseRequest");
      const ttl = requestedTtl(ctx, body);
      const description = goField(body, "CreateLeaseRequest", "description", "string") ?? "";
      const lease = activeLease(ctx.emulator, machine);
      if (lease && nonceOf(ctx) !== lease.nonce) throw leaseHeld(machine, lease);
      if (lease) {
        // A refresh keeps the nonce: flyctl treats a changed nonce on refresh as an error.
        lease.expires_at = Math.floor((ctx.emulator.now() + ttl * 1000) / 1000);
        if (description) lease.description = description;
        return { status: 201, body: envelope(lease) };
      }
      return { status: 201, body: envelope(grantLease(ctx.emulator, machine, ttl, description)) };
    },
    { action: "lease", scopeParam: "machine_id" },
  );

  router.add(
    "GET",
    path,
    (ctx) => {
      const machine = ctx.emulator.machine(ctx.params.app_name, ctx.params.machine_id);
      const lease = activeLease(ctx.emulator, machine);
      if (!lease) throw notFound("lease");
      return { status: 200, body: envelope(lease) };
    },
    { action: "lease_get", scopeParam: "machine_id" },
  );

  router.add(
    "DELETE",
    path,
    (ctx) => {
      const machine = ctx.emulator.machine(ctx.params.app_name, ctx.params.machine_id);
      const nonce = nonceOf(ctx);
      if (!nonce) throw badRequest(`the ${NONCE_HEADER} header is required to release a lease`);
      // Fly looks the lease up by its nonce, so an expired lease and a wrong nonce read the same.
      const lease = activeLease(ctx.emulator, machine);
      if (!lease || lease.nonce !== nonce) throw notFound("lease");
      delete machine.lease;
      return { status: 200, body: { status: "success", data: { ok: true } } };
    },
    { action: "lease", scopeParam: "machine_id" },
  );
}
