import * as grpc from "@grpc/grpc-js";
import * as emptyproto from "google-protobuf/google/protobuf/empty_pb";
import * as engrpc from "@pulumi/pulumi/proto/engine_grpc_pb";
import * as engproto from "@pulumi/pulumi/proto/engine_pb";
import * as resrpc from "@pulumi/pulumi/proto/resource_grpc_pb";
import * as resproto from "@pulumi/pulumi/proto/resource_pb";
import type { LogEntry } from "./engine-types";
import { fromStruct, toStruct, type PropertyMap } from "./property-values";
import { useNativeUtf8Strings } from "./protobuf-strings";
import type { StackConfig } from "./stack-files";
import { MonitorShutdown, resourceUrn, type Registration, type ResourceGoal } from "./step-context";

/** What the monitor hands to the operation. */
export interface MonitorHandlers {
  readonly project: string;
  readonly stack: string;
  readonly preview: boolean;
  readonly parallel: number;
  /** The stack's config: `namespace:key` to value, and which keys are secret. */
  readonly config: StackConfig;
  register(goal: ResourceGoal): Promise<Registration>;
  registerOutputs(urn: string, outputs: PropertyMap): void;
  log(entry: LogEntry): void;
}

const SEVERITIES: Record<number, LogEntry["severity"]> = {
  [engproto.LogSeverity.DEBUG]: "debug",
  [engproto.LogSeverity.INFO]: "info",
  [engproto.LogSeverity.WARNING]: "warning",
  [engproto.LogSeverity.ERROR]: "error",
};

type Handler<Req, Res> = grpc.handleUnaryCall<Req, Res>;

/**
 * The features advertised, through GetDeploymentInfo (which the 3.276 SDK asks first) and the
 * legacy SupportsFeature probe alike: secrets, and `deletedWith` (without it the SDK refuses the
 * option). The real engine also advertises resource references and output values; without them
 * the SDK sends a resource reference as its id (what the engine would hand a dynamic provider,
 * which does not accept references) and waits for every input before registering a resource.
 */
const FEATURES: ReadonlyMap<string, resproto.ResourceMonitorFeature> = new Map([
  ["secrets", resproto.ResourceMonitorFeature.RESOURCE_MONITOR_FEATURE_SECRETS],
  ["deletedWith", resproto.ResourceMonitorFeature.RESOURCE_MONITOR_FEATURE_DELETED_WITH],
]);

/**
 * The ResourceMonitor and Engine gRPC services the language runtime (`@pulumi/pulumi/cmd/run`)
 * talks to, on one 127.0.0.1 port (see {@link FEATURES} for what it supports).
 */
export class ResourceMonitorServer {
  private rootUrn = "";

  private constructor(
    private readonly server: grpc.Server,
    /** `127.0.0.1:<port>`, for `--monitor` and `--engine`. */
    readonly address: string,
  ) {}

  /** Binds both services on 127.0.0.1:0. */
  static async start(handlers: MonitorHandlers): Promise<ResourceMonitorServer> {
    useNativeUtf8Strings();
    const server = new grpc.Server();
    const port = await new Promise<number>((resolve, reject) =>
      server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (error, bound) =>
        error ? reject(error) : resolve(bound),
      ),
    );
    const monitor = new ResourceMonitorServer(server, `127.0.0.1:${port}`);
    server.addService(resrpc.ResourceMonitorService, monitor.monitorService(handlers));
    server.addService(engrpc.EngineService, monitor.engineService(handlers));
    return monitor;
  }

  /** Stops serving at once; calls still open are cancelled. */
  stop(): void {
    this.server.forceShutdown();
  }

  private monitorService(handlers: MonitorHandlers): resrpc.IResourceMonitorServer {
    const registerResource: Handler<
      resproto.RegisterResourceRequest,
      resproto.RegisterResourceResponse
    > = (call, callback) => {
      const goal = readGoal(call.request, handlers);
      handlers.register(goal).then(
        (registration) => {
          const response = new resproto.RegisterResourceResponse();
          response.setUrn(goal.urn);
          response.setId(registration.id);
          response.setObject(toStruct(registration.outputs));
          // FAIL is only answered under --continue-on-error; a failed step cancels instead.
          response.setResult(resproto.Result.SUCCESS);
          callback(null, response);
        },
        (error: Error) =>
          callback({
            code: error instanceof MonitorShutdown ? grpc.status.UNAVAILABLE : grpc.status.UNKNOWN,
            details: error.message,
          }),
      );
    };
    return {
      getDeploymentInfo: (_call, callback) => {
        const info = new resproto.DeploymentInfo();
        info.setProject(handlers.project);
        info.setStack(handlers.stack);
        info.setDryrun(handlers.preview);
        info.setParallel(handlers.parallel);
        for (const [key, value] of Object.entries(handlers.config.values)) {
          info.getConfigMap().set(key, value);
        }
        info.setConfigsecretkeysList([...handlers.config.secretKeys]);
        info.setSupportedfeaturesList([...FEATURES.values()]);
        callback(null, info);
      },
      supportsFeature: (call, callback) => {
        const response = new resproto.SupportsFeatureResponse();
        response.setHassupport(FEATURES.has(call.request.getId()));
        callback(null, response);
      },
      registerResource,
      registerResourceOutputs: (call, callback) => {
        try {
          handlers.registerOutputs(call.request.getUrn(), fromStruct(call.request.getOutputs()));
          callback(null, new emptyproto.Empty());
        } catch (error) {
          callback({ code: grpc.status.UNKNOWN, details: (error as Error).message });
        }
      },
      registerPackage: (call, callback) => {
        const response = new resproto.RegisterPackageResponse();
        response.setRef(`${call.request.getName()}@${call.request.getVersion()}`);
        callback(null, response);
      },
      signalAndWaitForShutdown: (_call, callback) => callback(null, new emptyproto.Empty()),
      invoke: unsupported("invoke (provider functions)"),
      call: unsupported("call (component methods)"),
      readResource: unsupported("reading existing resources (Resource.get)"),
      existsResource: unsupported("checking whether a resource exists (Resource.exists)"),
      registerStackTransform: unsupported("stack transforms"),
      registerStackInvokeTransform: unsupported("stack invoke transforms"),
      registerResourceHook: unsupported("resource hooks"),
      registerErrorHook: unsupported("error hooks"),
    };
  }

  private engineService(handlers: MonitorHandlers): engrpc.IEngineServer {
    return {
      log: (call, callback) => {
        // Like the CLI without -v: the SDK's debug chatter is not shown. Dropping it here also
        // keeps it out of results, since it can print whole RPC payloads, secrets included.
        if (call.request.getSeverity() === engproto.LogSeverity.DEBUG) {
          callback(null, new emptyproto.Empty());
          return;
        }
        const urn = call.request.getUrn();
        handlers.log({
          severity: SEVERITIES[call.request.getSeverity()] ?? "info",
          message: call.request.getMessage().replace(/\n$/, ""),
          ...(urn !== "" ? { urn } : {}),
          source: "program",
        });
        callback(null, new emptyproto.Empty());
      },
      getRootResource: (_call, callback) => {
        const response = new engproto.GetRootResourceResponse();
        response.setUrn(this.rootUrn);
        callback(null, response);
      },
      setRootResource: (call, callback) => {
        this.rootUrn = call.request.getUrn();
        callback(null, new engproto.SetRootResourceResponse());
      },
      requirePulumiVersion: (_call, callback) =>
        callback(null, new engproto.RequirePulumiVersionResponse()),
      startDebugging: unsupported("debugging"),
    };
  }
}

function unsupported<Req, Res>(what: string): Handler<Req, Res> {
  return (_call, callback) =>
    callback({
      code: grpc.status.UNIMPLEMENTED,
      details: `the offline engine does not support ${what}; use the real pulumi CLI`,
    });
}

function readGoal(
  request: resproto.RegisterResourceRequest,
  handlers: MonitorHandlers,
): ResourceGoal {
  const propertyDependencies: Record<string, string[]> = {};
  request.getPropertydependenciesMap().forEach((deps, key) => {
    propertyDependencies[key] = deps.getUrnsList();
  });
  return {
    urn: resourceUrn(
      handlers.stack,
      handlers.project,
      request.getParent(),
      request.getType(),
      request.getName(),
    ),
    type: request.getType(),
    name: request.getName(),
    custom: request.getCustom(),
    parent: request.getParent(),
    inputs: fromStruct(request.getObject()),
    dependencies: request.getDependenciesList(),
    propertyDependencies,
    // Unset (not false) when the program left them out, so the parent's can apply.
    ...(request.hasProtect() ? { protect: request.getProtect() ?? false } : {}),
    ...(request.hasRetainondelete()
      ? { retainOnDelete: request.getRetainondelete() ?? false }
      : {}),
    ...(request.getDeletebeforereplacedefined()
      ? { deleteBeforeReplace: request.getDeletebeforereplace() }
      : {}),
    ignoreChanges: request.getIgnorechangesList(),
    additionalSecretOutputs: request.getAdditionalsecretoutputsList(),
    replaceOnChanges: request.getReplaceonchangesList(),
    deletedWith: request.getDeletedwith(),
    importId: request.getImportid(),
  };
}
