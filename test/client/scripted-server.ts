/**
 * A small HTTP server for client tests that answers from a per-test script and records every
 * request it receives, so tests assert both what the client did with the answers and exactly
 * what it sent. Binds 127.0.0.1 on an ephemeral port.
 */
import { createServer } from "node:http";
import type { IncomingHttpHeaders, Server } from "node:http";
import type { AddressInfo } from "node:net";

/** A request as the server saw it. */
export interface RecordedRequest {
  method: string;
  /** Path without the query string. */
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  /** Parsed JSON body, the raw text when it is not JSON, undefined when empty. */
  body: unknown;
  /** `Date.now()` when the request arrived. */
  atMs: number;
}

/** One scripted answer. */
export interface ScriptedReply {
  status?: number;
  /** Sent as JSON. */
  json?: unknown;
  /** Sent as it is (takes precedence over `json`). */
  text?: string;
  headers?: Record<string, string>;
  /** Wait this long before answering. */
  delayMs?: number;
  /** Destroy the socket instead of answering, like a crashed proxy. */
  reset?: boolean;
  /** Never answer; the request ends when the client gives up (or the server closes). */
  hang?: boolean;
}

/** An answer, or a function that builds one from the request. */
export type ScriptStep =
  ScriptedReply | ((request: RecordedRequest) => ScriptedReply | Promise<ScriptedReply>);

/** The running server. */
export interface ScriptedServer {
  url: string;
  requests: RecordedRequest[];
  /**
   * Scripts `route` ("POST /v1/apps/a/machines"): each request takes the next step; the last
   * step answers every request after it. Scripting a route again replaces its steps.
   */
  on(route: string, ...steps: ScriptStep[]): void;
  /** Requests received on `route`, in order. */
  requestsTo(route: string): RecordedRequest[];
  close(): Promise<void>;
}

/** Starts a scripted server on 127.0.0.1 with an ephemeral port. */
export async function startScriptedServer(): Promise<ScriptedServer> {
  const scripts = new Map<string, ScriptStep[]>();
  const requests: RecordedRequest[] = [];

  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const url = new URL(req.url ?? "/", "http://127.0.0.1");
      const text = Buffer.concat(chunks).toString("utf8");
      const recorded: RecordedRequest = {
        method: req.method ?? "GET",
        path: url.pathname,
        query: url.searchParams,
        headers: req.headers,
        body: parseBody(text),
        atMs: Date.now(),
      };
      requests.push(recorded);
      const route = `${recorded.method} ${recorded.path}`;
      const steps = scripts.get(route);
      const step: ScriptStep = steps?.length
        ? steps.length > 1
          ? (steps.shift() as ScriptStep)
          : steps[0]
        : { status: 404, json: { error: `not scripted: ${route}` } };
      void Promise.resolve(typeof step === "function" ? step(recorded) : step).then(
        async (reply) => {
          if (reply.delayMs) await new Promise((r) => setTimeout(r, reply.delayMs));
          if (reply.reset) {
            req.socket.destroy();
            return;
          }
          if (reply.hang) return;
          const body = reply.text ?? (reply.json === undefined ? "" : JSON.stringify(reply.json));
          res.writeHead(reply.status ?? 200, {
            "content-type": reply.text === undefined ? "application/json" : "text/plain",
            "fly-request-id": `req-${requests.length}`,
            ...reply.headers,
          });
          res.end(body);
        },
      );
    });
  });

  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    on(route, ...steps) {
      scripts.set(route, steps);
    },
    requestsTo(route) {
      return requests.filter((r) => `${r.method} ${r.path}` === route);
    },
    close() {
      server.closeAllConnections();
      return new Promise((resolve, reject) =>
        server.close((error) => (error ? reject(error) : resolve())),
      );
    },
  };
}

function parseBody(text: string): unknown {
  if (text === "") return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
