export type { Alert, AlertSeverity } from './alert-sink/v1/alert.js';
export type { AlertSinkV1 } from './alert-sink/v1/alert-sink-v1.js';
export type {
  AssistantMessage,
  ChatMessage,
  SystemMessage,
  ToolMessage,
  UserMessage,
} from './chat/chat-message.js';
export type { ChatRequest, RoutingPriority } from './chat/chat-request.js';
export type { ChatResponse } from './chat/chat-response.js';
export type {
  ChatStreamPart,
  FinishPart,
  ReasoningDeltaPart,
  ResponseMetadataPart,
  TextDeltaPart,
  ToolCallDeltaPart,
  UsagePart,
} from './chat/chat-stream-part.js';
export type { ContentPart, ImagePart, TextPart } from './chat/content-part.js';
export type { FinishReason } from './chat/finish-reason.js';
export type { RequestMetadata } from './chat/request-metadata.js';
export type { ResponseFormat } from './chat/response-format.js';
export type { ChatTool, ToolCall, ToolChoice } from './chat/tool.js';
export type { Metric, MetricAttributes, MetricKind } from './collector/v1/metric.js';
export type { CollectorContext, MetricCollectorV1 } from './collector/v1/metric-collector-v1.js';
export type { EmbedRequest } from './embed/embed-request.js';
export type { EmbedResponse } from './embed/embed-response.js';
export type {
  AttemptEventBase,
  BudgetEvent,
  BudgetOverReservationEvent,
  CircuitEvent,
  KernelEventSource,
  KernelEvents,
  Operation,
  RequestEventBase,
} from './plugin/v1/kernel-events.js';
export type { LoomErrorLike } from './plugin/v1/loom-error-like.js';
export type { LoomPluginV1, PluginApi } from './plugin/v1/loom-plugin-v1.js';
export type {
  AttemptRecord,
  RequestContext,
  RequestFailure,
  RequestHooks,
  RequestResult,
} from './plugin/v1/request-hooks.js';
export type { PluginHost, PluginLogger } from './plugin-module/v1/plugin-host.js';
export type {
  PluginKind,
  PluginModuleV1,
  PluginProducts,
} from './plugin-module/v1/plugin-module-v1.js';
export type { CallContext } from './provider/v1/call-context.js';
export type { HealthReport, HealthStatus } from './provider/v1/health-report.js';
export type { LoadSignal } from './provider/v1/load-signal.js';
export type { ModelCapabilities, ModelInfo } from './provider/v1/model-info.js';
export type { ProviderStreamResult, ProviderType, ProviderV1 } from './provider/v1/provider-v1.js';
export type { Deployment, ModelAlias } from './routing/deployment.js';
export type { JSONObject, JSONValue, ProviderOptions } from './shared/json.js';
export type { Usage } from './shared/usage.js';
