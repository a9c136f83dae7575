import * as pulumi from "@pulumi/pulumi";

/** A secret input as the program sent it (Pulumi's secret signature, unwrapped). */
export class SecretValue {
  constructor(readonly value: unknown) {}
}

/** Builds the expected form of a secret input, for `toEqual`. */
export const secret = (value: unknown): SecretValue => new SecretValue(value);

/** What the program asked the engine to register, as the request carried it. */
export interface RecordedResource {
  readonly type: string;
  readonly name: string;
  readonly custom: boolean;
  /** The parent's logical name ("" for the root stack). */
  readonly parent: string;
  /** Inputs, secrets as {@link SecretValue}, without the serialized `__provider`. */
  readonly inputs: Record<string, unknown>;
  /** Whether the inputs carried a serialized dynamic provider. */
  readonly hasProvider: boolean;
  /** Logical names of every resource this one depends on, sorted. */
  readonly dependencies: readonly string[];
  /** Per input key, logical names of the resources it depends on, sorted. */
  readonly propertyDependencies: Readonly<Record<string, readonly string[]>>;
  readonly additionalSecretOutputs: readonly string[];
  readonly deleteBeforeReplace: boolean;
  readonly retainOnDelete: boolean;
}

/** Returns a mocked resource's id and output state from its type, name and inputs. */
export type MockOutputs = (args: pulumi.runtime.MockResourceArgs) => {
  id: string;
  state: Record<string, unknown>;
};

// The wire form of a secret: Pulumi's special signature key and its secret signature.
const SIG_KEY = "4dabf18193072939515e22adb298388d";
const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";

function decodeValue(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(decodeValue);
  if (typeof value === "object" && value !== null) {
    const record = value as Record<string, unknown>;
    if (record[SIG_KEY] === SECRET_SIG) return new SecretValue(decodeValue(record.value));
    return Object.fromEntries(Object.entries(record).map(([k, v]) => [k, decodeValue(v)]));
  }
  return value;
}

const nameOf = (urn: string): string => urn.slice(urn.lastIndexOf("::") + 2);
const namesOf = (urns: readonly string[]): string[] => urns.map(nameOf).sort();

// The slice of the gRPC RegisterResourceRequest the recorder reads.
interface RegisterRequest {
  getType(): string;
  getName(): string;
  getParent(): string;
  getCustom(): boolean;
  getObject(): { toJavaScript(): Record<string, unknown> } | undefined;
  getDependenciesList(): string[];
  getPropertydependenciesMap(): {
    forEach(fn: (value: { getUrnsList(): string[] }, key: string) => void): void;
  };
  getAdditionalsecretoutputsList(): string[];
  getDeletebeforereplace(): boolean;
  getRetainondelete(): boolean | undefined;
}

type Callback = (error: unknown, response: unknown) => void;
interface MonitorMethods {
  registerResource(req: RegisterRequest, callback: Callback): Promise<void>;
}

/** Records every RegisterResource request the program sends to Pulumi's mock monitor. */
export class ResourceRecorder {
  /** Every request so far, in arrival order. */
  readonly resources: RecordedResource[] = [];
  private inFlight = 0;

  /** Forgets what was recorded (between tests). */
  clear(): void {
    this.resources.length = 0;
  }

  /** The recorded resource with this logical name; throws when there is none or several. */
  get(name: string): RecordedResource {
    const found = this.resources.filter((resource) => resource.name === name);
    if (found.length !== 1)
      throw new Error(`expected one resource named ${name}, found ${found.length}`);
    return found[0];
  }

  /** `type::name` of every recorded resource, sorted, for exact whole-graph assertions. */
  graph(): string[] {
    return this.resources.map((resource) => `${resource.type}::${resource.name}`).sort();
  }

  /**
   * Resolves once the program has nothing left to register: Pulumi's queue of outstanding RPCs
   * has drained (`waitForRPCs` in the SDK's runtime/settings.ts, which the SDK awaits before it
   * disconnects at the end of a program; it waits again for any RPC begun meanwhile) and no
   * registration is in flight here. The end of a program, as the SDK itself decides it.
   */
  async settled(): Promise<void> {
    const { waitForRPCs } = pulumi.runtime as unknown as { waitForRPCs(): Promise<void> };
    do await waitForRPCs();
    while (this.inFlight > 0);
  }

  /** @internal */
  record(req: RegisterRequest): void {
    const raw = req.getObject()?.toJavaScript() ?? {};
    const { __provider: provider, ...inputs } = raw;
    const propertyDependencies: Record<string, string[]> = {};
    req.getPropertydependenciesMap().forEach((value, key) => {
      propertyDependencies[key] = namesOf(value.getUrnsList());
    });
    this.resources.push({
      type: req.getType(),
      name: req.getName(),
      custom: req.getCustom(),
      parent: req.getParent() === "" ? "" : nameOf(req.getParent()),
      inputs: decodeValue(inputs) as Record<string, unknown>,
      hasProvider: typeof provider === "string" && provider.length > 0,
      dependencies: namesOf(req.getDependenciesList()),
      propertyDependencies,
      additionalSecretOutputs: [...req.getAdditionalsecretoutputsList()].sort(),
      deleteBeforeReplace: req.getDeletebeforereplace(),
      retainOnDelete: req.getRetainondelete() ?? false,
    });
  }

  /** @internal */
  track<T>(work: Promise<T>): Promise<T> {
    this.inFlight += 1;
    return work.finally(() => {
      this.inFlight -= 1;
    });
  }
}

/**
 * Installs Pulumi's mocks (awaited, before any module that registers resources is imported) and
 * wraps the mock monitor's `registerResource`, so tests see the dependency edges, secret output
 * names and resource options the SDK put on the wire, which `newResource` does not receive.
 */
export async function installRecordingMocks(
  outputs: MockOutputs,
  options: { project?: string; stack?: string; preview?: boolean } = {},
): Promise<ResourceRecorder> {
  await pulumi.runtime.setMocks(
    {
      newResource: (args) => outputs(args),
      call: (args) => {
        throw new Error(`unexpected call to ${args.token}`);
      },
    },
    options.project ?? "openclaw-fly",
    options.stack ?? "test",
    options.preview ?? false,
  );
  const recorder = new ResourceRecorder();
  const monitor = pulumi.runtime.getMonitor() as unknown as MonitorMethods;
  const original = monitor.registerResource.bind(monitor);
  monitor.registerResource = (req, callback) => {
    recorder.record(req);
    return recorder.track(original(req, callback));
  };
  return recorder;
}

/** The value of an Output (for assertions), and whether it is secret. */
export async function unwrap<T>(output: pulumi.Output<T>): Promise<{ value: T; secret: boolean }> {
  const value = await new Promise<T>((resolve) => output.apply((v) => resolve(v)));
  return { value, secret: await pulumi.isSecret(output) };
}
