/**
 * FlyIpAddress: one IP address assigned to an app (dedicated or shared IPv4, IPv6, or a Flycast
 * private IPv6). Addresses cannot be changed, only released and allocated again, so every input
 * change replaces the resource. Create adopts a shared IPv4 the app already has (nothing is lost
 * by sharing it), and a dedicated or private address only when exactly one of that kind exists;
 * an adopted address was made outside this resource, so delete leaves it in place.
 */
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { schemaProblems, toCheckFailures } from "../provider-kit/check-failures";
import { recordedState } from "../provider-kit/recorded-state";
import { isNotFound } from "../fly-client/fly-api-error";
import { createIpAddressesClient, ipAddressHasType } from "../fly-client/ip-address-operations";
import type { IpAddressType, IpAddress } from "../fly-client/fly-client";
import { appNameProblem } from "../../rules/fly-names";
import { regionProblem } from "../../rules/fly-regions";
import { FlyProvider } from "../provider-kit/fly-provider";
import { changedKeys, compact } from "../provider-kit/provider-values";
import { LoadedResource } from "../provider-kit/loaded-resource";
import { readAndKeep, readForDiff } from "../provider-kit/live-reads";

/** The resource type, and with its module the name the provider is loaded by. */
const RESOURCE = { module: "fly", type: "FlyIpAddress" } as const;
/** The kind of the app's address list among the answers diffs share. */
const IP_ASSIGNMENTS = "ip_assignments";

/** The region of an anycast address, which is not pinned to one region. */
export const GLOBAL_REGION = "global";

/** Inputs of FlyIpAddress as its provider receives them. */
export interface FlyIpAddressInputs {
  app: string;
  /** `v4` (dedicated, paid), `shared_v4`, `v6`, or `private_v6` (Flycast). */
  type: IpAddressType;
  /** A region code, or `global` (the default) for an anycast address. */
  region: string;
  /** For `private_v6`: the private network the address lives in (default: the org's). */
  network?: string;
  /** For `private_v6`: the organization whose network gets the address. */
  org?: string;
  /** Fly proxy service the address routes to. */
  serviceName?: string;
}

/** Outputs of FlyIpAddress. */
export interface FlyIpAddressOutputs extends FlyIpAddressInputs {
  /** The address itself. */
  address: string;
  /** Set when create took over an address already assigned: delete then leaves it in place. */
  adopted?: boolean;
}

/** Inputs whose change needs a new address. */
const REPLACING_KEYS = ["app", "type", "region", "network", "org", "serviceName"];

function ipInputSchema() {
  const rule = (problem: (value: string) => string | undefined) =>
    z.string().superRefine((value, ctx) => {
      const reason = problem(value);
      if (reason !== undefined) ctx.addIssue({ code: "custom", message: reason });
    });
  return z.object({
    app: rule(appNameProblem),
    type: z.enum(["v4", "shared_v4", "v6", "private_v6"]),
    region: rule((region) =>
      region === GLOBAL_REGION ? undefined : regionProblem(region),
    ).optional(),
    network: z.string().min(1).optional(),
    org: z.string().min(1).optional(),
    serviceName: z.string().min(1).optional(),
  });
}

/** A field of a Flycast address's network (Fly sends `{name, org_slug}`); empty = default. */
function networkField(ip: IpAddress, field: "name" | "org_slug"): string | undefined {
  const network: unknown = (ip as Record<string, unknown>).network;
  const value =
    typeof network === "object" && network !== null
      ? (network as Record<string, unknown>)[field]
      : field === "name"
        ? network
        : undefined;
  return typeof value === "string" && value !== "" ? value : undefined;
}

/** The network name of a Flycast address; undefined for the default network. */
function networkOf(ip: IpAddress): string | undefined {
  return networkField(ip, "name");
}

/** Whether an assigned address is the one `inputs` describe. */
function matches(ip: IpAddress, inputs: FlyIpAddressInputs): boolean {
  return (
    ipAddressHasType(ip, inputs.type) &&
    (ip.region ?? GLOBAL_REGION) === inputs.region &&
    networkOf(ip) === inputs.network &&
    (inputs.org === undefined || networkField(ip, "org_slug") === inputs.org) &&
    (ip.service_name || undefined) === inputs.serviceName
  );
}

function outputsOf(inputs: FlyIpAddressInputs, ip: IpAddress): FlyIpAddressOutputs {
  return compact({ ...inputs, region: ip.region ?? inputs.region, address: ip.ip });
}

/** The provider behind the resource below (exported for tests and tooling). */
export class FlyIpAddressProvider
  extends FlyProvider
  implements pulumi.dynamic.ResourceProvider<FlyIpAddressInputs, FlyIpAddressOutputs>
{
  constructor() {
    super(RESOURCE.type, "ip-address");
  }

  async check(_olds: FlyIpAddressInputs, news: FlyIpAddressInputs) {
    const failures = toCheckFailures(news, schemaProblems(ipInputSchema(), news));
    if (failures.length > 0) return { failures };
    return { inputs: { ...news, region: news.region ?? GLOBAL_REGION } };
  }

  async diff(id: string, olds: FlyIpAddressOutputs, news: FlyIpAddressInputs) {
    const replaces = changedKeys({ ...olds }, { ...news }, REPLACING_KEYS);
    // A new address can be allocated before the old one is released, so traffic never lacks one.
    if (replaces.length > 0) return { changes: true, replaces, deleteBeforeReplace: false };
    // The assignment as Fly holds it, read now: one released behind the stack's back is
    // allocated again by this `up` (and its preview says so), with no refresh needed first.
    return this.call(`${olds.app} ${id}`, async ({ options, progress }) => {
      // The addresses of one app share one list (a refresh's Diff takes what its Read found); one
      // missing from a list read earlier is looked for in a new one (see live-reads.ts).
      const ipAddresses = createIpAddressesClient(options);
      const listed = async () =>
        (await ipAddresses.list(olds.app)).map((ip) => ({ ...ip, id: ip.ip }));
      try {
        const live = await readForDiff<IpAddress>({
          app: olds.app,
          kind: IP_ASSIGNMENTS,
          id,
          get: async () => (await listed()).find((ip) => ip.id === id),
          list: listed,
          settled: () => true,
          getIsList: true,
        });
        if (live !== undefined) return { changes: false };
      } catch (error) {
        if (!isNotFound(error)) throw error;
      }
      progress(
        `${olds.type} address ${id} is no longer assigned to ${olds.app}; up allocates one again`,
      );
      return { changes: true, replaces: ["address"], deleteBeforeReplace: false };
    });
  }

  async create(inputs: FlyIpAddressInputs) {
    return this.call(`${inputs.app} ${inputs.type}`, async ({ options, progress }) => {
      const ipAddresses = createIpAddressesClient(options);
      const found = (await ipAddresses.list(inputs.app)).filter((ip) => matches(ip, inputs));
      // A shared IPv4 is adopted freely; a dedicated or private one only when it is unambiguous,
      // and then it is marked so that delete never releases an address it did not allocate.
      const shared = inputs.type === "shared_v4";
      if (found.length > 0 && (shared || found.length === 1)) {
        const existing = found[0];
        progress(
          `adopting ${inputs.type} address ${existing.ip} already assigned to ${inputs.app}`,
        );
        const outs = outputsOf(inputs, existing);
        return { id: existing.ip, outs: shared ? outs : { ...outs, adopted: true } };
      }
      progress(`allocating a ${inputs.type} address for ${inputs.app}`);
      const ip = await ipAddresses.allocate(
        inputs.app,
        compact({
          type: inputs.type,
          region: inputs.region === GLOBAL_REGION ? undefined : inputs.region,
          org_slug: inputs.org,
          network: inputs.network,
          service_name: inputs.serviceName,
        }),
      );
      return { id: ip.ip, outs: outputsOf(inputs, ip) };
    });
  }

  async read(id: string, props?: FlyIpAddressOutputs) {
    const recorded = recordedState(RESOURCE.type, props);
    const app = recorded.app;
    return this.call(`${app} ${id}`, async ({ options }) => {
      let ip: IpAddress | undefined;
      try {
        ip = await readAndKeep({ app, kind: IP_ASSIGNMENTS, id }, async () =>
          (await createIpAddressesClient(options).list(app)).find((found) => found.ip === id),
        );
      } catch (error) {
        if (isNotFound(error)) return {};
        throw error;
      }
      if (ip === undefined) return {};
      const known = { ...recorded, region: ip.region ?? GLOBAL_REGION };
      const outs = outputsOf(
        { ...known, network: networkOf(ip), serviceName: ip.service_name || undefined },
        ip,
      );
      const { address: _address, adopted: _adopted, ...inputs } = outs;
      return { id, props: outs, inputs: inputs as FlyIpAddressOutputs };
    });
  }

  async update(_id: string, olds: FlyIpAddressOutputs, news: FlyIpAddressInputs) {
    // Every input replaces the resource, so an update only ever records unchanged values.
    return { outs: { ...olds, ...news } };
  }

  async delete(id: string, props: FlyIpAddressOutputs) {
    await this.call(`${props.app} ${props.type}`, async ({ options, progress }) => {
      if (props.adopted === true) {
        progress(
          `leaving ${id} assigned to ${props.app}: it existed before this resource adopted it`,
        );
        return;
      }
      progress(`releasing ${id}`);
      try {
        await createIpAddressesClient(options).release(props.app, id);
      } catch (error) {
        if (!isNotFound(error)) throw error;
      }
    });
  }
}

/** Arguments of FlyIpAddress. Every argument replaces the address when it changes. */
export interface FlyIpAddressArgs {
  app: pulumi.Input<string>;
  /** `v4` (dedicated, paid), `shared_v4`, `v6`, or `private_v6` (Flycast). */
  type: pulumi.Input<IpAddressType>;
  /** A region code for a regional address; default `global` (anycast). */
  region?: pulumi.Input<string>;
  /** For `private_v6`: a custom private network (default: the organization's). */
  network?: pulumi.Input<string>;
  /** For `private_v6`: the organization whose network gets the address. */
  org?: pulumi.Input<string>;
  /** Fly proxy service the address routes to. */
  serviceName?: pulumi.Input<string>;
}

/**
 * An IP address assigned to a Fly app. Its id is the address. Released when deleted, unless it
 * was adopted (see `adopted`).
 */
export class FlyIpAddress extends LoadedResource {
  declare readonly app: pulumi.Output<string>;
  declare readonly type: pulumi.Output<IpAddressType>;
  declare readonly region: pulumi.Output<string>;
  declare readonly network: pulumi.Output<string | undefined>;
  declare readonly serviceName: pulumi.Output<string | undefined>;
  declare readonly address: pulumi.Output<string>;
  declare readonly adopted: pulumi.Output<boolean | undefined>;

  constructor(name: string, args: FlyIpAddressArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      RESOURCE.module,
      RESOURCE.type,
      name,
      { address: undefined, adopted: undefined, ...args },
      opts,
    );
  }
}
