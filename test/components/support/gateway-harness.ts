import { join } from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { beforeAll, beforeEach } from "vitest";
import { readStackFile } from "../../../engine/stack-files";
import { gatewayMocks } from "./gateway-expectations";
import {
  installRecordingMocks,
  unwrap,
  type RecordedResource,
  type ResourceRecorder,
} from "./recording-mocks";

type GatewayModule = typeof import("../../../components/gateway");
type StackConfigModule = typeof import("../../../stack-config/stack-config-reader");
type Gateway = import("../../../components/gateway").OpenClawGateway;

/** The component's arguments. */
export type GatewayArgs = import("../../../components/gateway").OpenClawGatewayArgs;

/** The project root, where the stack files live. */
export const ROOT = join(__dirname, "..", "..", "..");

/** What a component test works with; filled in by the `beforeAll` hook. */
export interface GatewayHarness {
  recorder: ResourceRecorder;
  gateways: GatewayModule;
  stackConfig: StackConfigModule;
  /** Builds a gateway and waits until every child is registered and its outputs resolved. */
  build(name: string, args: GatewayArgs): Promise<Gateway>;
  /**
   * Builds the gateway of `Pulumi.<stack>.yaml` exactly as index.ts does, with `secrets` as
   * secret config (key without namespace to value).
   */
  buildStack(stack: string, secrets?: Record<string, string>): Promise<Gateway>;
  /** Builds the gateway of `Pulumi.<stack>.yaml` with `plain` keys (without namespace) added. */
  buildStackWith(stack: string, plain: Record<string, string>): Promise<Gateway>;
}

/**
 * Registers the hooks of a component test file: Pulumi's mocks installed (and awaited) before
 * the component modules are imported, a clean recorder and config before each test.
 */
export function useGatewayHarness(): GatewayHarness {
  const harness = {} as GatewayHarness;
  beforeAll(async () => {
    harness.recorder = await installRecordingMocks(gatewayMocks);
    harness.gateways = await import("../../../components/gateway");
    harness.stackConfig = await import("../../../stack-config/stack-config-reader");
  });
  beforeEach(() => {
    harness.recorder.clear();
    pulumi.runtime.setAllConfig({}, []);
  });
  harness.build = async (name, args) => {
    const gateway = new harness.gateways.OpenClawGateway(name, args);
    await unwrap(gateway.machineIds);
    await unwrap(gateway.gatewayToken);
    await harness.recorder.settled();
    return gateway;
  };
  harness.buildStackWith = (stack, plain) => {
    const values = { ...readStackFile(ROOT, "openclaw-fly", stack).plain };
    for (const [key, value] of Object.entries(plain)) values[`openclaw-fly:${key}`] = value;
    pulumi.runtime.setAllConfig(values, []);
    return harness.build(stack, harness.stackConfig.readGatewayStackConfig());
  };
  harness.buildStack = (stack, secrets = {}) => {
    const values = { ...readStackFile(ROOT, "openclaw-fly", stack).plain };
    for (const [key, value] of Object.entries(secrets)) values[`openclaw-fly:${key}`] = value;
    const secretKeys = Object.keys(secrets).map((key) => `openclaw-fly:${key}`);
    pulumi.runtime.setAllConfig(values, secretKeys);
    return harness.build(stack, harness.stackConfig.readGatewayStackConfig());
  };
  return harness;
}

/** A resource's place in the graph: parent, dependency edges and secret output names. */
export interface Edges {
  name: string;
  parent: string;
  dependencies: readonly string[];
  /** Only the input keys that depend on something. */
  propertyDependencies: Readonly<Record<string, readonly string[]>>;
  additionalSecretOutputs: readonly string[];
}

/** The {@link Edges} of a recorded resource. */
export function edgesOf(resource: RecordedResource): Edges {
  const propertyDependencies = Object.fromEntries(
    Object.entries(resource.propertyDependencies).filter(([, names]) => names.length > 0),
  );
  return {
    name: resource.name,
    parent: resource.parent,
    dependencies: resource.dependencies,
    propertyDependencies,
    additionalSecretOutputs: resource.additionalSecretOutputs,
  };
}

/** Builds expected {@link Edges}; omitted parts are empty. */
export function edges(
  name: string,
  parent: string,
  dependencies: string[] = [],
  propertyDependencies: Record<string, string[]> = {},
  additionalSecretOutputs: string[] = [],
): Edges {
  return { name, parent, dependencies, propertyDependencies, additionalSecretOutputs };
}
