/**
 * Apps: `/v1/apps`. App names are one global namespace across Fly.io, which is what makes an
 * app create adoptable by name.
 */
import { createOrAdopt } from "./create-or-adopt";
import { isNameTaken, isNotFound } from "./fly-api-error";
import { appSchemas } from "./resource-schemas";
import type { App } from "./resource-schemas";
import type { CallOptions, ClientContext } from "./call-options";
import { createClientContext } from "./connection";
import type { FlyClientOptions } from "./connection";

/** Body of `POST /v1/apps`. */
export interface CreateAppInput {
  /** Globally unique: lowercase letters, digits and dashes, at most 63 characters. */
  name: string;
  /** Organization slug (`personal` for a personal org). */
  org_slug: string;
  /** Custom 6PN network, isolating the app from the org's other apps. */
  network?: string;
}

/** The app operations of the client. */
export interface AppOperations {
  /** The app; a FlyApiError (404) when it does not exist. */
  get(name: string, options?: CallOptions): Promise<App>;
  /** The app, or undefined when it does not exist. */
  getOrUndefined(name: string, options?: CallOptions): Promise<App | undefined>;
  /** The org's apps. */
  list(orgSlug: string, options?: CallOptions): Promise<App[]>;
  /**
   * Creates the app. After an ambiguous failure the app is looked up by name and adopted; a
   * `name_taken` answer to a repeated attempt likewise means the earlier attempt succeeded.
   */
  create(input: CreateAppInput, options?: CallOptions): Promise<App>;
  /** Deletes the app; `force` stops its machines first. */
  delete(name: string, options?: CallOptions & { force?: boolean }): Promise<void>;
}

/** The app operations alone, over a transport of their own. */
export function createAppsClient(options: FlyClientOptions): AppOperations {
  return appOperations(createClientContext(options));
}

/** Builds the app operations over the client's transport. */
export function appOperations(ctx: ClientContext): AppOperations {
  const { send } = ctx;

  const get = (name: string, options: CallOptions = {}): Promise<App> =>
    send({
      method: "GET",
      path: "/v1/apps/{app}",
      params: { app: name },
      schema: appSchemas().app,
      action: "app_get",
      scope: name,
      idempotent: true,
      signal: options.signal,
    });

  const getOrUndefined = async (name: string, options?: CallOptions): Promise<App | undefined> => {
    try {
      return await get(name, options);
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  };

  return {
    get,
    getOrUndefined,

    async list(orgSlug, options = {}) {
      const body = await send({
        method: "GET",
        path: "/v1/apps",
        query: { org_slug: orgSlug },
        schema: appSchemas().appList,
        action: "app_list",
        scope: orgSlug,
        idempotent: true,
        signal: options.signal,
      });
      return body.apps ?? [];
    },

    create(input, options = {}) {
      return createOrAdopt(ctx, {
        create: async () => {
          const created = await send({
            method: "POST",
            path: "/v1/apps",
            body: input,
            schema: appSchemas().createdApp,
            action: "app_create",
            scope: input.org_slug,
            idempotent: false,
            signal: options.signal,
          });
          // The API documents an empty or partial body; read the app back unless it is complete.
          const complete = appSchemas().app.safeParse(created);
          return complete.success ? complete.data : get(input.name, options);
        },
        find: () => getOrUndefined(input.name, options),
        provesEarlierSuccess: isNameTaken,
        signal: options.signal,
      });
    },

    async delete(name, options = {}) {
      await send({
        method: "DELETE",
        path: "/v1/apps/{app}",
        params: { app: name },
        query: { force: options.force },
        action: "app_delete",
        // Fly limits app deletions per account, not per app.
        scope: "*",
        idempotent: true,
        signal: options.signal,
      });
    },
  };
}
