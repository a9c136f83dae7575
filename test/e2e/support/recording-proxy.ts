import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import { Agent, request } from "undici";

/** One request as it crossed the proxy: what the providers sent and what they were answered. */
export interface ProxiedRequest {
  readonly method: string;
  /** Path and query, e.g. `/v1/apps/my-app/machines/148e...?force=true`. */
  readonly path: string;
  /** The `fly-machine-lease-nonce` header, when the request carried one. */
  readonly leaseNonce?: string;
  /** The `Authorization` header as sent. */
  readonly authorization?: string;
  /** The JSON request body, parsed; undefined without a body. */
  readonly body?: any;
  readonly status: number;
  /** The JSON response body, parsed; undefined without a JSON body. */
  readonly response?: any;
  /** Milliseconds since the epoch. */
  readonly startedAt: number;
  readonly finishedAt: number;
}

/** A started proxy in front of an emulator. */
export interface RecordingProxy {
  /** Base URL to give the providers instead of the emulator's. */
  readonly url: string;
  /** Every request forwarded so far, in arrival order. */
  readonly requests: ProxiedRequest[];
  close(): Promise<void>;
}

/**
 * A pass-through HTTP proxy on 127.0.0.1 that records the headers and bodies of every Machines
 * API request. The emulator's own request log names routes and statuses only; the lease nonce on
 * an update and the `min_secrets_version` it carries are visible here. A request whose upstream
 * connection fails (the emulator reset it) is reset towards the client as well, so the proxy
 * never turns a transport fault into an answer.
 */
export async function startRecordingProxy(targetUrl: string): Promise<RecordingProxy> {
  const requests: ProxiedRequest[] = [];
  const upstream = new Agent({ keepAliveTimeout: 1_000 });
  const server = createServer((incoming, outgoing) => {
    void forward(incoming).then(
      (answer) => {
        requests.push(answer.record);
        outgoing.writeHead(answer.record.status, answer.headers);
        outgoing.end(answer.text);
      },
      () => incoming.socket.destroy(),
    );
  });

  async function forward(incoming: IncomingMessage) {
    const startedAt = Date.now();
    const text = await readText(incoming);
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(incoming.headers)) {
      if (typeof value === "string" && name !== "host" && name !== "connection") {
        headers[name] = value;
      }
    }
    const response = await request(`${targetUrl}${incoming.url ?? "/"}`, {
      method: (incoming.method ?? "GET") as "GET",
      headers,
      body: text === "" ? undefined : text,
      dispatcher: upstream,
    });
    const answer = await response.body.text();
    const record: ProxiedRequest = {
      method: incoming.method ?? "GET",
      path: incoming.url ?? "/",
      ...(headers["fly-machine-lease-nonce"]
        ? { leaseNonce: headers["fly-machine-lease-nonce"] }
        : {}),
      ...(headers.authorization ? { authorization: headers.authorization } : {}),
      ...(text === "" ? {} : { body: parseJson(text) }),
      status: response.statusCode,
      ...(answer === "" ? {} : { response: parseJson(answer) }),
      startedAt,
      finishedAt: Date.now(),
    };
    const forwarded: Record<string, string> = {};
    for (const [name, value] of Object.entries(response.headers)) {
      if (typeof value === "string" && name !== "connection" && name !== "keep-alive") {
        forwarded[name] = value;
      }
    }
    return { record, headers: forwarded, text: answer };
  }

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await upstream.close();
    },
  };
}

function readText(incoming: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    incoming.on("data", (chunk: Buffer) => chunks.push(chunk));
    incoming.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    incoming.on("error", reject);
  });
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
