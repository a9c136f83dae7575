import { badRequest, notFound } from "../api-errors";
import { goField } from "../go-fields";
import { readJsonObject, type Router } from "../router";
import {
  appSecrets,
  bumpVersion,
  checkReadOptions,
  checkSecretName,
  putSecret,
  removeSecret,
  secretJson,
  secretsJson,
  versionJson,
} from "../secret-store";

const BULK = "AppSecretsUpdateRequest";

/** App secrets: list, bulk set/unset, and get/set/delete one. Values never come back out. */
export function registerSecretRoutes(router: Router): void {
  router.add(
    "GET",
    "/v1/apps/{app_name}/secrets",
    ({ emulator, params, query }) => {
      const record = appSecrets(emulator, params.app_name);
      checkReadOptions(query, record);
      return { status: 200, body: { secrets: secretsJson(record) } };
    },
    { action: "secrets_list", scopeParam: "app_name" },
  );

  router.add(
    "POST",
    "/v1/apps/{app_name}/secrets",
    (ctx) => {
      const record = appSecrets(ctx.emulator, ctx.params.app_name);
      const values = readBulkValues(readJsonObject(ctx, `main.${BULK}`));
      // All names are checked before anything changes: a bulk write applies whole or not at all.
      for (const name of Object.keys(values)) checkSecretName(name);
      for (const [name, value] of Object.entries(values)) {
        // null unsets; unsetting a name that does not exist is not an error.
        if (value === null) removeSecret(ctx.emulator, record, ctx.params.app_name, name);
        else putSecret(ctx.emulator, record, ctx.params.app_name, name, value);
      }
      const version = bumpVersion(record);
      return { status: 200, body: { secrets: secretsJson(record), ...versionJson(version) } };
    },
    { action: "secrets_update", scopeParam: "app_name" },
  );

  router.add(
    "GET",
    "/v1/apps/{app_name}/secrets/{secret_name}",
    ({ emulator, params, query }) => {
      const record = appSecrets(emulator, params.app_name);
      checkReadOptions(query, record);
      const secret = record.secrets[params.secret_name];
      if (!secret) throw notFound("secret");
      return { status: 200, body: secretJson(secret) };
    },
    { action: "secret_get", scopeParam: "app_name" },
  );

  router.add(
    "POST",
    "/v1/apps/{app_name}/secrets/{secret_name}",
    (ctx) => {
      const { emulator, params } = ctx;
      const record = appSecrets(emulator, params.app_name);
      checkSecretName(params.secret_name);
      const body = readJsonObject(ctx, "main.SetAppSecretRequest");
      const value = goField(body, "SetAppSecretRequest", "value", "string");
      if (value === undefined) throw badRequest("value is required");
      putSecret(emulator, record, params.app_name, params.secret_name, value);
      const version = bumpVersion(record);
      return {
        status: 201,
        body: { ...secretJson(record.secrets[params.secret_name]), ...versionJson(version) },
      };
    },
    { action: "secret_set", scopeParam: "app_name" },
  );

  router.add(
    "DELETE",
    "/v1/apps/{app_name}/secrets/{secret_name}",
    ({ emulator, params }) => {
      const record = appSecrets(emulator, params.app_name);
      if (!record.secrets[params.secret_name]) throw notFound("secret");
      removeSecret(emulator, record, params.app_name, params.secret_name);
      return { status: 200, body: versionJson(bumpVersion(record)) };
    },
    { action: "secret_delete", scopeParam: "app_name" },
  );
}

/** The `values` map of a bulk update: each value a string to set or `null` to unset. */
function readBulkValues(body: Record<string, unknown>): Record<string, string | null> {
  const values = body.values;
  if (values === undefined || values === null) throw badRequest("values is required");
  if (typeof values !== "object" || Array.isArray(values)) {
    const kind = Array.isArray(values) ? "array" : typeof values;
    throw badRequest(
      `json: cannot unmarshal ${kind} into Go struct field ${BULK}.values of type map[string]*string`,
    );
  }
  for (const value of Object.values(values as Record<string, unknown>)) {
    // A map element of the wrong type: goField words it as Go's decoder does.
    if (value !== null) goField({ values: value }, BULK, "values", "string");
  }
  return values as Record<string, string | null>;
}
