/**
 * Certificates: `/v1/apps/{app}/certificates`. Fly issues them through ACME for a hostname
 * whose DNS points at the app; `check` asks Fly to look at DNS again.
 */
import { createOrAdopt } from "./create-or-adopt";
import { isNotFound } from "./fly-api-error";
import { certificateSchemas } from "./resource-schemas";
import type { CertificateCheck, CertificateDetail, CertificateSummary } from "./resource-schemas";
import type { CallOptions, ClientContext } from "./call-options";
import { createClientContext } from "./connection";
import type { FlyClientOptions } from "./connection";

/** The certificate operations of the client. */
export interface CertificateOperations {
  /** All of the app's certificates (every page). */
  list(app: string, options?: CallOptions): Promise<CertificateSummary[]>;
  /**
   * Requests an ACME certificate for `hostname`. After an ambiguous failure a certificate for the
   * hostname is adopted instead of requesting another.
   */
  create(app: string, hostname: string, options?: CallOptions): Promise<CertificateDetail>;
  get(app: string, hostname: string, options?: CallOptions): Promise<CertificateDetail>;
  /** Re-checks DNS and issuance; the answer adds the DNS records Fly found. */
  check(app: string, hostname: string, options?: CallOptions): Promise<CertificateCheck>;
  delete(app: string, hostname: string, options?: CallOptions): Promise<void>;
}

const CERTIFICATE_PATH = "/v1/apps/{app}/certificates/{hostname}";

/** The API's page size limit. */
const PAGE_SIZE = 500;

/** The certificate operations alone, over a transport of their own. */
export function createCertificatesClient(options: FlyClientOptions): CertificateOperations {
  return certificateOperations(createClientContext(options));
}

/** Builds the certificate operations over the client's transport. */
export function certificateOperations(ctx: ClientContext): CertificateOperations {
  const { send } = ctx;

  const get = (app: string, hostname: string, options: CallOptions = {}) =>
    send({
      method: "GET",
      path: CERTIFICATE_PATH,
      params: { app, hostname },
      schema: certificateSchemas().certificateDetail,
      action: "certificate_get",
      scope: app,
      idempotent: true,
      signal: options.signal,
    });

  return {
    async list(app, options = {}) {
      const all: CertificateSummary[] = [];
      let cursor: string | undefined;
      do {
        const page = await send({
          method: "GET",
          path: "/v1/apps/{app}/certificates",
          params: { app },
          query: { limit: PAGE_SIZE, cursor },
          schema: certificateSchemas().certificateList,
          action: "certificate_list",
          scope: app,
          idempotent: true,
          signal: options.signal,
        });
        const certificates = page.certificates ?? [];
        all.push(...certificates);
        // A cursor that does not move (or an empty page) ends the listing.
        const next = page.next_cursor ?? undefined;
        cursor = next !== cursor && certificates.length > 0 ? next : undefined;
      } while (cursor);
      return all;
    },

    create(app, hostname, options = {}) {
      return createOrAdopt(ctx, {
        create: () =>
          send({
            method: "POST",
            path: "/v1/apps/{app}/certificates/acme",
            params: { app },
            body: { hostname },
            schema: certificateSchemas().certificateDetail,
            action: "certificate_create",
            scope: app,
            idempotent: false,
            signal: options.signal,
          }),
        find: () =>
          get(app, hostname, options).catch((error: unknown) => {
            if (isNotFound(error)) return undefined;
            throw error;
          }),
        signal: options.signal,
      });
    },

    get,

    check: (app, hostname, options = {}) =>
      send({
        method: "POST",
        path: `${CERTIFICATE_PATH}/check`,
        params: { app, hostname },
        schema: certificateSchemas().certificateCheck,
        action: "certificate_check",
        scope: app,
        idempotent: true,
        signal: options.signal,
      }),

    async delete(app, hostname, options = {}) {
      await send({
        method: "DELETE",
        path: CERTIFICATE_PATH,
        params: { app, hostname },
        action: "certificate_delete",
        scope: app,
        idempotent: true,
        signal: options.signal,
      });
    },
  };
}
