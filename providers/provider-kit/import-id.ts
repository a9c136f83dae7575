/**
 * The id `pulumi import` hands a provider. A resource's own id (a machine id, a volume id, an IP
 * address, a hostname) does not say which app it belongs to, and an import has no state to read
 * the app from, so imports name both: `<app>/<id>`.
 */

/** The app and the Fly id a `read` is about. */
export interface ReadTarget {
  app: string;
  id: string;
}

/**
 * Where `read(id, props)` should look: the app from the state when there is one, otherwise
 * from an import id of the form `<app>/<id>`. Throws naming the expected form when neither says.
 */
export function readTarget(resource: string, id: string, app: string | undefined): ReadTarget {
  if (app !== undefined && app !== "") return { app, id };
  const slash = id.indexOf("/");
  if (slash > 0 && slash < id.length - 1) {
    return { app: id.slice(0, slash), id: id.slice(slash + 1) };
  }
  throw new Error(
    `${resource} import id ${JSON.stringify(id)} must have the form "<app>/<id>", ` +
      `e.g. "my-app/${id || "<id>"}"`,
  );
}
