import { randomBytes } from "node:crypto";
import * as grpc from "@grpc/grpc-js";
import * as emptyproto from "google-protobuf/google/protobuf/empty_pb";
import * as provrpc from "@pulumi/pulumi/proto/provider_grpc_pb";
import * as provproto from "@pulumi/pulumi/proto/provider_pb";
import type { ProviderMethod } from "./engine-types";
import {
  annotateSecrets,
  fromStruct,
  stripSecretsMap,
  toStruct,
  type PropertyMap,
} from "./property-values";
import {
  type CheckResult,
  type CreateResult,
  type DiffResult,
  type ExistingResource,
  type ReadResult,
  type ReadTarget,
  type ResourceProvider,
} from "./provider-api";
import { useNativeUtf8Strings } from "./protobuf-strings";
import { describeRpcFailure } from "./provider-failures";
import {
  configureRequest,
  ProviderHostProcess,
  type ProviderHostLaunch,
} from "./provider-host-process";

type Callback<T> = (error: grpc.ServiceError | null, response: T) => void;

/**
 * The engine's side of the pulumi-nodejs dynamic provider: gRPC calls to the real host with the
 * engine's payload rules. The host answers Configure with `acceptSecrets: false`, so every payload
 * is sent with secrets stripped and results are re-annotated (`annotateSecrets`), exactly what
 * provider_plugin.go does; unknowns are only sent during previews.
 */
export class DynamicProviderClient implements ResourceProvider {
  private readonly sentCounts = new Map<ProviderMethod, number>();

  private constructor(
    private readonly host: ProviderHostProcess,
    private readonly client: provrpc.ResourceProviderClient,
    private readonly crashAfter: { method: ProviderMethod; count: number } | undefined,
  ) {}

  /** Starts the host, then runs the engine's handshake sequence: Handshake, GetPluginInfo, Configure. */
  static async start(
    launch: ProviderHostLaunch & {
      readonly stack: string;
      readonly crashAfter?: { method: ProviderMethod; count: number };
    },
  ): Promise<DynamicProviderClient> {
    useNativeUtf8Strings();
    const host = await ProviderHostProcess.start(launch);
    const client = new provrpc.ResourceProviderClient(
      host.address,
      grpc.credentials.createInsecure(),
    );
    const provider = new DynamicProviderClient(host, client, launch.crashAfter);
    try {
      await provider.configure(launch);
    } catch (error) {
      await provider.close();
      throw error;
    }
    return provider;
  }

  /** The host's process id. */
  get pid(): number | undefined {
    return this.host.pid;
  }

  /** SIGKILLs the host's process group. */
  kill(): void {
    this.host.kill();
  }

  /**
   * Shuts the host down as the engine's plugin host does (host.go `Close`): the Cancel RPC, then
   * SIGINT to its process group, SIGKILL if it is still there after the grace period.
   */
  async close(): Promise<void> {
    await this.cancel();
    this.client.close();
    await this.host.stop();
  }

  /**
   * The Cancel RPC (`SignalCancellation`), answered within `timeoutMs` or given up on. The dynamic
   * host acknowledges it without aborting anything: its calls in flight run to their end.
   */
  async cancel(timeoutMs = 5_000): Promise<void> {
    if (this.host.exitReason !== undefined) return;
    await new Promise<void>((resolve) => {
      const deadline = new Date(Date.now() + timeoutMs);
      this.client.cancel(new emptyproto.Empty(), new grpc.Metadata(), { deadline }, () =>
        resolve(),
      );
    });
  }

  async check(urn: string, olds: PropertyMap, news: PropertyMap): Promise<CheckResult> {
    const request = new provproto.CheckRequest();
    request.setUrn(urn);
    request.setOlds(toStruct(stripSecretsMap(olds)));
    request.setNews(toStruct(stripSecretsMap(news)));
    request.setRandomseed(randomBytes(32));
    const response = await this.send("check", urn, (cb: Callback<provproto.CheckResponse>) =>
      this.client.check(request, cb),
    );
    return {
      inputs: annotateSecrets(fromStruct(response.getInputs()), news),
      failures: response.getFailuresList().map((failure) => ({
        property: failure.getProperty(),
        reason: failure.getReason(),
      })),
    };
  }

  async diff(old: ExistingResource, news: PropertyMap): Promise<DiffResult> {
    const request = new provproto.DiffRequest();
    request.setUrn(old.urn);
    request.setId(old.id);
    request.setOlds(toStruct(stripSecretsMap(old.outputs)));
    request.setNews(toStruct(stripSecretsMap(news)));
    request.setOldInputs(toStruct(stripSecretsMap(old.inputs)));
    const response = await this.send("diff", old.urn, (cb: Callback<provproto.DiffResponse>) =>
      this.client.diff(request, cb),
    );
    const changes = response.getChanges();
    const { DIFF_NONE, DIFF_SOME } = provproto.DiffResponse.DiffChanges;
    return {
      changes: changes === DIFF_SOME ? "some" : changes === DIFF_NONE ? "none" : "unknown",
      replaceKeys: response.getReplacesList(),
      deleteBeforeReplace: response.getDeletebeforereplace(),
    };
  }

  async create(urn: string, inputs: PropertyMap): Promise<CreateResult> {
    const request = new provproto.CreateRequest();
    request.setUrn(urn);
    request.setProperties(toStruct(stripSecretsMap(inputs)));
    const response = await this.send("create", urn, (cb: Callback<provproto.CreateResponse>) =>
      this.client.create(request, cb),
    );
    // The plugin layer's own check (provider_plugin.go Create), before the engine sees the id.
    if (response.getId() === "")
      throw new Error(`plugin returned empty resource.ID from create '${urn}'`);
    return {
      id: response.getId(),
      outputs: annotateSecrets(fromStruct(response.getProperties()), inputs),
    };
  }

  async update(old: ExistingResource, news: PropertyMap): Promise<PropertyMap> {
    const request = new provproto.UpdateRequest();
    request.setUrn(old.urn);
    request.setId(old.id);
    request.setOlds(toStruct(stripSecretsMap(old.outputs)));
    request.setNews(toStruct(stripSecretsMap(news)));
    request.setOldInputs(toStruct(stripSecretsMap(old.inputs)));
    const response = await this.send("update", old.urn, (cb: Callback<provproto.UpdateResponse>) =>
      this.client.update(request, cb),
    );
    return annotateSecrets(fromStruct(response.getProperties()), news);
  }

  /**
   * Read. An import has no state: both maps are left out of the request (the engine marshals them
   * with PropagateNil), so the host finds no provider code and fails.
   */
  async read(target: ReadTarget): Promise<ReadResult> {
    const request = new provproto.ReadRequest();
    request.setUrn(target.urn);
    request.setId(target.id);
    if (target.outputs) request.setProperties(toStruct(stripSecretsMap(target.outputs)));
    if (target.inputs) request.setInputs(toStruct(stripSecretsMap(target.inputs)));
    const response = await this.send("read", target.urn, (cb: Callback<provproto.ReadResponse>) =>
      this.client.read(request, cb),
    );
    const inputs = response.getInputs();
    return {
      id: response.getId(),
      outputs: annotateSecrets(fromStruct(response.getProperties()), target.outputs ?? {}),
      ...(inputs ? { inputs: annotateSecrets(fromStruct(inputs), target.inputs ?? {}) } : {}),
    };
  }

  async delete(old: ExistingResource): Promise<void> {
    const request = new provproto.DeleteRequest();
    request.setUrn(old.urn);
    request.setId(old.id);
    request.setProperties(toStruct(stripSecretsMap(old.outputs)));
    request.setOldInputs(toStruct(stripSecretsMap(old.inputs)));
    await this.send("delete", old.urn, (cb: Callback<emptyproto.Empty>) =>
      this.client.delete(request, cb),
    );
  }

  private async configure(launch: ProviderHostLaunch & { readonly stack: string }) {
    // The host does not implement Handshake; the engine then falls back to Configure.
    await new Promise<void>((resolve) =>
      this.client.handshake(new provproto.ProviderHandshakeRequest(), () => resolve()),
    );
    await new Promise<void>((resolve, reject) =>
      this.client.getPluginInfo(new emptyproto.Empty(), (error) =>
        error ? reject(new Error(`GetPluginInfo: ${error.details}`)) : resolve(),
      ),
    );
    const request = configureRequest(launch.project, launch.stack, launch.config);
    await this.send("configure", "", (cb: Callback<provproto.ConfigureResponse>) =>
      this.client.configure(request, cb),
    );
  }

  private async send<T>(
    method: ProviderMethod | "configure",
    urn: string,
    start: (callback: Callback<T>) => void,
  ): Promise<T> {
    const outcome = new Promise<T>((resolve, reject) =>
      start((error, response) => (error ? reject(error) : resolve(response))),
    );
    if (method !== "configure") this.countSent(method);
    try {
      return await outcome;
    } catch (error) {
      throw await describeRpcFailure(this.host, method, urn, error as grpc.ServiceError);
    }
  }

  private countSent(method: ProviderMethod): void {
    const count = (this.sentCounts.get(method) ?? 0) + 1;
    this.sentCounts.set(method, count);
    if (this.crashAfter?.method === method && this.crashAfter.count === count) {
      // The request is queued on the channel in this turn; kill once it has gone out.
      setTimeout(() => this.kill(), 0);
    }
  }
}
