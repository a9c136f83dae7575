/**
 * The Fly Machines API client used by the dynamic providers: its public surface.
 *
 * Pulumi serializes every function a provider reaches into the state, twice per resource. So:
 * - providers build only the resource groups they call (`createAppsClient`, ...) and, for a
 *   resource of another kind, the narrow `createVolumeListClient` / `createMachineLookupClient`;
 *   `createFlyClient` builds every group, for tools and tests;
 * - providers import functions and values from the module that defines them (`./fly/apps`), and
 *   types from here: a re-export compiles to a getter, which the serializer emits as one more
 *   function in every provider that uses the name.
 */
export { createFlyClient } from "./client";
export type { FlyClient } from "./client";
export type { FlyClientOptions } from "./connection";
export { createAppsClient } from "./apps";
export type { AppOperations } from "./apps";
export { createCertificatesClient } from "./certificates";
export type { CertificateOperations } from "./certificates";
export { createIpsClient } from "./ip-assignments";
export type { IpOperations } from "./ip-assignments";
export { createLeasesClient } from "./leases";
export type { LeaseOperations } from "./leases";
export { createMachineLookupClient } from "./machine-lookup";
export { createMachinesClient } from "./machines";
export type { MachineOperations } from "./machines";
export { createSecretsClient } from "./secrets";
export type { SecretOperations } from "./secrets";
export { createVolumeListClient, createVolumesClient, DELETED_VOLUME_STATES } from "./volumes";
export type { VolumeOperations } from "./volumes";
export { createWaitsClient } from "./waits";
export type { WaitOperations } from "./waits";
export { authorizationHeader, DEFAULT_FLY_API_URL, resolveFlyCredentials } from "./credentials";
export type { ConfigSource, FlyCredentials } from "./credentials";
export {
  FlyApiError,
  isAlreadyExists,
  isFlyApiError,
  isLeaseConflict,
  isNameTaken,
  isNotFound,
  isRateLimited,
  isTimeout,
  isValidationError,
} from "./errors";
export { isRetryable, DEFAULT_RETRY_OPTIONS } from "./retry-policy";
export type { RetryOptions } from "./retry-policy";
export { FLY_RATE_LIMITS } from "./pacing";
export type { PacingOptions, RateLimit } from "./pacing";
export type { CallOptions, MutationOptions } from "./call-options";
export type { RetryInfo } from "./transport";
export type { CreateAppInput } from "./apps";
export type {
  CreateMachineInput,
  CreateTag,
  ListMachinesOptions,
  StopOptions,
  UpdateMachineInput,
} from "./machine-inputs";
export type { WaitForChecksOptions, WaitForStateOptions, WaitOptions } from "./waits";
export type { AcquireLeaseOptions, WithLeaseOptions } from "./leases";
export type { CreateVolumeInput, UpdateVolumeInput } from "./volumes";
export type { SecretsWriteResult } from "./secrets";
export { ipAssignmentHasType } from "./ip-assignments";
export type { AllocateIpInput, IpAddressType } from "./ip-assignments";
export type {
  Lease,
  Machine,
  MachineCheckStatus,
  MachineConfig,
  MachineEvent,
  WaitResult,
} from "./machine-schemas";
export type {
  App,
  AppSecret,
  CertificateCheck,
  CertificateDetail,
  CertificateSummary,
  IpAssignment,
  Region,
  Volume,
  VolumeSnapshot,
} from "./resource-schemas";
