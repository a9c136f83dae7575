/**
 * The Fly Machines API client used by the dynamic providers: its public surface. Providers build
 * only the resource groups they call (`createAppsClient`, ...) and, for a resource of another
 * kind, the narrow `createVolumeListClient` / `createMachineLookupClient`; `createFlyClient`
 * builds every group, for tools and tests. The client knows nothing of Pulumi.
 */
export { createFlyClient } from "./full-client";
export type { FlyClient } from "./full-client";
export type { FlyClientOptions } from "./connection";
export { createAppsClient } from "./app-operations";
export type { AppOperations } from "./app-operations";
export { createCertificatesClient } from "./certificate-operations";
export type { CertificateOperations } from "./certificate-operations";
export { createIpAddressesClient } from "./ip-address-operations";
export type { IpAddressOperations } from "./ip-address-operations";
export { createLeasesClient } from "./lease-operations";
export type { LeaseOperations } from "./lease-operations";
export { createLogsClient, logsBaseUrl } from "./log-operations";
export type { LogOperations } from "./log-operations";
export { createMachineLookupClient } from "./machine-lookup";
export { createMachinesClient } from "./machine-operations";
export type { MachineOperations } from "./machine-operations";
export { createSecretsClient } from "./secret-operations";
export type { SecretOperations } from "./secret-operations";
export {
  createVolumeListClient,
  createVolumesClient,
  DELETED_VOLUME_STATES,
} from "./volume-operations";
export type { VolumeOperations } from "./volume-operations";
export { createWaitsClient } from "./wait-operations";
export type { WaitOperations } from "./wait-operations";
export { authorizationHeader, DEFAULT_FLY_API_URL } from "./credentials";
export {
  FlyApiError,
  hasKind,
  isAlreadyExists,
  isFlyApiError,
  isLeaseConflict,
  isNameTaken,
  isNotFound,
  isRateLimited,
  isTimeout,
  isValidationError,
} from "./fly-api-error";
export type { FlyErrorKind } from "./error-kinds";
export { isRetryable, DEFAULT_RETRY_OPTIONS } from "./retry-policy";
export type { RetryOptions } from "./retry-policy";
export { FLY_RATE_LIMITS } from "./pacing";
export type { PacingOptions, RateLimit } from "./pacing";
export type { CallOptions, MutationOptions } from "./call-options";
export type { RetryInfo } from "./transport";
export type { CreateAppInput } from "./app-operations";
export type {
  CreateMachineInput,
  CreateTag,
  ListMachinesOptions,
  StopOptions,
  UpdateMachineInput,
} from "./machine-inputs";
export type { WaitForChecksOptions, WaitForStateOptions, WaitOptions } from "./wait-operations";
export type { AcquireLeaseOptions, WithLeaseOptions } from "./lease-operations";
export type { CreateVolumeInput, UpdateVolumeInput } from "./volume-operations";
export type { SecretsWriteResult } from "./secret-operations";
export { ipAddressHasType } from "./ip-address-operations";
export type { AllocateIpAddressInput, IpAddressType } from "./ip-address-operations";
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
  IpAddress,
  Region,
  Volume,
  VolumeSnapshot,
} from "./resource-schemas";
