/**
 * The resource monitor as the 3.276 SDK talks to it: features come from GetDeploymentInfo
 * (source_eval.go `GetDeploymentInfo`, `supportedMonitorFeatures`) with the SupportsFeature
 * probe agreeing; RegisterResource answers `result: SUCCESS` and passes the options the engine
 * applies (unset protect and retainOnDelete stay unset for inheritFromParent).
 */
import * as grpc from "@grpc/grpc-js";
import * as emptyproto from "google-protobuf/google/protobuf/empty_pb";
import * as resrpc from "@pulumi/pulumi/proto/resource_grpc_pb";
import * as resproto from "@pulumi/pulumi/proto/resource_pb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ResourceMonitorServer } from "../../engine/resource-monitor";
import type { ResourceGoal } from "../../engine/step-context";

let server: ResourceMonitorServer;
let client: resrpc.ResourceMonitorClient;
const goals: ResourceGoal[] = [];

beforeAll(async () => {
  server = await ResourceMonitorServer.start({
    project: "proj",
    stack: "dev",
    preview: true,
    parallel: 3,
    config: { values: { "proj:a": "1", "proj:token": "t" }, secretKeys: ["proj:token"] },
    register: async (goal) => {
      goals.push(goal);
      return { id: "", outputs: { a: 1 } };
    },
    registerOutputs: () => undefined,
    log: () => undefined,
  });
  client = new resrpc.ResourceMonitorClient(server.address, grpc.credentials.createInsecure());
});

afterAll(() => {
  client.close();
  server.stop();
});

const call = <T>(start: (cb: (error: grpc.ServiceError | null, response: T) => void) => void) =>
  new Promise<T>((resolve, reject) =>
    start((error, response) => (error ? reject(error) : resolve(response))),
  );

describe("the resource monitor", () => {
  it("advertises secrets and deletedWith, and the deployment's settings, through GetDeploymentInfo", async () => {
    const info = await call<resproto.DeploymentInfo>((cb) =>
      client.getDeploymentInfo(new emptyproto.Empty(), cb),
    );
    const { SECRETS, DELETED_WITH } = {
      SECRETS: resproto.ResourceMonitorFeature.RESOURCE_MONITOR_FEATURE_SECRETS,
      DELETED_WITH: resproto.ResourceMonitorFeature.RESOURCE_MONITOR_FEATURE_DELETED_WITH,
    };
    expect(info.getSupportedfeaturesList()).toEqual([SECRETS, DELETED_WITH]);
    expect([info.getProject(), info.getStack(), info.getDryrun(), info.getParallel()]).toEqual([
      "proj",
      "dev",
      true,
      3,
    ]);
    expect(Object.fromEntries(info.getConfigMap().entries())).toEqual({
      "proj:a": "1",
      "proj:token": "t",
    });
    expect(info.getConfigsecretkeysList()).toEqual(["proj:token"]);
    const supports = async (id: string) => {
      const request = new resproto.SupportsFeatureRequest();
      request.setId(id);
      return (
        await call<resproto.SupportsFeatureResponse>((cb) => client.supportsFeature(request, cb))
      ).getHassupport();
    };
    expect([
      await supports("secrets"),
      await supports("deletedWith"),
      await supports("outputValues"),
    ]).toEqual([true, true, false]);
  });

  it("answers RegisterResource with result SUCCESS, and keeps unset options unset", async () => {
    const request = new resproto.RegisterResourceRequest();
    request.setType("fixture:index:Widget");
    request.setName("w");
    request.setCustom(true);
    request.setParent("urn:pulumi:dev::proj::pulumi:pulumi:Stack::proj-dev");
    request.setDeletedwith("urn:pulumi:dev::proj::fixture:index:Widget::app");
    request.setImportid("w-1");
    const response = await call<resproto.RegisterResourceResponse>((cb) =>
      client.registerResource(request, cb),
    );
    expect(response.getResult()).toBe(resproto.Result.SUCCESS);
    expect(response.getUrn()).toBe("urn:pulumi:dev::proj::fixture:index:Widget::w");
    expect(goals[0]).toMatchObject({
      deletedWith: "urn:pulumi:dev::proj::fixture:index:Widget::app",
      importId: "w-1",
    });
    expect(goals[0]!.protect).toBeUndefined();
    expect(goals[0]!.retainOnDelete).toBeUndefined();
  });
});
