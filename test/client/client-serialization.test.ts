/**
 * Proves the client survives Pulumi's closure serialization: providers that use it are
 * serialized by Pulumi's own serializer and the resulting text runs in a fresh process, the way
 * the provider host runs it. vitest rewrites imports in a way the serializer cannot follow, so
 * the client is compiled to CommonJS (as ts-node does under `pulumi up`) and serialized in a
 * child process.
 *
 * One provider uses a per-resource factory, as the real providers do, and must carry only that
 * resource's calls; the other uses the whole client, which must still serialize and run.
 */
import { execFile } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as ts from "typescript";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TEST_TOKEN } from "./fixtures";
import { startScriptedServer } from "./scripted-server";
import type { ScriptedServer } from "./scripted-server";

const root = join(__dirname, "..", "..");

/** The child: serialize two providers, then load each text and call it. */
const CHILD = `
const Module = require("node:module");
const pulumi = require(require.resolve("@pulumi/pulumi", { paths: [process.env.PROJECT_ROOT] }));
const fly = require("./providers/fly-client/fly-client");
const { createAppsClient } = require("./providers/fly-client/app-operations");
const errors = require("./providers/fly-client/fly-api-error");
// Read at call time, as the providers read theirs.
const credentials = () => ({ baseUrl: process.env.FLY_API_URL, token: process.env.FLY_API_TOKEN });
const providers = {
  narrow: {
    async create(inputs) {
      const apps = createAppsClient({ ...credentials(), pacing: false });
      const app = await apps.get(inputs.name);
      return { id: app.name, outs: { status: app.status } };
    },
    async read(id) {
      const apps = createAppsClient({ ...credentials(), pacing: false });
      const error = await apps.get(id).catch((e) => e);
      return {
        name: error.name,
        message: error.message,
        status: error.status,
        notFound: errors.isNotFound(error),
        text: String(error),
      };
    },
  },
  whole: {
    async create(inputs) {
      const client = fly.createFlyClient({ ...credentials(), pacing: false });
      const app = await client.apps.get(inputs.name);
      return { id: app.name, outs: { status: app.status } };
    },
  },
};
(async () => {
  const output = {};
  for (const [kind, provider] of Object.entries(providers)) {
    const { text } = await pulumi.runtime.serializeFunction(() => provider, { allowSecrets: true });
    const filename = require("node:path").join(process.env.PROJECT_ROOT, "__provider.js");
    const host = new Module(filename);
    host.filename = filename;
    host.paths = Module._nodeModulePaths(process.env.PROJECT_ROOT);
    host._compile(text, filename);
    const handler = host.exports.handler();
    const result = await handler.create({ name: "serialized" });
    output[kind] = { text, result, ...(handler.read ? { error: await handler.read("missing") } : {}) };
  }
  process.stdout.write(JSON.stringify(output));
})().catch((error) => {
  process.stderr.write(String(error && error.stack || error));
  process.exit(1);
});
`;

/** The Fly request kinds (`action`s) a serialized text can send, sorted. */
function actionsIn(text: string): string[] {
  return [...new Set([...text.matchAll(/action: "(\w+)"/g)].map((match) => match[1]))].sort();
}

/** Every request kind of the whole client (the lifecycle verbs share one template). */
const ALL_ACTIONS = [
  "app_create",
  "app_delete",
  "app_get",
  "app_list",
  "certificate_check",
  "certificate_create",
  "certificate_delete",
  "certificate_get",
  "certificate_list",
  "ip_address_allocate",
  "ip_address_list",
  "ip_address_release",
  "lease",
  "machine_create",
  "machine_delete",
  "machine_events",
  "machine_get",
  "machine_list",
  "machine_update",
  "machine_wait",
  "metadata_delete",
  "metadata_get",
  "metadata_set",
  "regions",
  "secrets_list",
  "secrets_write",
  "snapshot_create",
  "snapshot_list",
  "volume_create",
  "volume_delete",
  "volume_extend",
  "volume_get",
  "volume_list",
  "volume_update",
];

let server: ScriptedServer;
let workDir: string;

beforeAll(async () => {
  server = await startScriptedServer();
  workDir = mkdtempSync(join(tmpdir(), "fly-client-serialization-"));
  const sourceDir = join(root, "providers", "fly-client");
  mkdirSync(join(workDir, "providers", "fly-client"), { recursive: true });
  for (const file of readdirSync(sourceDir).filter((f) => f.endsWith(".ts"))) {
    const output = ts.transpileModule(readFileSync(join(sourceDir, file), "utf8"), {
      compilerOptions: {
        module: ts.ModuleKind.CommonJS,
        target: ts.ScriptTarget.ES2022,
        esModuleInterop: true,
      },
    });
    writeFileSync(
      join(workDir, "providers", "fly-client", file.replace(/\.ts$/, ".js")),
      output.outputText,
    );
  }
  writeFileSync(join(workDir, "child.js"), CHILD);
});

afterAll(async () => {
  await server.close();
  rmSync(workDir, { recursive: true, force: true });
});

describe("Pulumi closure serialization", () => {
  it("serializes providers using the client and runs them from the serialized text", async () => {
    server.on("GET /v1/apps/serialized", { json: { name: "serialized", status: "deployed" } });
    server.on("GET /v1/apps/missing", { status: 404, json: { error: "app not found" } });
    const stdout = await new Promise<string>((resolve, reject) => {
      execFile(
        process.execPath,
        [join(workDir, "child.js")],
        {
          cwd: workDir,
          timeout: 30_000,
          env: {
            ...process.env,
            PROJECT_ROOT: root,
            FLY_API_URL: server.url,
            FLY_API_TOKEN: TEST_TOKEN,
          },
        },
        (error, out, err) => (error ? reject(new Error(`${error.message}\n${err}`)) : resolve(out)),
      );
    });
    type Run = { text: string; result: unknown; error?: unknown };
    const { narrow, whole } = JSON.parse(stdout) as { narrow: Run; whole: Run };
    // The serializer rewrites the error class as a plain function; its message must survive.
    expect(narrow.error).toEqual({
      name: "FlyApiError",
      message: "app not found",
      status: 404,
      notFound: true,
      text: "FlyApiError: GET /v1/apps/missing -> 404: app not found (fly-request-id req-2)",
    });

    for (const run of [narrow, whole]) {
      expect(run.result).toEqual({ id: "serialized", outs: { status: "deployed" } });
      // Libraries are required at run time, never serialized by value; the token is read at
      // call time, never captured.
      expect(run.text).toContain('require("zod")');
      expect(run.text).toContain('require("undici")');
      expect(run.text).not.toContain("ZodObject");
      expect(run.text).not.toContain(TEST_TOKEN);
    }
    expect(
      server.requestsTo("GET /v1/apps/serialized").map((r) => r.headers.authorization),
    ).toEqual([`FlyV1 ${TEST_TOKEN}`, `FlyV1 ${TEST_TOKEN}`]);
    expect(actionsIn(narrow.text)).toEqual(["app_create", "app_delete", "app_get", "app_list"]);
    expect(actionsIn(whole.text)).toEqual(ALL_ACTIONS);
    expect(narrow.text.length).toBeLessThan(whole.text.length / 2);
    expect(whole.text.length).toBeLessThan(150_000);
  });
});
