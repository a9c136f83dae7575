import type { IncomingHttpHeaders } from "node:http";
import { badRequest } from "./api-errors";
import type { Emulator } from "./emulator";

/** What a route handler answers: a status, an optional JSON body and extra headers. */
export interface Reply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

/** Everything a handler may read about the request, plus the emulator it acts on. */
export interface RequestContext {
  method: string;
  path: string;
  params: Record<string, string>;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  /** The raw request body, `""` when none was sent. */
  rawBody: string;
  emulator: Emulator;
}

/** A route handler. Throwing an `ApiError` answers with Fly's error body. */
export type Handler = (ctx: RequestContext) => Reply | Promise<Reply>;

/**
 * How a route counts against Fly's rate limits: requests are limited per action and per scope
 * (the app or machine named in the path), 1 req/s with a burst of 3 unless the action says otherwise.
 */
export interface RateLimitClass {
  action: string;
  /** The path parameter naming the scope; absent for org-wide actions such as app creation. */
  scopeParam?: "app_name" | "machine_id" | "volume_id";
}

/** One registered route. `template` uses the spec's own path syntax, e.g. `/v1/apps/{app_name}`. */
export interface Route {
  method: string;
  template: string;
  handler: Handler;
  rateLimit?: RateLimitClass;
  pattern: RegExp;
  paramNames: string[];
}

/** A matched route and its path parameters. */
export interface RouteMatch {
  route: Route;
  params: Record<string, string>;
}

/** Method + path-template router. Templates are the spec's, so a route maps 1:1 to a spec operation. */
export class Router {
  private readonly routes: Route[] = [];

  /** Registers `handler` for `method` on `template`. */
  add(method: string, template: string, handler: Handler, rateLimit?: RateLimitClass): void {
    const paramNames: string[] = [];
    const source = template
      .split("/")
      .map((segment) => {
        const param = /^\{(\w+)\}$/.exec(segment);
        if (!param) return segment.replace(/[.*+?^$()|[\]\\]/g, "\\$&");
        paramNames.push(param[1]);
        return "([^/]+)";
      })
      .join("/");
    this.routes.push({
      method,
      template,
      handler,
      rateLimit,
      pattern: new RegExp(`^${source}$`),
      paramNames,
    });
  }

  /** The registered routes as `{ method, template }`, in registration order (read-only). */
  list(): ReadonlyArray<{ readonly method: string; readonly template: string }> {
    return this.routes.map(({ method, template }) => ({ method, template }));
  }

  /** Finds the route for a request, or reports whether the path exists under another method. */
  match(method: string, path: string): RouteMatch | { pathExists: boolean } {
    let pathExists = false;
    for (const route of this.routes) {
      const m = route.pattern.exec(path);
      if (!m) continue;
      pathExists = true;
      if (route.method !== method) continue;
      const params: Record<string, string> = {};
      route.paramNames.forEach((name, i) => (params[name] = decodeURIComponent(m[i + 1])));
      return { route, params };
    }
    return { pathExists };
  }
}

/**
 * Parses a JSON object body the way Fly's Go server does: an empty body is an empty object,
 * malformed JSON and non-object JSON answer 400 with the Go decoder's wording.
 */
export function readJsonObject(ctx: RequestContext, goType: string): Record<string, unknown> {
  if (ctx.rawBody.trim() === "") return {};
  let value: unknown;
  try {
    value = JSON.parse(ctx.rawBody);
  } catch (err) {
    // V8 reports the offending offset ("... at position 7"); Go's decoder names the character there.
    const position = Number(/position (\d+)/.exec(String(err))?.[1] ?? 0);
    const char = ctx.rawBody[position] ?? ctx.rawBody.trim()[0];
    throw badRequest(`invalid character '${char}' looking for beginning of value`);
  }
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    const kind = Array.isArray(value) ? "array" : value === null ? "null" : typeof value;
    throw badRequest(`json: cannot unmarshal ${kind} into Go value of type ${goType}`);
  }
  return value as Record<string, unknown>;
}
