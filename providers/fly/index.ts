/**
 * The Fly Machines API client used by the dynamic providers. Import from here only.
 */
export { createFlyClient } from "./client";
export type { FlyClient, FlyClientOptions } from "./client";
export { authorizationHeader, DEFAULT_FLY_API_URL, resolveFlyCredentials } from "./credentials";
export type { ConfigSource, FlyCredentials } from "./credentials";
export {
  FlyApiError,
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
