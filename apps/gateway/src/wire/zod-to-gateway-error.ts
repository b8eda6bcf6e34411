import type { z } from 'zod';
import { capEcho } from '../errors/cap-echo.js';
import { type GatewayError, invalidRequest } from '../errors/gateway-error.js';

/** Dotted path of a zod issue (`messages.0.content`). */
export function issuePath(issue: z.core.$ZodIssue): string {
  return issue.path.map(String).join('.');
}

/** The field at fault, as the caller sent its name: capped, since a key may be 20 KB long. */
function describe(issue: z.core.$ZodIssue): { param: string; message: string } {
  const path = issuePath(issue);
  if (issue.code === 'unrecognized_keys') {
    const key = issue.keys[0] ?? '';
    const param = capEcho(path ? `${path}.${key}` : key);
    return { param, message: `Unrecognized or unsupported field '${param}'.` };
  }
  const param = capEcho(path);
  return {
    param,
    message: `Invalid value for '${param || 'body'}': ${capEcho(issue.message)}.`,
  };
}

/** The first zod issue as a 400 naming the field, in OpenAI's terms. */
export function zodToGatewayError(error: z.ZodError): GatewayError {
  const first = error.issues[0];
  if (!first) return invalidRequest('Invalid request body.', null);
  const { param, message } = describe(first);
  return invalidRequest(message, param || null);
}
