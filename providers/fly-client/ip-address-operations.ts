/**
 * IP assignments: `/v1/apps/{app}/ip_assignments`. The list carries no address type, so an
 * assignment's type is read from the address: IPv4 shared or dedicated by the `shared` flag,
 * Flycast (private) IPv6 by its `fdaa:` prefix.
 */
import { createOrAdopt } from "./create-or-adopt";
import { ipAddressSchemas } from "./resource-schemas";
import type { IpAddress } from "./resource-schemas";
import type { CallOptions, ClientContext } from "./call-options";
import { createClientContext } from "./connection";
import type { FlyClientOptions } from "./connection";

/** Address types the client allocates. */
export type IpAddressType = "v4" | "shared_v4" | "v6" | "private_v6";

/** Body of `POST /v1/apps/{app}/ip_assignments`. */
export interface AllocateIpAddressInput {
  type: IpAddressType;
  region?: string;
  /** For `private_v6`: the organization whose private network gets the address. */
  org_slug?: string;
  /** For `private_v6`: a custom private network. */
  network?: string;
  service_name?: string;
}

/** The IP assignment operations of the client. */
export interface IpAddressOperations {
  list(app: string, options?: CallOptions): Promise<IpAddress[]>;
  /**
   * Allocates an address. After an ambiguous failure an assigned address of the same type (and
   * region, when one was asked for) is adopted instead of allocating a second one.
   */
  allocate(app: string, input: AllocateIpAddressInput, options?: CallOptions): Promise<IpAddress>;
  /** Releases the address. */
  release(app: string, ip: string, options?: CallOptions): Promise<void>;
}

/** Whether `assignment` is an address of `type` (the API does not say). */
export function ipAddressHasType(assignment: IpAddress, type: IpAddressType): boolean {
  const isV6 = assignment.ip.includes(":");
  const isFlycast = assignment.ip.toLowerCase().startsWith("fdaa:");
  switch (type) {
    case "shared_v4":
      return !isV6 && assignment.shared === true;
    case "v4":
      return !isV6 && assignment.shared !== true;
    case "v6":
      return isV6 && !isFlycast;
    case "private_v6":
      return isFlycast;
  }
}

/** The IP assignment operations alone, over a transport of their own. */
export function createIpAddressesClient(options: FlyClientOptions): IpAddressOperations {
  return ipAddressOperations(createClientContext(options));
}

/** Builds the IP assignment operations over the client's transport. */
export function ipAddressOperations(ctx: ClientContext): IpAddressOperations {
  const list = async (app: string, options: CallOptions = {}): Promise<IpAddress[]> => {
    const body = await ctx.send({
      method: "GET",
      path: "/v1/apps/{app}/ip_assignments",
      params: { app },
      schema: ipAddressSchemas().ipAddressList,
      action: "ip_address_list",
      scope: app,
      idempotent: true,
      signal: options.signal,
    });
    return body.ips ?? [];
  };

  return {
    list,

    allocate(app, input, options = {}) {
      return createOrAdopt(ctx, {
        create: () =>
          ctx.send({
            method: "POST",
            path: "/v1/apps/{app}/ip_assignments",
            params: { app },
            body: input,
            schema: ipAddressSchemas().ipAddress,
            action: "ip_address_allocate",
            scope: app,
            idempotent: false,
            signal: options.signal,
          }),
        find: async () =>
          (await list(app, options)).find(
            (ip) =>
              ipAddressHasType(ip, input.type) &&
              (input.region === undefined || ip.region === input.region),
          ),
        signal: options.signal,
      });
    },

    async release(app, ip, options = {}) {
      await ctx.send({
        method: "DELETE",
        path: "/v1/apps/{app}/ip_assignments/{ip}",
        params: { app, ip },
        action: "ip_address_release",
        scope: app,
        idempotent: true,
        signal: options.signal,
      });
    },
  };
}
