/**
 * The providers a stub can name, and the adapter the loader hands the provider host for each.
 *
 * Names are part of the state format: state written today names them. A renamed resource type
 * keeps its old name here too. Each entry requires its module only when asked for, so a host
 * that runs machines loads only what machines need.
 */
import type * as pulumi from "@pulumi/pulumi";
import { stubText } from "./provider-stub";

type Provider = pulumi.dynamic.ResourceProvider;

// Each module is required when its provider is first asked for, not when this file loads.
const FACTORIES: Readonly<Record<string, () => Provider>> = {
  "fly:FlyApp": () =>
    new (require("../app/fly-app") as typeof import("../app/fly-app")).FlyAppProvider(),
  "fly:FlyCertificate": () =>
    new (
      require("../certificate/fly-certificate") as typeof import("../certificate/fly-certificate")
    ).FlyCertificateProvider(),
  "fly:FlyIpAddress": () =>
    new (
      require("../ip-address/fly-ip-address") as typeof import("../ip-address/fly-ip-address")
    ).FlyIpAddressProvider(),
  "fly:FlyMachine": () =>
    new (
      require("../machine/fly-machine") as typeof import("../machine/fly-machine")
    ).FlyMachineProvider(),
  "fly:FlySecrets": () =>
    new (
      require("../secrets/fly-secrets") as typeof import("../secrets/fly-secrets")
    ).FlySecretsProvider(),
  "fly:FlyVolume": () =>
    new (
      require("../volume/fly-volume") as typeof import("../volume/fly-volume")
    ).FlyVolumeProvider(),
  "openclaw:GeneratedToken": () =>
    new (
      require("../token/generated-token") as typeof import("../token/generated-token")
    ).GeneratedTokenProvider(),
};

/** Every provider name a stub may carry. */
export const PROVIDER_NAMES: readonly string[] = Object.keys(FACTORIES);

/**
 * A new provider object of the provider called `name`.
 *
 * @throws Error naming the known providers when there is none of that name
 */
export function createProvider(name: string): Provider {
  const factory = FACTORIES[name];
  if (factory === undefined) {
    throw new Error(
      `no provider named ${name} in providers/provider-kit/provider-registry.ts (known: ${PROVIDER_NAMES.join(", ")})`,
    );
  }
  return factory();
}

/**
 * The provider called `name`, adapted for the host (see {@link adapt}); `entry` is the loader's
 * path as the program wrote it into this project's stubs.
 */
export function providerFor(name: string, entry: string): Provider {
  return adapt(name, entry, createProvider(name));
}

const PROVIDER_KEY = "__provider";

function withoutProvider(props: Record<string, unknown>): Record<string, unknown> {
  const { [PROVIDER_KEY]: _dropped, ...rest } = props;
  return rest;
}

/**
 * `real`, with the host's defaults for the methods it lacks, and the one rule of moving state
 * forward: a resource whose stored `__provider` is not this project's current stub (serialized
 * code written by earlier versions, or a stub of another protocol or loader path) reports a
 * change, so the next `up` runs Update through the loaded code, and the host then stores the
 * current stub with the outputs. Until that update, the host runs Read and Delete of such a
 * resource from what its outputs hold.
 */
export function adapt(name: string, entry: string, real: Provider): Provider {
  const current = stubText(name, entry);
  return {
    async configure(request) {
      await real.configure?.(request);
    },
    async check(olds, news) {
      return real.check ? real.check(olds, news) : { inputs: news };
    },
    async diff(id, olds, news) {
      const result = real.diff ? await real.diff(id, olds, news) : {};
      if (olds?.[PROVIDER_KEY] !== current && result.changes !== true) {
        return { ...result, changes: true };
      }
      return result;
    },
    create: (inputs) => real.create(inputs),
    async read(id, props) {
      return real.read ? real.read(id, props) : { id, props };
    },
    async update(id, olds, news) {
      // Without update() the host would keep only `__provider` as the outputs. A provider
      // without one changes only by replacement, so this update moves state forward: keep them.
      if (!real.update) return { outs: withoutProvider(olds) };
      return real.update(id, olds, news);
    },
    async delete(id, props) {
      await real.delete?.(id, props);
    },
  };
}
