import * as pulumi from "@pulumi/pulumi";
import { FlyApp } from "../providers/app/fly-app";
import { FlyCertificate } from "../providers/certificate/fly-certificate";
import { GeneratedToken } from "../providers/token/generated-token";
import { FlyIpAddress } from "../providers/ip-address/fly-ip-address";
import { FlySecrets } from "../providers/secrets/fly-secrets";
import type { OpenClawGatewayArgs } from "./gateway-arguments";
import { GATEWAY_TOKEN_ENV } from "./gateway-constants";
import { createGatewayDomains, type DnsRecord } from "./gateway-domains";
import { gatewayConnection } from "./gateway-outputs";
import { createRegionGateways, type RegionGateway } from "./gateway-regions";
import { isGatewaySettings, validateGatewayArgs, type GatewaySettings } from "./gateway-settings";
import { createImageBuild, flyctlToken } from "./image-build";
import { serializeOpenClawConfig } from "./openclaw-config";
import { withAppAddresses } from "./openclaw-trusted-proxies";
import { estimateMonthlyCost, type MonthlyCostEstimate } from "./prices";

export type { OpenClawGatewayArgs } from "./gateway-arguments";
export type { GatewaySettings } from "./gateway-settings";

/** The component's type token: package `openclaw`, module `fly`, type `Gateway`. */
export const GATEWAY_TYPE = "openclaw:fly:Gateway";

/**
 * The OpenClaw gateway on Fly.io Machines: one app with its secrets and (public mode) IP
 * addresses, and per region one volume and one machine, rolled out health-gated in the order
 * `rollout` names (see `gateway-regions.ts`).
 *
 * Arguments are plain values, not Inputs, so that every rule is checked before anything is
 * registered: a bad argument throws one ValidationError listing every problem and leaves no
 * half-registered stack behind. Secrets may be Outputs (e.g. from `config.requireSecret`).
 * Settings that `checkGatewayArgs` made (the stack-config reader's) are taken as they are.
 */
export class OpenClawGateway extends pulumi.ComponentResource {
  /** The Fly app's name. */
  readonly appName: pulumi.Output<string>;
  /** Public mode: `https://<app>.fly.dev`; undefined in private mode. */
  readonly url: pulumi.Output<string> | undefined;
  /** Private mode: the gateway's address inside the private network; undefined in public mode. */
  readonly privateAddress: pulumi.Output<string> | undefined;
  /** Private mode: `fly proxy 3000:3000 -a <app>`; undefined in public mode. */
  readonly proxyCommand: pulumi.Output<string> | undefined;
  /** Region to machine id. */
  readonly machineIds: pulumi.Output<Record<string, string>>;
  /** Region to volume id. */
  readonly volumeIds: pulumi.Output<Record<string, string>>;
  /** The Fly secrets version every machine boots with at least. */
  readonly secretsVersion: pulumi.Output<number>;
  /** The image every machine runs. */
  readonly image: pulumi.Output<string>;
  /** Estimated monthly cost from the dated price table (`prices.ts`). */
  readonly monthlyCost: pulumi.Output<MonthlyCostEstimate>;
  /** The gateway token clients authenticate with. Always secret. */
  readonly gatewayToken: pulumi.Output<string>;
  /** The Fly app. */
  readonly app: FlyApp;
  /** The app's secrets (gateway token, provider keys, channel tokens). */
  readonly secrets: FlySecrets;
  /** Each region's volume and machine, by region code. */
  readonly regions: Readonly<Record<string, RegionGateway>>;
  /** Public mode: shared IPv4 and IPv6; private mode: the Flycast address, if asked for. */
  readonly ipAddresses: readonly FlyIpAddress[];
  /** Public mode: a certificate per custom domain, in the order of `domains`. */
  readonly certificates: readonly FlyCertificate[];
  /** Public mode with custom domains: the DNS records to create; undefined otherwise. */
  readonly dnsRecords: pulumi.Output<DnsRecord[]> | undefined;

  constructor(
    name: string,
    args: OpenClawGatewayArgs | GatewaySettings,
    opts?: pulumi.ComponentResourceOptions,
  ) {
    const settings = isGatewaySettings(args) ? args : validateGatewayArgs(args);
    super(GATEWAY_TYPE, name, {}, opts);
    const parent = { parent: this };
    // At preview as at up: converted legacy forms and settings the gateway will ignore.
    for (const warning of settings.openclawWarnings) void pulumi.log.warn(warning, this);

    // Secret either way: a generated value is an additional secret output of its resource, and
    // marking it here too keeps it secret wherever this output travels.
    this.gatewayToken = pulumi.secret(
      settings.gatewayToken ?? new GeneratedToken(`${name}-token`, {}, parent).value,
    );

    // Every resource names the stack declaring it, which Fly keeps as its ownership mark.
    const owner = { stack: stackIdentity(), takeOverFrom: settings.takeOverFrom };
    this.app = new FlyApp(
      `${name}-app`,
      { name: settings.appName, org: settings.org, ...owner },
      parent,
    );
    const appName = this.app.name;

    this.secrets = new FlySecrets(
      `${name}-secrets`,
      {
        app: appName,
        values: pulumi.secret({
          [GATEWAY_TOKEN_ENV]: this.gatewayToken,
          ...settings.providerKeys,
          ...settings.channelTokens,
        }),
        ...owner,
      },
      parent,
    );

    this.ipAddresses = this.createIpAddresses(name, settings, appName);
    const domains =
      settings.mode === "public" && settings.domains.length > 0
        ? createGatewayDomains(name, settings.domains, {
            parent: this,
            appName,
            ipAddresses: this.ipAddresses,
          })
        : undefined;
    this.certificates = domains?.certificates ?? [];
    this.dnsRecords = domains?.dnsRecords;

    const build =
      settings.build === undefined
        ? undefined
        : createImageBuild(
            `${name}-image`,
            { appName: settings.appName, ...settings.build },
            { parent: this, dependsOn: [this.app] },
            // The token the providers use, from the same stack config key or environment.
            flyctlToken(settings.flyApiToken),
          );
    const image = build?.image ?? publishedImage(settings);

    // The gateway trusts the app's own addresses as proxy hops (openclaw-trusted-proxies.ts).
    // Each address's id is the address itself, and stays known in a preview that updates it.
    const openclawConfigText = pulumi
      .all(this.ipAddresses.map((ip) => ip.id))
      .apply((appAddresses) =>
        serializeOpenClawConfig(
          withAppAddresses(settings.openclawConfig, {
            mode: settings.mode,
            flycast: settings.flycast,
            appAddresses,
          }),
        ),
      );
    this.regions = createRegionGateways(name, settings, {
      parent: this,
      appName,
      image,
      secretsVersion: this.secrets.version,
      openclawConfigText,
      owner,
      ...(build !== undefined ? { build: build.command } : {}),
    });

    const connection = gatewayConnection(settings.appName, settings.mode, settings.flycast);
    this.appName = appName;
    this.url = optionalOutput(connection.url);
    this.privateAddress = optionalOutput(connection.privateAddress);
    this.proxyCommand = optionalOutput(connection.proxyCommand);
    this.machineIds = idsByRegion(this.regions, (region) => region.machine.machineId);
    this.volumeIds = idsByRegion(this.regions, (region) => region.volume.volumeId);
    this.secretsVersion = this.secrets.version;
    this.image = pulumi.output(image);
    this.monthlyCost = pulumi.output(
      estimateMonthlyCost({
        guest: settings.guest,
        regions: settings.regions.length,
        volumeSizeGb: settings.volumeSizeGb,
        // Shared IPv4 and every IPv6 address are free; this component never buys a dedicated v4.
        dedicatedIpv4: false,
        snapshotRetentionDays: settings.backups.retentionDays,
        upgradeRehearsal: settings.upgradeRehearsal,
      }),
    );

    this.registerOutputs({
      appName: this.appName,
      url: this.url,
      privateAddress: this.privateAddress,
      proxyCommand: this.proxyCommand,
      machineIds: this.machineIds,
      volumeIds: this.volumeIds,
      secretsVersion: this.secretsVersion,
      image: this.image,
      monthlyCost: this.monthlyCost,
      gatewayToken: this.gatewayToken,
      dnsRecords: this.dnsRecords,
    });
  }

  /**
   * Public: a shared IPv4 and an IPv6 address (both free). Private: none, so switching from
   * public releases them (they are no longer registered, so Pulumi deletes them), plus a Flycast
   * address when asked for.
   */
  private createIpAddresses(
    name: string,
    settings: GatewaySettings,
    app: pulumi.Output<string>,
  ): FlyIpAddress[] {
    const parent = { parent: this };
    if (settings.mode === "public") {
      return [
        new FlyIpAddress(`${name}-ipv4`, { app, type: "shared_v4" }, parent),
        new FlyIpAddress(`${name}-ipv6`, { app, type: "v6" }, parent),
      ];
    }
    if (!settings.flycast) return [];
    return [
      new FlyIpAddress(`${name}-flycast`, { app, type: "private_v6", org: settings.org }, parent),
    ];
  }
}

/**
 * `<project>/<stack>` of the running program. Only the program knows it: inside the provider
 * host Pulumi names every stack "stack", so the providers receive it as an input.
 */
function stackIdentity(): string {
  return `${pulumi.getProject()}/${pulumi.getStack()}`;
}

// The settings carry `image` whenever there is no `build`.
function publishedImage(settings: GatewaySettings): string {
  if (settings.image === undefined) throw new Error("OpenClawGateway: neither image nor build");
  return settings.image;
}

function optionalOutput(value: string | undefined): pulumi.Output<string> | undefined {
  return value === undefined ? undefined : pulumi.output(value);
}

function idsByRegion(
  regions: Readonly<Record<string, RegionGateway>>,
  idOf: (region: RegionGateway) => pulumi.Output<string>,
): pulumi.Output<Record<string, string>> {
  const ids = Object.fromEntries(Object.entries(regions).map(([code, r]) => [code, idOf(r)]));
  return pulumi.all(ids) as pulumi.Output<Record<string, string>>;
}
