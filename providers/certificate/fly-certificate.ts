/**
 * FlyCertificate: an ACME (Let's Encrypt) certificate Fly issues for a custom hostname of an
 * app. A certificate cannot be changed, only removed and requested again, so both inputs
 * replace it; create adopts a certificate the app already has for the hostname. The outputs
 * carry the DNS records the hostname needs, and `read` refreshes the issuance status.
 */
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { schemaProblems, toCheckFailures } from "../provider-kit/check-failures";
import { createCertificatesClient } from "../fly-client/certificate-operations";
import { recordedState } from "../provider-kit/recorded-state";
import { isNotFound } from "../fly-client/fly-api-error";
import type { CertificateDetail } from "../fly-client/fly-client";
import { appNameProblem, hostnameProblem } from "../../rules/fly-names";
import { FlyProvider } from "../provider-kit/fly-provider";
import { changedKeys, compact } from "../provider-kit/provider-values";
import { LoadedResource } from "../provider-kit/loaded-resource";

/** The resource type, and with its module the name the provider is loaded by. */
const RESOURCE = { module: "fly", type: "FlyCertificate" } as const;

/** Inputs of FlyCertificate as its provider receives them. */
export interface FlyCertificateInputs {
  app: string;
  /** The custom hostname, e.g. `gw.example.com` (lowercase). */
  hostname: string;
}

/** DNS records the hostname needs for the certificate to be issued and traffic to arrive. */
export interface DnsRequirements {
  /** IPv4 addresses for A records. */
  a: string[];
  /** IPv6 addresses for AAAA records. */
  aaaa: string[];
  /** CNAME target (`<app>.fly.dev`), an alternative to A/AAAA. */
  cname?: string;
  /** The DNS-01 challenge record: CNAME `name` to `target`. */
  acmeChallenge?: { name: string; target: string };
  /** Ownership TXT record for Fly. */
  ownership?: { name: string; appValue: string; orgValue: string };
}

/** Outputs of FlyCertificate. */
export interface FlyCertificateOutputs extends FlyCertificateInputs {
  /** `pending_ownership`, `pending_validation` or `active`. */
  status: string;
  dnsRequirements: DnsRequirements;
}

function certificateInputSchema() {
  const rule = (problem: (value: string) => string | undefined) =>
    z.string().superRefine((value, ctx) => {
      const reason = problem(value);
      if (reason !== undefined) ctx.addIssue({ code: "custom", message: reason });
    });
  return z.object({ app: rule(appNameProblem), hostname: rule(hostnameProblem) });
}

function dnsRequirementsOf(certificate: CertificateDetail): DnsRequirements {
  const dns = certificate.dns_requirements ?? {};
  const challenge = dns.acme_challenge;
  const ownership = dns.ownership;
  return compact({
    a: dns.a ?? [],
    aaaa: dns.aaaa ?? [],
    cname: dns.cname ?? undefined,
    acmeChallenge: challenge?.name
      ? { name: challenge.name, target: challenge.target ?? "" }
      : undefined,
    ownership: ownership?.name
      ? {
          name: ownership.name,
          appValue: ownership.app_value ?? "",
          orgValue: ownership.org_value ?? "",
        }
      : undefined,
  });
}

function outputsOf(app: string, certificate: CertificateDetail): FlyCertificateOutputs {
  return {
    app,
    hostname: certificate.hostname,
    status: certificate.status ?? "unknown",
    dnsRequirements: dnsRequirementsOf(certificate),
  };
}

/** The provider behind the resource below (exported for tests and tooling). */
export class FlyCertificateProvider
  extends FlyProvider
  implements pulumi.dynamic.ResourceProvider<FlyCertificateInputs, FlyCertificateOutputs>
{
  constructor() {
    super(RESOURCE.type, "certificate");
  }

  async check(_olds: FlyCertificateInputs, news: FlyCertificateInputs) {
    const failures = toCheckFailures(news, schemaProblems(certificateInputSchema(), news));
    return failures.length > 0 ? { failures } : { inputs: news };
  }

  async diff(_id: string, olds: FlyCertificateOutputs, news: FlyCertificateInputs) {
    const replaces = changedKeys({ ...olds }, { ...news }, ["app", "hostname"]);
    // One certificate per hostname and app: a replacement for the same hostname (a new app)
    // can be requested before the old one goes, as certificates belong to their app.
    return { changes: replaces.length > 0, replaces, deleteBeforeReplace: false };
  }

  async create(inputs: FlyCertificateInputs) {
    return this.call(inputs.hostname, async ({ options, progress }) => {
      const certificates = createCertificatesClient(options);
      const existing = await certificates
        .get(inputs.app, inputs.hostname)
        .catch((error: unknown) => {
          if (isNotFound(error)) return undefined;
          throw error;
        });
      if (existing !== undefined) {
        progress(`adopting the existing certificate (${existing.status ?? "unknown"})`);
        return { id: existing.hostname, outs: outputsOf(inputs.app, existing) };
      }
      progress(`requesting a certificate for ${inputs.hostname} on ${inputs.app}`);
      const certificate = await certificates.create(inputs.app, inputs.hostname);
      return { id: certificate.hostname, outs: outputsOf(inputs.app, certificate) };
    });
  }

  async read(id: string, props?: FlyCertificateOutputs) {
    const { app } = recordedState(RESOURCE.type, props);
    return this.call(id, async ({ options }) => {
      const certificates = createCertificatesClient(options);
      let certificate: CertificateDetail;
      try {
        certificate = await certificates.get(app, id);
      } catch (error) {
        if (isNotFound(error)) return {};
        throw error;
      }
      const outs = outputsOf(app, certificate);
      return {
        id,
        props: outs,
        inputs: { app: outs.app, hostname: outs.hostname } as FlyCertificateOutputs,
      };
    });
  }

  async update(_id: string, olds: FlyCertificateOutputs, news: FlyCertificateInputs) {
    // Every input replaces the resource, so an update only ever records unchanged values.
    return { outs: { ...olds, ...news } };
  }

  async delete(id: string, props: FlyCertificateOutputs) {
    await this.call(id, async ({ options, progress }) => {
      const certificates = createCertificatesClient(options);
      progress(`removing the certificate from ${props.app}`);
      try {
        await certificates.delete(props.app, id);
      } catch (error) {
        if (!isNotFound(error)) throw error;
      }
    });
  }
}

/** Arguments of FlyCertificate. Both replace the certificate when they change. */
export interface FlyCertificateArgs {
  app: pulumi.Input<string>;
  /** The custom hostname, e.g. `gw.example.com`. */
  hostname: pulumi.Input<string>;
}

/**
 * A certificate for a custom hostname of a Fly app. Its id is the hostname. A certificate the app
 * already has for the hostname is adopted by the create.
 */
export class FlyCertificate extends LoadedResource {
  declare readonly app: pulumi.Output<string>;
  declare readonly hostname: pulumi.Output<string>;
  declare readonly status: pulumi.Output<string>;
  declare readonly dnsRequirements: pulumi.Output<DnsRequirements>;

  constructor(name: string, args: FlyCertificateArgs, opts?: pulumi.CustomResourceOptions) {
    const outputs = { status: undefined, dnsRequirements: undefined };
    super(RESOURCE.module, RESOURCE.type, name, { ...outputs, ...args }, opts);
  }
}
