/**
 * Response schemas of the app-level endpoints (apps, volumes, secrets, IP assignments,
 * certificates, regions) and the types inferred from them. Same rules as `machine-schemas.ts`:
 * loose objects, `null` accepted for optional fields, built once per process inside a function,
 * one builder per resource, so a provider builds only the schemas of the endpoints it calls.
 */
import { z } from "zod";
import type * as Zod from "zod";
import { memoize } from "./process-state";

function buildAppSchemas() {
  const text = z.string().nullish();
  const count = z.number().nullish();
  const app = z.looseObject({
    id: text,
    name: z.string(),
    status: text,
    organization: z.looseObject({ name: text, slug: text }).nullish(),
    network: z.union([z.string(), z.number()]).nullish(),
    machine_count: count,
    volume_count: count,
  });
  return {
    app,
    // The spec documents an empty 201 for app creation, the docs {id, created_at}, fly-go an App.
    createdApp: z.looseObject({ id: text, name: text }).nullish(),
    appList: z.looseObject({ apps: z.array(app).nullish(), total_apps: count }),
  };
}

function buildVolumeSchemas() {
  const text = z.string().nullish();
  const flag = z.boolean().nullish();
  const count = z.number().nullish();
  const volume = z.looseObject({
    id: z.string(),
    name: z.string(),
    state: z.string(),
    region: z.string(),
    size_gb: z.number(),
    zone: text,
    encrypted: flag,
    attached_machine_id: text,
    attached_alloc_id: text,
    created_at: text,
    snapshot_retention: count,
    auto_backup_enabled: flag,
    fstype: text,
    host_status: text,
  });
  const snapshot = z.looseObject({
    id: z.string(),
    created_at: text,
    size: count,
    volume_size: count,
    digest: text,
    status: text,
    retention_days: count,
  });
  return {
    volume,
    volumeList: z.array(volume),
    extendedVolume: z.looseObject({ volume, needs_restart: flag }),
    snapshot,
    snapshotList: z.array(snapshot),
  };
}

function buildSecretSchemas() {
  const text = z.string().nullish();
  const secret = z.looseObject({
    name: z.string(),
    digest: text,
    created_at: text,
    updated_at: text,
  });
  // Responses carry the version twice: `version` and the deprecated `Version`.
  const secretsUpdate = z.preprocess(
    (body) => {
      if (typeof body !== "object" || body === null) return body;
      const fields = body as Record<string, unknown>;
      return fields.version === undefined ? { ...fields, version: fields.Version } : body;
    },
    z.looseObject({ version: z.number(), secrets: z.array(secret).nullish() }),
  );
  return {
    secret,
    secretList: z.looseObject({ secrets: z.array(secret).nullish() }),
    secretsUpdate,
  };
}

function buildIpAddressSchemas() {
  const text = z.string().nullish();
  const flag = z.boolean().nullish();
  const ipAddress = z.looseObject({
    ip: z.string(),
    region: text,
    service_name: text,
    shared: flag,
    created_at: text,
  });
  return {
    ipAddress,
    ipAddressList: z.looseObject({ ips: z.array(ipAddress).nullish() }),
  };
}

function buildCertificateSchemas() {
  const text = z.string().nullish();
  const flag = z.boolean().nullish();
  const count = z.number().nullish();
  const strings = z.array(z.string()).nullish();
  const certificate = z.looseObject({
    hostname: z.string(),
    status: text,
    configured: flag,
    acme_requested: flag,
    dns_provider: text,
    created_at: text,
    updated_at: text,
  });
  const certificateDetail = certificate.extend({
    dns_requirements: z
      .looseObject({
        a: strings,
        aaaa: strings,
        cname: text,
        acme_challenge: z.looseObject({ name: text, target: text }).nullish(),
        ownership: z.looseObject({ name: text, app_value: text, org_value: text }).nullish(),
      })
      .nullish(),
    certificates: z
      .array(z.looseObject({ source: text, status: text, issuer: text, expires_at: text }))
      .nullish(),
    validation_errors: z.array(z.looseObject({ code: text, message: text })).nullish(),
    rate_limited_until: text,
  });
  return {
    certificate,
    certificateList: z.looseObject({
      certificates: z.array(certificate).nullish(),
      next_cursor: text,
      total_count: count,
    }),
    certificateDetail,
    certificateCheck: certificateDetail.extend({
      dns_records: z.looseObject({ a: strings, aaaa: strings, cname: strings }).nullish(),
    }),
  };
}

function buildRegionSchemas() {
  const text = z.string().nullish();
  const flag = z.boolean().nullish();
  const count = z.number().nullish();
  const region = z.looseObject({
    code: z.string(),
    name: text,
    latitude: count,
    longitude: count,
    gateway_available: flag,
    requires_paid_plan: flag,
    deprecated: flag,
    geo_region: text,
  });
  // fly-go decodes `Regions`/`Nearest` case-insensitively; accept both spellings too.
  const regions = z.preprocess(
    (body) => {
      if (typeof body !== "object" || body === null) return body;
      const fields = body as Record<string, unknown>;
      return {
        ...fields,
        regions: fields.regions ?? fields.Regions,
        nearest: fields.nearest ?? fields.Nearest,
      };
    },
    z.looseObject({ regions: z.array(region), nearest: text }),
  );
  return { region, regions };
}

/** The app schemas, built once per process. */
export function appSchemas(): ReturnType<typeof buildAppSchemas> {
  return memoize(buildAppSchemas);
}

/** The volume and snapshot schemas, built once per process. */
export function volumeSchemas(): ReturnType<typeof buildVolumeSchemas> {
  return memoize(buildVolumeSchemas);
}

/** The secrets schemas, built once per process. */
export function secretSchemas(): ReturnType<typeof buildSecretSchemas> {
  return memoize(buildSecretSchemas);
}

/** The IP assignment schemas, built once per process. */
export function ipAddressSchemas(): ReturnType<typeof buildIpAddressSchemas> {
  return memoize(buildIpAddressSchemas);
}

/** The certificate schemas, built once per process. */
export function certificateSchemas(): ReturnType<typeof buildCertificateSchemas> {
  return memoize(buildCertificateSchemas);
}

/** The region schemas, built once per process. */
export function regionSchemas(): ReturnType<typeof buildRegionSchemas> {
  return memoize(buildRegionSchemas);
}

/** A Fly app. */
export type App = Zod.infer<ReturnType<typeof appSchemas>["app"]>;
/** A volume; `attached_machine_id` is set while a machine mounts it. */
export type Volume = Zod.infer<ReturnType<typeof volumeSchemas>["volume"]>;
/** A volume snapshot (`vs_...`). */
export type VolumeSnapshot = Zod.infer<ReturnType<typeof volumeSchemas>["snapshot"]>;
/** A secret's name and digest; the value never comes back. */
export type AppSecret = Zod.infer<ReturnType<typeof secretSchemas>["secret"]>;
/** An IP address assigned to an app. The API sends no type: Flycast addresses start `fdaa:`. */
export type IpAddress = Zod.infer<ReturnType<typeof ipAddressSchemas>["ipAddress"]>;
/** A certificate as listed. */
export type CertificateSummary = Zod.infer<ReturnType<typeof certificateSchemas>["certificate"]>;
/** A certificate with its DNS requirements. */
export type CertificateDetail = Zod.infer<
  ReturnType<typeof certificateSchemas>["certificateDetail"]
>;
/** A certificate after a check, with the DNS records Fly found. */
export type CertificateCheck = Zod.infer<ReturnType<typeof certificateSchemas>["certificateCheck"]>;
/** One Fly region. */
export type Region = Zod.infer<ReturnType<typeof regionSchemas>["region"]>;
