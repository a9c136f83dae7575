import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { EmulatorFixture } from "../emulator/emulator-support";
import type { ResourceState } from "../../engine/engine-types";
import { OfflineEngine } from "../../engine/offline-engine";
import { DEFAULT_TEST_PASSPHRASE } from "../../engine/secrets-crypter";
import { FAST_TUNING } from "./provider-support";

/** The fixture project with one of each resource (fixtures/fly-stack). */
export const FLY_STACK_DIR = join(__dirname, "fixtures", "fly-stack");

/** The fixture's secret API key; it must never appear in the state or a log. */
export const SECRET_VALUE = "sk-fixture-secret-value-7f3a91";

/** Options of one fixture stack. */
export interface FlyStackOptions {
  readonly fx: EmulatorFixture;
  readonly appName: string;
  /** Registers the resources as versions before loaded providers did (serialized code). */
  readonly legacy?: boolean;
  /** Plain config besides the app name (e.g. `mode`, which the machine's env carries). */
  readonly config?: Readonly<Record<string, string>>;
  /** Another copy of the fixture project to run. */
  readonly projectDir?: string;
  /** Environment of the program and the provider host besides the defaults. */
  readonly env?: Readonly<Record<string, string>>;
}

/**
 * A fixture stack in a state directory of its own, against the emulator of `fx`. The providers
 * read their keys in the project's namespace (`fly-stack:flyApiUrl`).
 */
export class FlyStack {
  private readonly stateDirectory = mkdtempSync(join(tmpdir(), "fly-stack-state-"));

  constructor(
    readonly name: string,
    private readonly options: FlyStackOptions,
  ) {}

  /** A new engine for one operation, with the options of now. */
  engine(overrides: Partial<FlyStackOptions> = {}): OfflineEngine {
    const options = { ...this.options, ...overrides };
    return new OfflineEngine({
      projectDir: options.projectDir ?? FLY_STACK_DIR,
      stack: this.name,
      stateDirectory: this.stateDirectory,
      config: {
        appName: options.appName,
        flyApiUrl: options.fx.handle.url,
        providerTuning: JSON.stringify(FAST_TUNING),
        ...options.config,
      },
      secretConfig: { flyApiToken: options.fx.handle.token, apiKey: SECRET_VALUE },
      env: {
        PULUMI_CONFIG_PASSPHRASE: DEFAULT_TEST_PASSPHRASE,
        OPENCLAW_FLY_QUIET: "0",
        FLY_STACK_LEGACY_PROVIDERS: options.legacy === true ? "1" : "0",
        ...options.env,
      },
      timeoutMs: 120_000,
    });
  }

  /** The stack's resources as the state holds them. */
  resources(): Promise<ResourceState[]> {
    return this.engine().loadState();
  }

  /** Removes the state directory. */
  remove(): void {
    rmSync(this.stateDirectory, { recursive: true, force: true });
  }
}

/** `<module>:<type>` of a dynamic resource's type token; undefined for any other resource. */
export function providerName(type: string): string | undefined {
  const match = /^pulumi-nodejs:dynamic\/(.+)$/.exec(type);
  return match?.[1];
}

/** A resource's entry as the state file stores it (`readState()`). */
export interface StoredResource {
  type: string;
  urn: string;
  inputs: Record<string, unknown>;
  outputs: Record<string, unknown>;
}

/** Bytes a resource's `__provider` adds to its state file entry (inputs and outputs together). */
export function providerBytes(resource: StoredResource): number {
  const { __provider: _in, ...inputs } = resource.inputs;
  const { __provider: _out, ...outputs } = resource.outputs;
  const whole = Buffer.byteLength(JSON.stringify(resource));
  return whole - Buffer.byteLength(JSON.stringify({ ...resource, inputs, outputs }));
}
