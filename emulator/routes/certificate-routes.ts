import {
  certificateCheck,
  certificateDetail,
  certificateSummary,
  checkHostname,
  settleCertificate,
} from "../certificate-view";
import type { Emulator } from "../emulator";
import { badRequest, notFound, unprocessable } from "../api-errors";
import { goField } from "../go-fields";
import { readJsonObject, type Router } from "../router";
import type { CertificateRecord } from "../state";

/** Page size bounds of the certificate list (spec: default 25, max 500). */
const DEFAULT_LIMIT = 25;
const MAX_LIMIT = 500;

/** Certificates: list, request via ACME, get, check, delete. */
export function registerCertificateRoutes(router: Router): void {
  router.add(
    "GET",
    "/v1/apps/{app_name}/certificates",
    ({ emulator, params, query }) => {
      emulator.app(params.app_name);
      const filter = (query.get("filter") ?? "").toLowerCase();
      const limit = pageLimit(query.get("limit"));
      const after = cursorHostname(query.get("cursor"));
      const matching = appCertificates(emulator, params.app_name).filter((c) =>
        c.hostname.includes(filter),
      );
      const rest = after === undefined ? matching : matching.filter((c) => c.hostname > after);
      const page = rest.slice(0, limit);
      const more = rest.length > page.length;
      return {
        status: 200,
        body: {
          certificates: page.map(certificateSummary),
          total_count: matching.length,
          ...(more ? { next_cursor: encodeCursor(page[page.length - 1].hostname) } : {}),
        },
      };
    },
    { action: "certificate_list", scopeParam: "app_name" },
  );

  router.add(
    "POST",
    "/v1/apps/{app_name}/certificates/acme",
    (ctx) => {
      const { emulator, params } = ctx;
      const app = emulator.app(params.app_name);
      const body = readJsonObject(ctx, "main.createAcmeCertificateRequest");
      const hostname = checkHostname(
        goField(body, "createAcmeCertificateRequest", "hostname", "string"),
      );
      const existing = emulator.state.certificates.find((c) => c.hostname === hostname);
      if (existing && existing.app !== app.name) {
        // A hostname routes to one app only, across all of Fly.
        throw unprocessable("Validation failed: Hostname has already been taken");
      }
      // Asking again for the same app's hostname is answered with its current state, so that
      // "ensure a certificate" is idempotent; Fly's reply to a repeat is not documented.
      const cert = existing ?? addCertificate(emulator, app.name, hostname);
      return {
        status: 201,
        body: certificateDetail(emulator, app, settleCertificate(emulator, cert)),
      };
    },
    { action: "certificate_create_acme", scopeParam: "app_name" },
  );

  router.add(
    "GET",
    "/v1/apps/{app_name}/certificates/{hostname}",
    ({ emulator, params }) => {
      const app = emulator.app(params.app_name);
      const cert = findCertificate(emulator, app.name, params.hostname);
      return { status: 200, body: certificateDetail(emulator, app, cert) };
    },
    { action: "certificate_get", scopeParam: "app_name" },
  );

  router.add(
    "POST",
    "/v1/apps/{app_name}/certificates/{hostname}/check",
    ({ emulator, params }) => {
      const app = emulator.app(params.app_name);
      const cert = findCertificate(emulator, app.name, params.hostname);
      return { status: 200, body: certificateCheck(emulator, app, cert) };
    },
    { action: "certificate_check", scopeParam: "app_name" },
  );

  router.add(
    "DELETE",
    "/v1/apps/{app_name}/certificates/{hostname}",
    ({ emulator, params }) => {
      const app = emulator.app(params.app_name);
      const cert = findCertificate(emulator, app.name, params.hostname);
      emulator.state.certificates = emulator.state.certificates.filter((c) => c !== cert);
      return { status: 204 };
    },
    { action: "certificate_delete", scopeParam: "app_name" },
  );
}

function addCertificate(emulator: Emulator, app: string, hostname: string): CertificateRecord {
  const now = emulator.isoNow();
  const cert: CertificateRecord = {
    app,
    hostname,
    status: "pending_validation",
    created_at: now,
    updated_at: now,
    issued_at_ms: emulator.now() + emulator.settings.checksMs,
  };
  emulator.state.certificates.push(cert);
  return cert;
}

/** The app's certificates, issuance settled, sorted by hostname (the list's paging order). */
function appCertificates(emulator: Emulator, app: string): CertificateRecord[] {
  return emulator.state.certificates
    .filter((c) => c.app === app)
    .map((c) => settleCertificate(emulator, c))
    .sort((a, b) => (a.hostname < b.hostname ? -1 : a.hostname > b.hostname ? 1 : 0));
}

function findCertificate(emulator: Emulator, app: string, hostname: string): CertificateRecord {
  const wanted = hostname.toLowerCase();
  const cert = emulator.state.certificates.find((c) => c.app === app && c.hostname === wanted);
  if (!cert) throw notFound("certificate");
  return settleCertificate(emulator, cert);
}

function pageLimit(raw: string | null): number {
  if (raw === null || raw === "") return DEFAULT_LIMIT;
  if (!/^\d+$/.test(raw) || Number(raw) < 1) {
    throw badRequest(`limit must be a positive integer, got "${raw}"`);
  }
  return Math.min(Number(raw), MAX_LIMIT);
}

/** Cursors are opaque to clients: the last hostname of the previous page, base64url-encoded. */
function encodeCursor(hostname: string): string {
  return Buffer.from(`after:${hostname}`).toString("base64url");
}

function cursorHostname(raw: string | null): string | undefined {
  if (raw === null || raw === "") return undefined;
  const decoded = Buffer.from(raw, "base64url").toString("utf8");
  if (!decoded.startsWith("after:")) {
    throw badRequest("cursor must be a next_cursor value returned by this list");
  }
  return decoded.slice("after:".length);
}
