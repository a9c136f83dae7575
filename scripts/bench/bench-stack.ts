/**
 * The prod stack of the real program, deployed by the offline engine to an emulator with the
 * providers' real (Fly) tuning: default polling, pacing, retries and leases. State lives in a
 * private temporary directory.
 */
import {
  copyFileSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import type { OperationKind, OperationResult } from "../../engine/engine-types";
import { OfflineEngine } from "../../engine/offline-engine";
import { FLY_REGIONS } from "../../rules/fly-regions";
import { childrenCpuNowMs } from "./child-cpu";

/** The repository: its `index.ts` and stack files are what the bench deploys. */
export const REPO_ROOT = join(__dirname, "..", "..");

/** The prod stack's canary and second region, which every bench deploys first. */
const PROD_REGIONS = ["iad", "ams"];

/** Fly's regions, the prod stack's canary and second region first. */
export const BENCH_REGIONS = [
  ...PROD_REGIONS,
  ...FLY_REGIONS.filter((region) => !PROD_REGIONS.includes(region)),
];

/** One engine operation and how long it took, start-up and shutdown included. */
export interface TimedResult {
  readonly result: OperationResult;
  readonly wallMs: number;
  /** When the operation began and ended, in Unix milliseconds (the clock of step records). */
  readonly startedAt: number;
  readonly endedAt: number;
  /** CPU time of this process, which is the engine (the program, host and emulator are not). */
  readonly engineCpuMs: number;
  /** CPU time of the operation's program and provider host (see child-cpu.ts). */
  readonly childCpuMs: number;
}

/** Where and how a stack is deployed. */
export interface BenchStackOptions {
  readonly projectDir: string;
  readonly stack: string;
  readonly emulatorUrl: string;
  readonly token: string;
  /** Plain config overrides, e.g. `{ regions: '["iad"]' }`. */
  readonly config: Readonly<Record<string, string>>;
  readonly secretConfig?: Readonly<Record<string, string>>;
  readonly timeoutMs: number;
}

const PASSPHRASE = "bench-stack-passphrase";

/** A stack and its state directory; `config` may change between operations (`pulumi config set`). */
export class BenchStack {
  config: Record<string, string>;
  private readonly stateDirectory = mkdtempSync(join(tmpdir(), "openclaw-bench-"));

  constructor(private readonly options: BenchStackOptions) {
    this.config = { ...options.config };
  }

  /** The state file (after the first `up`). */
  get stateFile(): string {
    return this.engine().stateFile;
  }

  /** Runs `kind` with a new engine, as a new CLI invocation would, and times it. */
  async run(kind: OperationKind): Promise<TimedResult> {
    const engine = this.engine();
    const startedAt = Date.now();
    const started = performance.now();
    const cpu = process.cpuUsage();
    const childCpu = childrenCpuNowMs();
    const result = await engine[kind]();
    const used = process.cpuUsage(cpu);
    const childCpuMs = childrenCpuNowMs() - childCpu;
    return {
      result,
      wallMs: performance.now() - started,
      startedAt,
      endedAt: Date.now(),
      engineCpuMs: Math.round((used.user + used.system) / 1000),
      childCpuMs,
    };
  }

  /** Removes the state directory. */
  close(): void {
    rmSync(this.stateDirectory, { recursive: true, force: true });
  }

  private engine(): OfflineEngine {
    return new OfflineEngine({
      projectDir: this.options.projectDir,
      stack: this.options.stack,
      stateDirectory: this.stateDirectory,
      config: { flyApiUrl: this.options.emulatorUrl, ...this.config },
      ...(this.options.secretConfig ? { secretConfig: this.options.secretConfig } : {}),
      env: { PULUMI_CONFIG_PASSPHRASE: PASSPHRASE, FLY_API_TOKEN: this.options.token },
      timeoutMs: this.options.timeoutMs,
    });
  }
}

/**
 * A project whose program loads the SDK and registers nothing but its stack, beside the
 * repository's packages and compiler settings: running it measures what every operation pays
 * before the first resource (processes, runtime and SDK load, passphrase key derivation, provider
 * host handshake, shutdown).
 */
export function createEmptyProject(): { dir: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), "openclaw-bench-empty-"));
  // The repository's runtime options and compiler settings: what differs is only the program.
  const project = readFileSync(join(REPO_ROOT, "Pulumi.yaml"), "utf8");
  writeFileSync(join(dir, "Pulumi.yaml"), project.replace(/^name: .*$/m, "name: bench-empty"));
  writeFileSync(join(dir, "Pulumi.bench.yaml"), "config: {}\n");
  // Every program loads the SDK; that load is part of what each operation pays.
  writeFileSync(join(dir, "index.ts"), 'import "@pulumi/pulumi";\n\nexport = {};\n');
  for (const file of readdirSync(REPO_ROOT).filter((name) => /^tsconfig.*\.json$/.test(name))) {
    copyFileSync(join(REPO_ROOT, file), join(dir, file));
  }
  symlinkSync(join(REPO_ROOT, "node_modules"), join(dir, "node_modules"), "dir");
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
