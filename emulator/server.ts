import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Emulator, type EmulatorSettings } from "./emulator";
import { processExited, rebootRealMachines } from "./machine-lifecycle";
import type { RealMachinesOptions } from "./real-machines/real-machines";
import { ApiError } from "./api-errors";
import type { TransportFault } from "./faults";
import { ulid } from "./ids";
import { Router, type Reply, type RequestContext } from "./router";
import { registerApiRoutes } from "./routes/api-routes";
import { registerControlRoutes } from "./routes/control-routes";
import { registerLogRoutes } from "./routes/log-routes";

/** Options for `startEmulator`; everything but the port has a default suited to tests. */
export interface StartEmulatorOptions extends Partial<Omit<EmulatorSettings, "realMachines">> {
  /** TCP port on 127.0.0.1; 0 picks a free one. */
  port?: number;
  /**
   * Run OpenClaw images as real gateways (`true`, or options). Their folders go under `root`,
   * by default `<statePath>.machines` with a state file, else a temporary folder removed on close.
   */
  realMachines?: boolean | Partial<RealMachinesOptions>;
}

/** A running emulator. */
export interface EmulatorHandle {
  /** Base URL without `/v1`, e.g. `http://127.0.0.1:4280`. */
  url: string;
  port: number;
  token: string;
  emulator: Emulator;
  /** Stops listening, drops open connections and cancels pending transitions. */
  close(): Promise<void>;
}

/** Fly's answer to a request without a valid token. */
const UNAUTHORIZED = new ApiError(401, "Authenticate: token validation error");

/** Starts the emulator on 127.0.0.1. */
export async function startEmulator(options: StartEmulatorOptions = {}): Promise<EmulatorHandle> {
  const settings: EmulatorSettings = {
    token: options.token ?? randomBytes(16).toString("hex"),
    latencyMs: options.latencyMs ?? 0,
    bootMs: options.bootMs ?? 200,
    checksMs: options.checksMs ?? 300,
    transitionMs: options.transitionMs ?? 100,
    rateLimit: options.rateLimit ?? true,
    manualClock: options.manualClock ?? false,
    statePath: options.statePath,
  };
  const real = options.realMachines === true ? {} : options.realMachines || undefined;
  let temporaryRoot: string | undefined;
  if (real) {
    const root =
      real.root ??
      (options.statePath
        ? `${options.statePath}.machines`
        : (temporaryRoot = mkdtempSync(join(tmpdir(), "openclaw-fly-machines-"))));
    settings.realMachines = { ...real, root };
  }
  const emulator = new Emulator(settings, processExited);
  rebootRealMachines(emulator);
  const api = new Router();
  registerApiRoutes(api);
  // Fly's logs API lives beside the Machines API (api.fly.io); one token serves both.
  registerLogRoutes(api);
  const control = new Router();
  registerControlRoutes(control);

  const server = createServer((req, res) => {
    handle(emulator, api, control, req, res).catch((err: unknown) => {
      process.stderr.write(`emulator: ${err instanceof Error ? err.stack : String(err)}\n`);
      if (!res.headersSent) send(res, { status: 500, body: { error: "internal error" } });
    });
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, "127.0.0.1", () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    token: settings.token,
    emulator,
    close: async () => {
      await emulator.shutdown();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      if (temporaryRoot) rmSync(temporaryRoot, { recursive: true, force: true });
    },
  };
}

async function handle(
  emulator: Emulator,
  api: Router,
  control: Router,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const url = new URL(req.url ?? "/", "http://127.0.0.1");
  const rawBody = await readBody(req);
  const method = req.method ?? "GET";
  const isControl = url.pathname.startsWith("/__emulator/");
  const router = isControl ? control : api;
  const match = router.match(method, url.pathname);
  const context = (params: Record<string, string>): RequestContext => ({
    method,
    path: url.pathname,
    params,
    query: url.searchParams,
    headers: req.headers,
    rawBody,
    emulator,
  });

  if (isControl) {
    if (!("route" in match)) return send(res, routeMissing(match.pathExists));
    return send(res, await run(() => match.route.handler(context(match.params))));
  }

  const started = emulator.now();
  const requestId = `${ulid(started)}-iad`;
  res.setHeader("fly-request-id", requestId);
  const route = "route" in match ? match.route : undefined;
  let rateTokens: number | undefined;
  const finish = (reply: Reply, fault?: TransportFault) => {
    emulator.log.record({
      time: started,
      method,
      path: url.pathname,
      route: route?.template ?? null,
      status: reply.status,
      duration_ms: emulator.now() - started,
      request_id: requestId,
      ...(rateTokens !== undefined ? { rate_tokens: Math.round(rateTokens * 1000) / 1000 } : {}),
      ...(fault ? { fault: fault.kind } : {}),
    });
  };

  if (!authorized(req.headers.authorization, emulator.settings.token)) {
    const reply = errorReply(UNAUTHORIZED);
    finish(reply);
    return send(res, reply);
  }
  if (!("route" in match)) {
    const reply = routeMissing(match.pathExists);
    finish(reply);
    return send(res, reply);
  }

  const fault = emulator.faults.consume(method, url.pathname);
  if (fault) {
    if (fault.kind === "delay") await sleep(fault.delay_ms);
    else if (fault.kind === "reset") {
      finish({ status: 0 }, fault);
      req.socket.destroy();
      return;
    } else if (/^\d+$/.test(fault.kind)) {
      const status = Number(fault.kind);
      const reply: Reply =
        status === 429
          ? { status, body: { error: "rate limit exceeded" }, headers: { "retry-after": "1" } }
          : { status, body: { error: `injected fault: ${status}` } };
      await sleep(emulator.settings.latencyMs);
      finish(reply, fault);
      return send(res, reply);
    }
  }

  const limit = match.route.rateLimit;
  if (limit && emulator.settings.rateLimit) {
    const scope = limit.scopeParam ? (match.params[limit.scopeParam] ?? "") : "";
    const taken = emulator.limiter.takeToken(limit.action, scope, emulator.now());
    const retryAfter = taken.retryAfterSeconds;
    rateTokens = taken.tokensBefore;
    if (retryAfter > 0) {
      const reply: Reply = {
        status: 429,
        body: { error: "rate limit exceeded" },
        headers: { "retry-after": String(retryAfter) },
      };
      finish(reply);
      return send(res, reply);
    }
  }

  let reply = await run(() => match.route.handler(context(match.params)));
  emulator.changed();
  await sleep(emulator.settings.latencyMs);
  if (fault?.kind === "timeout_after_commit") {
    // The change is made, but the client is told the request timed out: Fly's ambiguous 408.
    reply = { status: 408, body: { error: "deadline_exceeded: request timed out" } };
  } else if (fault?.kind === "reset_after_commit") {
    finish({ status: 0 }, fault);
    req.socket.destroy();
    return;
  }
  finish(reply, fault);
  send(res, reply);
}

async function run(handler: () => Reply | Promise<Reply>): Promise<Reply> {
  try {
    return await handler();
  } catch (err) {
    if (err instanceof ApiError) return errorReply(err);
    throw err;
  }
}

function errorReply(err: ApiError): Reply {
  return { status: err.httpStatus, body: err.body(), headers: err.headers };
}

function routeMissing(pathExists: boolean): Reply {
  return pathExists
    ? { status: 405, body: { error: "method not allowed" } }
    : { status: 404, body: { error: "not found" } };
}

function authorized(header: string | undefined, token: string): boolean {
  if (!header) return false;
  const m = /^(Bearer|FlyV1)\s+(.+)$/i.exec(header.trim());
  return m !== null && m[2] === token;
}

function send(res: ServerResponse, reply: Reply): void {
  for (const [name, value] of Object.entries(reply.headers ?? {})) res.setHeader(name, value);
  if (reply.body === undefined) {
    res.writeHead(reply.status).end();
    return;
  }
  const text = JSON.stringify(reply.body);
  res.writeHead(reply.status, {
    "content-type": "application/json; charset=utf-8",
    "content-length": Buffer.byteLength(text),
  });
  res.end(text);
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

function sleep(ms: number): Promise<void> {
  return ms > 0 ? new Promise((resolve) => setTimeout(resolve, ms)) : Promise.resolve();
}
