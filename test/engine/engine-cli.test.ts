import { spawn, type ChildProcess } from "node:child_process";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  removeStateDirectory,
  stateDirectory,
  THING_TYPE,
  THINGS_PROJECT_DIR,
  thingsUrn,
} from "./fixtures/things-project";
import { startThingStore, type ThingStore } from "./fixtures/thing-store";
import { BANNER } from "../../engine/plan-output";
import { DEFAULT_TEST_PASSPHRASE } from "../../engine/secrets-crypter";

const STACK = "cli";
const TOKEN = "cli-token-d4e8";
const CLI = join(__dirname, "..", "..", "engine", "engine-cli.ts");
const running = new Set<ChildProcess>();
let store: ThingStore;

interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs `node --import tsx engine/engine-cli.ts ...` (one process, so signals reach the engine)
 * without a terminal, killed if it outlives `timeoutMs`.
 */
function runCli(
  args: string[],
  timeoutMs = 45_000,
  started?: (child: ChildProcess) => void,
): Promise<CliRun> {
  const child = spawn(process.execPath, ["--import", "tsx", CLI, ...args], {
    env: { ...process.env, PULUMI_CONFIG_PASSPHRASE: DEFAULT_TEST_PASSPHRASE, THING_REGION: "fra" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  running.add(child);
  started?.(child);
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
  return new Promise((resolve) =>
    child.once("close", (code) => {
      clearTimeout(timer);
      running.delete(child);
      resolve({ code, stdout, stderr });
    }),
  );
}

const stackArgs = (stack = STACK) => [
  ...["--stack", stack, "--cwd", THINGS_PROJECT_DIR, "--state-dir", stateDirectory()],
  ...["-c", `storeUrl=${store.url}`, "--secret-config", `storeToken=${TOKEN}`],
];

beforeAll(async () => {
  store = await startThingStore({ token: TOKEN, delayMs: 20 });
});

afterEach(() => {
  for (const child of running) child.kill("SIGKILL");
});

afterAll(async () => {
  await store.close();
  removeStateDirectory();
});

describe("the offline engine CLI", { timeout: 60_000 }, () => {
  it("refuses `up` without --yes when not on a terminal, before running anything", async () => {
    const run = await runCli(["up", ...stackArgs()]);
    expect(run).toEqual({
      code: 1,
      stdout: `${BANNER}\n`,
      stderr: "error: --yes must be passed in to proceed when running in non-interactive mode\n",
    });
    expect(store.calls).toEqual([]);
  });

  it("prints a preview as JSON with secret outputs masked, the banner on stderr", async () => {
    const run = await runCli(["preview", ...stackArgs(), "--json"]);
    expect(run.code).toBe(0);
    expect(run.stderr.split("\n")[0]).toBe(BANNER);
    const result = JSON.parse(run.stdout);
    expect(result).toMatchObject({
      operation: "preview",
      ok: true,
      summary: { create: 9, update: 0, replace: 0, delete: 0, same: 0 },
    });
    expect(result.outputs.tokenLength).toEqual({ value: "[secret]", secret: true });
    expect(result.outputs.region).toEqual({ value: "fra", secret: false });
  });

  it("exits non-zero on a provider error, printing the plan and the error for the resource", async () => {
    store.failWhen = (call) =>
      call.method === "POST" && call.subject === "base"
        ? { status: 503, message: "maintenance" }
        : undefined;
    const run = await runCli(["up", "--yes", ...stackArgs()]);
    const base = thingsUrn(STACK, THING_TYPE, "base");
    const lines = run.stdout.split("\n");
    expect(run.code).toBe(1);
    expect(lines[0]).toBe(BANNER);
    expect(lines[1]).toBe("Updating (cli) of project things:");
    // Rows as the CLI's non-interactive display prints them (colours and timings left out).
    expect(lines).toContain(" +  pulumi:pulumi:Stack things-cli created");
    expect(lines).toContain(` +  ${THING_TYPE} base **creating failed**`);
    expect(lines).toContain("    pulumi-nodejs provider host: [thing base] creating");
    expect(lines.at(-2)).toBe(
      `error: ${base}: thing store POST /things -> 503: {"error":"maintenance"}`,
    );
  });

  it("cancels on the first Ctrl-C: the create in flight finishes, the run ends `update canceled`", async () => {
    store.failWhen = undefined;
    let cli: ChildProcess | undefined;
    store.onRequest = (call) => {
      if (call.method !== "POST" || call.subject !== "base") return;
      store.onRequest = undefined;
      cli?.kill("SIGINT");
    };
    const run = await runCli(["up", "--yes", ...stackArgs()], 45_000, (child) => (cli = child));
    expect(run.stderr).toContain(
      "^C received; cancelling. If you would like to terminate immediately, press ^C again.\n" +
        "Note that terminating immediately may lead to orphaned resources and other inconsistencies.\n",
    );
    expect(run.code).toBe(1);
    const lines = run.stdout.split("\n");
    expect(lines).toContain(` +  ${THING_TYPE} base created`);
    expect(lines.at(-2)).toBe("error: update canceled");
  });

  it("prints each step's properties with --diff, as `pulumi preview --diff` does", async () => {
    // A stack of its own, never deployed: everything is a create, the group shown too.
    const run = await runCli(["preview", "--diff", ...stackArgs("cli-diff")]);
    expect(run.code).toBe(0);
    const lines = run.stdout.split("\n");
    const left = thingsUrn("cli-diff", `things:index:ThingGroup$${THING_TYPE}`, "group-left");
    const header = lines.indexOf(
      `        + ${THING_TYPE}: (create)`,
      lines.indexOf(`    + things:index:ThingGroup: (create)`),
    );
    expect(lines.slice(header, header + 2)).toEqual([
      `        + ${THING_TYPE}: (create)`,
      `            [urn=${left}]`,
    ]);
    // Aligned on the longest key, `__provider` counted though not shown (object_diff.go printObject).
    expect(lines).toContain('            label     : "l"');
    expect(lines).toContain("            parentId  : [unknown]");
  });

  it("prints the stack's outputs from its state, a secret only when asked to", async () => {
    store.failWhen = () => undefined;
    expect((await runCli(["up", "--yes", ...stackArgs()])).code).toBe(0);
    const state = ["--stack", STACK, "--cwd", THINGS_PROJECT_DIR, "--state-dir", stateDirectory()];
    const all = await runCli(["output", ...state]);
    expect([all.code, all.stderr]).toEqual([0, `${BANNER}\n`]);
    expect(JSON.parse(all.stdout)).toMatchObject({ region: "fra", tokenLength: "[secret]" });
    expect((await runCli(["output", "region", ...state])).stdout).toBe("fra\n");
    expect((await runCli(["output", "tokenLength", ...state])).stdout).toBe("[secret]\n");
    const shown = await runCli(["output", "tokenLength", "--show-secrets", ...state]);
    expect(shown.stdout).toBe(`${TOKEN.length}\n`);
    const missing = await runCli(["output", "nothing", ...state]);
    expect([missing.code, missing.stderr]).toEqual([
      1,
      `${BANNER}\nerror: current stack does not have output property 'nothing'\n`,
    ]);
  }, 120_000);
});
