/**
 * The client as the providers run it inside Pulumi's provider host: CommonJS compiled by the
 * provider loader's own hook in a plain Node process, outside vitest's module runner. A narrow
 * client and the whole one call a scripted server and report what they got back.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runNodeChild } from "../support/node-child";
import { TEST_TOKEN } from "./fixtures";
import { startScriptedServer } from "./scripted-server";
import type { ScriptedServer } from "./scripted-server";

/** The child: loads the client through the loader's hook and calls the server with it. */
const CHILD = `
const path = require("node:path");
(async () => {
  // Any provider makes the loader install its .ts hook; the client then loads as the host's would.
  require(path.resolve("providers/provider-kit/provider-loader.cjs")).provider(
    "loaded-provider@1 fly:FlyApp",
  );
  const fly = require("./providers/fly-client/fly-client");
  const options = { baseUrl: process.env.SERVER_URL, token: process.env.SERVER_TOKEN, pacing: false };
  const apps = fly.createAppsClient(options);
  const found = await apps.get("loaded");
  const missing = await apps.get("missing").catch((error) => error);
  const whole = await fly.createFlyClient(options).apps.get("loaded");
  process.stdout.write(JSON.stringify({
    found: found.status,
    whole: whole.status,
    error: {
      name: missing.name,
      kind: missing.kind,
      message: missing.message,
      status: missing.status,
      notFound: fly.isNotFound(missing),
      text: String(missing),
    },
  }));
})().catch((error) => {
  process.stderr.write(String((error && error.stack) || error));
  process.exit(1);
});
`;

let server: ScriptedServer;

beforeAll(async () => {
  server = await startScriptedServer();
});

afterAll(async () => {
  await server.close();
});

describe("the client in the provider host's runtime", () => {
  it("calls the API and classifies its errors as under the test runner", async () => {
    server.on("GET /v1/apps/loaded", { json: { name: "loaded", status: "deployed" } });
    server.on("GET /v1/apps/missing", { status: 404, json: { error: "app not found" } });
    const report = await runNodeChild(CHILD, {
      SERVER_URL: server.url,
      SERVER_TOKEN: TEST_TOKEN,
    });
    expect(report).toEqual({
      found: "deployed",
      whole: "deployed",
      error: {
        name: "FlyApiError",
        kind: "fly.not_found",
        message: "app not found",
        status: 404,
        notFound: true,
        text: "FlyApiError: GET /v1/apps/missing -> 404: app not found (fly-request-id req-2)",
      },
    });
    expect(server.requestsTo("GET /v1/apps/loaded").map((r) => r.headers.authorization)).toEqual([
      `FlyV1 ${TEST_TOKEN}`,
      `FlyV1 ${TEST_TOKEN}`,
    ]);
  });
});
