/**
 * Custom domains of a public gateway: a Fly certificate per domain, and the DNS records its owner
 * must create for the certificate to be issued and traffic to arrive.
 */
import * as pulumi from "@pulumi/pulumi";
import { FlyCertificate, type DnsRequirements } from "../providers/certificate/fly-certificate";

/** One DNS record to create at the domain's DNS provider. */
export interface DnsRecord {
  /** The record's full name, e.g. `gw.example.com` or `_acme-challenge.gw.example.com`. */
  name: string;
  type: "A" | "AAAA" | "CNAME";
  value: string;
}

/**
 * The records a domain needs: A and AAAA to the app's addresses (these work at a zone's apex,
 * where a CNAME may not), and the `_acme-challenge` CNAME that lets Let's Encrypt validate the
 * domain over DNS before traffic is moved to Fly.
 */
export function dnsRecordsOf(hostname: string, requirements: DnsRequirements): DnsRecord[] {
  const records: DnsRecord[] = [
    ...requirements.a.map((value) => ({ name: hostname, type: "A" as const, value })),
    ...requirements.aaaa.map((value) => ({ name: hostname, type: "AAAA" as const, value })),
  ];
  const challenge = requirements.acmeChallenge;
  if (challenge !== undefined) {
    records.push({ name: challenge.name, type: "CNAME", value: challenge.target });
  }
  return records;
}

/** The certificates of a gateway's custom domains and the records they need. */
export interface GatewayDomains {
  readonly certificates: readonly FlyCertificate[];
  /** Every domain's records, in the order the domains were given. */
  readonly dnsRecords: pulumi.Output<DnsRecord[]>;
}

/**
 * Requests a certificate per domain. Each waits for the app's IP addresses, so the DNS records
 * Fly reports for it name them.
 */
export function createGatewayDomains(
  name: string,
  domains: readonly string[],
  shared: {
    parent: pulumi.Resource;
    appName: pulumi.Output<string>;
    ipAddresses: readonly pulumi.Resource[];
  },
): GatewayDomains {
  const certificates = domains.map(
    (hostname) =>
      new FlyCertificate(
        `${name}-certificate-${hostname}`,
        { app: shared.appName, hostname },
        { parent: shared.parent, dependsOn: [...shared.ipAddresses] },
      ),
  );
  const perDomain = certificates.map((certificate, index) =>
    certificate.dnsRequirements.apply((requirements) => dnsRecordsOf(domains[index], requirements)),
  );
  return {
    certificates,
    dnsRecords: pulumi.all(perDomain).apply((lists) => lists.flat()),
  };
}
