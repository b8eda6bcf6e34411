export { AbortedError } from './aborted-error.js';
export { AllProvidersFailedError } from './all-providers-failed-error.js';
export { ConfigError } from './config-error.js';
export { ConnectionError } from './connection-error.js';
export { DuplicatePluginError } from './duplicate-plugin-error.js';
export { InvalidRequestError, type RequestIssue } from './invalid-request-error.js';
export { KernelStoppedError } from './kernel-stopped-error.js';
export { LoomError, type LoomErrorOptions } from './loom-error.js';
export { MalformedResponseError } from './malformed-response-error.js';
export { MissingDependencyError } from './missing-dependency-error.js';
export { ModelNotFoundError } from './model-not-found-error.js';
export { NoHealthyProviderError } from './no-healthy-provider-error.js';
export { PluginError } from './plugin-error.js';
export {
  isRetryableStatus,
  ProviderCallError,
  type ProviderCallErrorOptions,
  type ProviderErrorCode,
} from './provider-call-error.js';
export { TimeoutError, type TimeoutPhase } from './timeout-error.js';
export { toLoomError } from './to-loom-error.js';
export { UnsupportedOperationError } from './unsupported-operation-error.js';
export { UnsupportedSpecificationError } from './unsupported-specification-error.js';
export { VersionMismatchError } from './version-mismatch-error.js';
