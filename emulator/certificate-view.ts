import type { Emulator } from "./emulator";
import { unprocessable } from "./api-errors";
import type { AppRecord, CertificateRecord } from "./state";

/** How long a Let's Encrypt certificate is valid. */
const CERTIFICATE_LIFETIME_MS = 90 * 24 * 60 * 60 * 1000;

/** One DNS label: letters, digits and inner dashes, at most 63 characters. */
const LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;

/**
 * Normalises and checks a hostname for a certificate: lowercase, at least two dot-separated
 * labels, each a valid DNS label, at most 253 characters, with an optional leading `*.` for a
 * wildcard. Failures answer 422 (the status the spec declares), worded like Fly's other
 * validation errors; Fly's exact text for this case is not documented.
 */
export function checkHostname(raw: unknown): string {
  if (typeof raw !== "string" || raw.trim() === "") {
    throw unprocessable("Validation failed: Hostname can't be blank");
  }
  const hostname = raw.trim().toLowerCase();
  const labels = hostname.replace(/^\*\./, "").split(".");
  if (hostname.length > 253 || labels.length < 2 || !labels.every((l) => LABEL.test(l))) {
    throw unprocessable(
      `Validation failed: Hostname "${raw}" is not a valid domain name (dot-separated labels of letters, digits and dashes, e.g. gw.example.com)`,
    );
  }
  return hostname;
}

/**
 * Brings a certificate's issuance up to the emulator clock. ACME issuance is asynchronous on Fly:
 * `pending_validation` first, `active` once Let's Encrypt has issued, here `checksMs` after the
 * request. Done lazily on read so it follows clock jumps and survives restarts.
 */
export function settleCertificate(emulator: Emulator, cert: CertificateRecord): CertificateRecord {
  if (cert.status !== "active" && emulator.now() >= cert.issued_at_ms) {
    cert.status = "active";
    cert.updated_at = new Date(cert.issued_at_ms).toISOString();
  }
  return cert;
}

/** The CertificateDetail object: status, issued certificates, validation and DNS requirements. */
export function certificateDetail(
  emulator: Emulator,
  app: AppRecord,
  cert: CertificateRecord,
): Record<string, unknown> {
  const active = cert.status === "active";
  return {
    hostname: cert.hostname,
    configured: active,
    acme_requested: true,
    status: cert.status,
    // Which DNS provider hosts the zone is not knowable offline.
    dns_provider: "",
    // null as in Fly's examples (the spec's schema omits the nullability).
    rate_limited_until: null,
    certificates: active ? [issuedEntry(cert)] : [],
    validation: {
      dns_configured: active,
      alpn_configured: active,
      http_configured: active,
      ownership_txt_configured: active,
    },
    dns_requirements: dnsRequirements(emulator, app, cert.hostname),
    validation_errors: [],
  };
}

/** CertificateDetail plus the DNS records a fresh check resolved: the app's addresses once valid. */
export function certificateCheck(
  emulator: Emulator,
  app: AppRecord,
  cert: CertificateRecord,
): Record<string, unknown> {
  const detail = certificateDetail(emulator, app, cert);
  const wanted = detail.dns_requirements as ReturnType<typeof dnsRequirements>;
  const resolved = cert.status === "active";
  const a = resolved ? wanted.a : [];
  const aaaa = resolved ? wanted.aaaa : [];
  return {
    ...detail,
    dns_records: {
      a,
      aaaa,
      cname: [],
      resolved_addresses: [...a, ...aaaa],
      soa: "",
      acme_challenge_cname: resolved ? wanted.acme_challenge.target : "",
      ownership_txt: "",
    },
  };
}

/** The CertificateSummary object the list returns. */
export function certificateSummary(cert: CertificateRecord): Record<string, unknown> {
  const active = cert.status === "active";
  return {
    hostname: cert.hostname,
    status: cert.status,
    dns_provider: "",
    acme_dns_configured: active,
    acme_alpn_configured: active,
    acme_http_configured: active,
    ownership_txt_configured: active,
    configured: active,
    acme_requested: true,
    has_custom_certificate: false,
    has_fly_certificate: active,
    created_at: cert.created_at,
    updated_at: cert.updated_at,
  };
}

/** The Let's Encrypt certificate pair Fly issues for an ACME hostname (ECDSA and RSA). */
function issuedEntry(cert: CertificateRecord): Record<string, unknown> {
  const expiresAt = new Date(cert.issued_at_ms + CERTIFICATE_LIFETIME_MS).toISOString();
  return {
    source: "fly",
    status: "active",
    created_at: new Date(cert.issued_at_ms).toISOString(),
    expires_at: expiresAt,
    // null for Fly-issued certificates in Fly's examples; set only for imported ones.
    issuer: null,
    issued: ["ecdsa", "rsa"].map((type) => ({
      type,
      expires_at: expiresAt,
      certificate_authority: "lets_encrypt",
    })),
  };
}

/** The records a hostname's owner must create: A/AAAA to the app's addresses or a CNAME. */
function dnsRequirements(emulator: Emulator, app: AppRecord, hostname: string) {
  const ips = emulator.state.ipAddresses.filter((r) => r.app === app.name);
  const bare = hostname.replace(/^\*\./, "");
  return {
    a: ips.filter((r) => r.type === "v4" || r.type === "shared_v4").map((r) => r.ip),
    aaaa: ips.filter((r) => r.type === "v6").map((r) => r.ip),
    cname: `${app.name}.fly.dev`,
    acme_challenge: {
      name: `_acme-challenge.${bare}`,
      target: `${bare}.${app.id.slice(0, 5)}.flydns.net`,
    },
    ownership: {
      name: `_fly-ownership.${bare}`,
      app_value: `app-${app.id}`,
      org_value: `org-${app.org_slug}`,
    },
  };
}
