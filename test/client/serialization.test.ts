/**
 * Proves the client survives Pulumi's closure serialization: a provider that uses it is
 * serialized by Pulumi's own serializer and the resulting text runs in a fresh process, the way
 * the provider host runs it. vitest rewrites imports in a way the serializer cannot follow, so
 * the client is compiled to CommonJS (as ts-node does under `pulumi up`) and serialized in a
 * child process.
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

/** The child: serialize a provider using the client, then load that text and call it. */
const CHILD = `
const Module = require("node:module");
const pulumi = require(require.resolve("@pulumi/pulumi", { paths: [process.env.PROJECT_ROOT] }));
const fly = require("./providers/fly");
const provider = {
  async create(inputs) {
    const client = fly.createFlyClient({ ...fly.resolveFlyCredentials(), pacing: false });
    const app = await client.apps.get(inputs.name);
    return { id: app.name, outs: { status: app.status } };
  },
};
(async () => {
  const { text } = await pulumi.runtime.serializeFunction(() => provider, { allowSecrets: true });
  const filename = require("node:path").join(process.env.PROJECT_ROOT, "__provider.js");
  const host = new Module(filename);
  host.filename = filename;
  host.paths = Module._nodeModulePaths(process.env.PROJECT_ROOT);
  host._compile(text, filename);
  const result = await host.exports.handler().create({ name: "serialized" });
  process.stdout.write(JSON.stringify({ text, result }));
})().catch((error) => {
  process.stderr.write(String(error && error.stack || error));
  process.exit(1);
});
`;

let server: ScriptedServer;
let workDir: string;

beforeAll(async () => {
  server = await startScriptedServer();
  workDir = mkdtempSync(join(tmpdir(), "fly-client-serialization-"));
  const sourceDir = join(root, "providers", "fly");
  mkdirSync(join(workDir, "providers", "fly"), { recursive: true });
  for (const file of readdirSync(sourceDir).filter((f) => f.endsWith(".ts"))) {
    const output = ts.transpileModule(readFileSync(join(sourceDir, file), "utf8"), {
      compilerOptions: {
        module: ts.ModuleKind.CommonJS,
        target: ts.ScriptTarget.ES2022,
        esModuleInterop: true,
      },
    });
    writeFileSync(
      join(workDir, "providers", "fly", file.replace(/\.ts$/, ".js")),
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
  it("serializes a provider using the client and runs it from the serialized text", async () => {
    server.on("GET /v1/apps/serialized", { json: { name: "serialized", status: "deployed" } });
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
    const { text, result } = JSON.parse(stdout) as { text: string; result: unknown };

    expect(result).toEqual({ id: "serialized", outs: { status: "deployed" } });
    expect(server.requestsTo("GET /v1/apps/serialized")[0].headers.authorization).toBe(
      `FlyV1 ${TEST_TOKEN}`,
    );
    // Libraries are required at run time, never serialized by value; the token is read at
    // call time, never captured.
    expect(text).toContain('require("zod")');
    expect(text).toContain('require("undici")');
    expect(text).not.toContain("ZodObject");
    expect(text).not.toContain(TEST_TOKEN);
    expect(text.length).toBeLessThan(150_000);
  });
});
