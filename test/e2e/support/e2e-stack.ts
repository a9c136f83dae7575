import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { request } from "undici";
import {
  startEmulator,
  type EmulatorHandle,
  type StartEmulatorOptions,
} from "../../../emulator/server";
import type { ProviderTuning } from "../../../providers/provider-kit/provider-settings";
import type { OperationKind, OperationResult } from "../../../engine/engine-types";
import { OfflineEngine } from "../../../engine/offline-engine";
import { startRecordingProxy, type RecordingProxy } from "./recording-proxy";

/** The project root: the real program (index.ts) and its stack files live there. */
export const PROJECT_DIR = join(__dirname, "..", "..", "..");

/** Emulator timings short enough for a test, long enough that every transition is observable. */
export const E2E_EMULATOR: StartEmulatorOptions = {
  bootMs: 30,
  checksMs: 60,
  transitionMs: 20,
  rateLimit: false,
};

/** Provider timings for the emulator's fast world (poll often, short leases, no pacing). */
export const E2E_TUNING: ProviderTuning = {
  pollIntervalMs: 25,
  checkPollMs: 25,
  leaseWaitMs: 2_000,
  leaseTtlSeconds: 10,
  pacing: false,
  retryBaseDelayMs: 5,
  adoptLookupDelayMs: 20,
  settleTimeoutMs: 5_000,
};

/** A health budget that a healthy machine meets easily and a failing canary exhausts quickly. */
export const E2E_HEALTH_TIMEOUT_SECONDS = 5;

/** The passphrase the e2e stacks encrypt their secrets with. */
const PASSPHRASE = "e2e-stack-passphrase";

/** How a stack under test is wired to its emulator. */
export interface E2eStackOptions {
  readonly stack: "dev" | "prod" | "local";
  /**
   * `environment`: the token reaches the providers only as FLY_API_TOKEN. `stack-config`: only as
   * the secret config `openclaw-fly:flyApiToken` (FLY_API_TOKEN is set empty).
   */
  readonly token: "environment" | "stack-config";
  /** Puts a recording proxy between the providers and the emulator (headers and bodies). */
  readonly recordHeaders?: boolean;
  /** Emulator settings over {@link E2E_EMULATOR}. */
  readonly emulator?: StartEmulatorOptions;
  /** Plain config overrides every operation starts from. */
  readonly config?: Readonly<Record<string, string>>;
  /** Secret config the stack starts with (provider keys, a gateway token). */
  readonly secretConfig?: Readonly<Record<string, string>>;
  /** Upper bound of one engine operation. */
  readonly timeoutMs?: number;
}

/**
 * One stack of the real program, run through the offline engine against its own in-process
 * emulator, with its state in a private temporary directory. `config` is the stack's current
 * set of overrides: scenarios change it and every later operation sees the change, as a user's
 * `pulumi config set` would persist. Every result is kept, so the whole history can be scanned
 * for leaked secrets at the end.
 */
export class E2eStack {
  /** Every operation's result, in order. */
  readonly results: OperationResult[] = [];
  /** The state file's text after each operation, in order (secrets encrypted, as stored). */
  readonly stateSnapshots: string[] = [];
  /** The emulator's whole world (secret records included) after each operation, as JSON. */
  readonly worldSnapshots: string[] = [];
  /** The current plain config overrides (besides the emulator's URL and the test timings). */
  config: Record<string, string>;
  /** The current secret config (provider keys, a gateway token; never the Fly token). */
  secretConfig: Record<string, string>;
  private readonly stateDirectory = mkdtempSync(join(tmpdir(), "openclaw-e2e-"));

  private constructor(
    readonly options: E2eStackOptions,
    readonly emulator: EmulatorHandle,
    readonly proxy: RecordingProxy | undefined,
    /** False for a stack started beside another: the emulator is that one's to stop. */
    private readonly ownsEmulator = true,
  ) {
    this.config = { ...options.config };
    this.secretConfig = { ...options.secretConfig };
  }

  /** Starts the emulator (and proxy) for a stack; nothing is deployed yet. */
  static async start(options: E2eStackOptions): Promise<E2eStack> {
    const token = `e2e-fly-token-${options.stack}-3f9a61c2d7`;
    const emulator = await startEmulator({ ...E2E_EMULATOR, ...options.emulator, token });
    const proxy = options.recordHeaders ? await startRecordingProxy(emulator.url) : undefined;
    return new E2eStack(options, emulator, proxy);
  }

  /**
   * A second stack of the program on `other`'s emulator, with its own state: two stack files
   * deploying to one Fly organization. Closing it leaves the emulator to `other`.
   */
  static beside(other: E2eStack, options: E2eStackOptions): E2eStack {
    return new E2eStack(options, other.emulator, undefined, false);
  }

  /** The Fly API token the emulator accepts. */
  get token(): string {
    return this.emulator.token;
  }

  /** An engine for the stack with the current config (a new one per operation, as the CLI). */
  engine(): OfflineEngine {
    const viaConfig = this.options.token === "stack-config";
    return new OfflineEngine({
      projectDir: PROJECT_DIR,
      stack: this.options.stack,
      stateDirectory: this.stateDirectory,
      config: {
        flyApiUrl: this.proxy?.url ?? this.emulator.url,
        healthCheck: JSON.stringify({ gracePeriod: "1s", interval: "1s", timeout: "1s" }),
        healthTimeoutSeconds: String(E2E_HEALTH_TIMEOUT_SECONDS),
        providerTuning: JSON.stringify(E2E_TUNING),
        ...this.config,
      },
      secretConfig: {
        ...this.secretConfig,
        ...(viaConfig ? { flyApiToken: this.token } : {}),
      },
      env: { PULUMI_CONFIG_PASSPHRASE: PASSPHRASE, FLY_API_TOKEN: viaConfig ? "" : this.token },
      timeoutMs: this.options.timeoutMs ?? 90_000,
    });
  }

  /** `pulumi up`; pass the engine to reach it while it runs (to kill its provider host). */
  up(engine = this.engine()): Promise<OperationResult> {
    return this.run("up", engine);
  }

  /** `pulumi preview`. */
  preview(): Promise<OperationResult> {
    return this.run("preview", this.engine());
  }

  /** `pulumi refresh`. */
  refresh(): Promise<OperationResult> {
    return this.run("refresh", this.engine());
  }

  /** `pulumi destroy`. */
  destroy(): Promise<OperationResult> {
    return this.run("destroy", this.engine());
  }

  /**
   * Calls the Machines API directly, as someone working behind Pulumi's back would; resolves
   * with the status and the parsed JSON body.
   */
  async api(method: "GET" | "POST" | "DELETE", path: string, body?: unknown) {
    const response = await request(`${this.emulator.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${this.token}`, "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.body.text();
    return { status: response.statusCode, body: text === "" ? undefined : JSON.parse(text) };
  }

  /** The state file's text as stored (secrets encrypted). */
  stateText(): string {
    const file = this.engine().stateFile;
    // A stack whose first operation was refused before any resource has no state yet.
    return existsSync(file) ? readFileSync(file, "utf8") : "";
  }

  /** Stops the proxy and the emulator and removes the state directory. */
  async close(): Promise<void> {
    await this.proxy?.close();
    if (this.ownsEmulator) await this.emulator.close();
    rmSync(this.stateDirectory, { recursive: true, force: true });
  }

  private async run(kind: OperationKind, engine: OfflineEngine): Promise<OperationResult> {
    const result = await engine[kind]();
    this.results.push(result);
    this.stateSnapshots.push(this.stateText());
    this.worldSnapshots.push(JSON.stringify(this.emulator.emulator.state));
    return result;
  }
}
