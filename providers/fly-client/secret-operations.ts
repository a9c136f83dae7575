/**
 * App secrets: `/v1/apps/{app}/secrets`. Every write returns a new, increasing secrets version;
 * machines only see new values once they boot with `min_secrets_version` at least that version.
 * Values go out in request bodies and never come back: the API answers with digests.
 */
import { secretSchemas } from "./resource-schemas";
import type { AppSecret } from "./resource-schemas";
import type { CallOptions, ClientContext } from "./call-options";
import { createClientContext } from "./connection";
import type { FlyClientOptions } from "./connection";

/** The outcome of a secrets write. */
export interface SecretsWriteResult {
  /** The app's secrets version after the write. */
  version: number;
  /** Names and digests of the app's secrets, when the API lists them. */
  secrets: AppSecret[];
}

/** The secrets operations of the client. */
export interface SecretOperations {
  /** Names and digests of the app's secrets. */
  list(app: string, options?: CallOptions): Promise<AppSecret[]>;
  /** Sets several secrets in one write. */
  set(
    app: string,
    values: Record<string, string>,
    options?: CallOptions,
  ): Promise<SecretsWriteResult>;
  /** Removes secrets by name; names that do not exist are not an error. */
  unset(app: string, names: readonly string[], options?: CallOptions): Promise<SecretsWriteResult>;
  /** Sets and removes (`null`) several secrets in one write. */
  write(
    app: string,
    values: Record<string, string | null>,
    options?: CallOptions,
  ): Promise<SecretsWriteResult>;
}

/** The secrets operations alone, over a transport of their own. */
export function createSecretsClient(options: FlyClientOptions): SecretOperations {
  return secretOperations(createClientContext(options));
}

/** Builds the secrets operations over the client's transport. */
export function secretOperations(ctx: ClientContext): SecretOperations {
  const write = async (
    app: string,
    values: Record<string, string | null>,
    options: CallOptions,
  ): Promise<SecretsWriteResult> => {
    const body = await ctx.send({
      method: "POST",
      path: "/v1/apps/{app}/secrets",
      params: { app },
      // null unsets a name in Fly's bulk endpoint.
      body: { values },
      schema: secretSchemas().secretsUpdate,
      action: "secrets_write",
      scope: app,
      // Writing the same values again leaves the same secrets (with a newer version).
      idempotent: true,
      // A server echoing a value into an error must not put it in our error text.
      redact: Object.values(values).filter((v): v is string => v !== null),
      signal: options.signal,
    });
    return { version: body.version, secrets: body.secrets ?? [] };
  };

  return {
    async list(app, options = {}) {
      const body = await ctx.send({
        method: "GET",
        path: "/v1/apps/{app}/secrets",
        params: { app },
        schema: secretSchemas().secretList,
        action: "secrets_list",
        scope: app,
        idempotent: true,
        signal: options.signal,
      });
      return body.secrets ?? [];
    },

    set: (app, values, options = {}) => write(app, { ...values }, options),

    unset: (app, names, options = {}) =>
      write(app, Object.fromEntries(names.map((name) => [name, null])), options),

    write: (app, values, options = {}) => write(app, { ...values }, options),
  };
}
