import { createHash } from "node:crypto";
import type { AppRecord, EmulatorState, IpAddressRecord } from "./state";

/** The address types `POST /ip_assignments` allocates (egress types are not modelled). */
export const IP_ADDRESS_TYPES = ["v4", "v6", "shared_v4", "private_v6"] as const;
/** One of `IP_ADDRESS_TYPES`. */
export type IpAddressType = (typeof IP_ADDRESS_TYPES)[number];

/** What an allocation asks for, already validated. */
export interface IpRequest {
  type: IpAddressType;
  /** A region code, or `global` for an anycast address (the default). */
  region: string;
  serviceName: string;
  /** The 6PN network of a Flycast address; empty for the organisation's default network. */
  network: string;
}

/**
 * Allocates an address for an app. Addresses come from `state.counters.ip`, so the same sequence
 * of calls always yields the same addresses, in Fly's own ranges: dedicated IPv4 from 137.66.0.0/16,
 * shared IPv4 from 66.241.124.0/22, dedicated IPv6 from 2a09:8280:1::/48 and Flycast from the
 * organisation's `fdaa:` private network.
 *
 * A shared IPv4 is one address shared by the organisation's apps (Fly's proxy routes by hostname),
 * and an app holds at most one: asking again returns the one it has with no new record. Fly's
 * reply to a second `shared_v4` is not documented; answering with the existing assignment keeps
 * "ensure the app has a shared IPv4" idempotent, which is how flyctl's first deploy uses it.
 */
export function allocateIpAddress(
  state: EmulatorState,
  app: AppRecord,
  request: IpRequest,
  createdAt: string,
): IpAddressRecord {
  if (request.type === "shared_v4") {
    const own = state.ipAddresses.find((r) => r.app === app.name && r.type === "shared_v4");
    if (own) return own;
  }
  const record: IpAddressRecord = {
    app: app.name,
    ip: addressFor(state, app, request.type),
    type: request.type,
    region: request.region,
    service_name: request.serviceName,
    shared: request.type === "shared_v4",
    network: request.type === "private_v6" ? request.network : "",
    created_at: createdAt,
  };
  state.ipAddresses.push(record);
  return record;
}

function addressFor(state: EmulatorState, app: AppRecord, type: IpAddressType): string {
  if (type === "shared_v4") {
    const orgShared = state.ipAddresses.find(
      (r) => r.type === "shared_v4" && state.apps[r.app]?.org_slug === app.org_slug,
    );
    if (orgShared) return orgShared.ip;
  }
  state.counters.ip += 1;
  const n = state.counters.ip;
  switch (type) {
    case "v4":
      return ipv4([137, 66, 0, 0], n);
    case "shared_v4":
      return ipv4([66, 241, 124, 0], n);
    case "v6":
      return `2a09:8280:1::${n.toString(16)}`;
    case "private_v6":
      return `fdaa:0:${orgNetwork(app.org_slug)}:0:1::${n.toString(16)}`;
  }
}

/** The n-th host address after `base`, skipping each /24's network and broadcast addresses. */
function ipv4(base: [number, number, number, number], n: number): string {
  const third = base[2] + Math.floor((n - 1) / 254);
  const fourth = ((n - 1) % 254) + 1;
  return `${base[0]}.${base[1] + Math.floor(third / 256)}.${third % 256}.${fourth}`;
}

/** A stable 16-bit network number for an organisation, like the third group of Fly's 6PN prefixes. */
function orgNetwork(orgSlug: string): string {
  const group = createHash("sha256").update(orgSlug).digest("hex").slice(0, 4);
  return group.replace(/^0+(?=.)/, "");
}

/** An IP assignment as the API returns it. */
export function ipAddressJson(record: IpAddressRecord, orgSlug: string): Record<string, unknown> {
  return {
    ip: record.ip,
    region: record.region,
    service_name: record.service_name,
    shared: record.shared,
    created_at: record.created_at,
    // Sent by current Fly (newer spec); egress addresses are not modelled, so always false.
    egress: false,
    // fly-go: "Network is set for Flycast (private_v6) addresses only"; empty name = default.
    ...(record.type === "private_v6"
      ? { network: { name: record.network, org_slug: orgSlug } }
      : {}),
  };
}
