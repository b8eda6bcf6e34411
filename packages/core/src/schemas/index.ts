export {
  chatMessageSchema,
  chatRequestSchema,
  chatToolSchema,
  embedRequestSchema,
  imagePartSchema,
  requestMetadataSchema,
  responseFormatSchema,
  textPartSchema,
  toolCallSchema,
  toolChoiceSchema,
} from './chat-request-schema.js';
export {
  alertSchema,
  chatResponseSchema,
  chatStreamPartSchema,
  embedResponseSchema,
  finishReasonSchema,
  healthReportSchema,
  metricSchema,
  modelCapabilitiesSchema,
  modelInfoSchema,
  usageSchema,
} from './response-schemas.js';
export { validate } from './validate.js';
