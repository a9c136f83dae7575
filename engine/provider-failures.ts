import { readFileSync, rmSync } from "node:fs";
import { dirname } from "node:path";
import * as grpc from "@grpc/grpc-js";
import * as provproto from "@pulumi/pulumi/proto/provider_pb";
import * as statusproto from "@pulumi/pulumi/proto/status_pb";
import { fromStruct } from "./property-values";
import { ProviderError } from "./provider-api";
import type { ProviderHostProcess } from "./provider-host-process";

/**
 * Turns a failed provider RPC into the message the user sees: the provider's own message (gRPC
 * details), a partial create when the host packed one, or, when the host process is gone, what
 * happened to it and which call was in flight.
 */
export async function describeRpcFailure(
  host: ProviderHostProcess,
  method: string,
  urn: string,
  error: grpc.ServiceError,
): Promise<ProviderError> {
  const rpc = method.charAt(0).toUpperCase() + method.slice(1);
  // A provider's own failure arrives as UNKNOWN; anything else is the connection breaking,
  // usually because the host died, and its exit event may trail the RPC error slightly.
  const exit =
    error.code === grpc.status.UNKNOWN ? host.exitReason : await host.exitReasonAfter(500);
  if (exit !== undefined) {
    const subject = urn === "" ? "" : ` for ${urn}`;
    return new ProviderError(`the pulumi-nodejs provider host ${exit} during ${rpc}${subject}`);
  }
  return new ProviderError(error.details || error.message, readInitFailure(host, error));
}

// The host packs a partial create into `grpc-status-details-bin` (cmd/dynamic-provider
// grpcResponseFromError); the engine turns it into an InitError that keeps the resource in state.
// A trailer too large for Node's HTTP/2 arrives through the relay file (host-status-relay.cjs).
function readInitFailure(host: ProviderHostProcess, error: grpc.ServiceError) {
  const packed = error.metadata?.get("grpc-status-details-bin")[0] ?? relayed(host, error);
  if (!(packed instanceof Buffer)) return undefined;
  for (const detail of statusproto.Status.deserializeBinary(packed).getDetailsList()) {
    if (detail.getTypeName() !== "pulumirpc.ErrorResourceInitFailed") continue;
    const failed = provproto.ErrorResourceInitFailed.deserializeBinary(detail.getValue_asU8());
    if (failed.getId() === "") continue;
    return {
      id: failed.getId(),
      outputs: fromStruct(failed.getProperties()),
      reasons: failed.getReasonsList(),
    };
  }
  return undefined;
}

function relayed(host: ProviderHostProcess, error: grpc.ServiceError): Buffer | undefined {
  const file = error.metadata?.get("x-offline-engine-status-details")[0];
  if (typeof file !== "string" || dirname(file) !== host.relayDirectory) return undefined;
  const bytes = Buffer.from(readFileSync(file, "utf8"), "base64");
  rmSync(file, { force: true });
  return bytes;
}
