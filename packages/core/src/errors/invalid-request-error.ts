import { hasMarker, LoomError } from './loom-error.js';

const marker = Symbol.for('loom.error.invalid_request');

/** One problem in a request: where (`messages.0.content`) and what. */
export interface RequestIssue {
  /** Dotted path into the request. */
  path: string;
  /** What was expected there. */
  message: string;
}

/** The request is malformed; no provider was called. Never retried. */
export class InvalidRequestError extends LoomError {
  readonly [marker] = true;
  readonly issues: readonly RequestIssue[];

  constructor(options: { issues: readonly RequestIssue[]; message?: string; provider?: string }) {
    const first = options.issues[0];
    const summary = first ? `${first.path || '(root)'}: ${first.message}` : 'invalid request';
    const more = options.issues.length > 1 ? ` (and ${options.issues.length - 1} more)` : '';
    super({
      code: 'invalid_request',
      statusCode: 400,
      message:
        options.message ??
        `Invalid request at ${summary}${more}. Fix the request and send it again.`,
      ...(options.provider === undefined ? {} : { provider: options.provider }),
    });
    this.name = 'InvalidRequestError';
    this.issues = options.issues;
  }

  static override isInstance(error: unknown): error is InvalidRequestError {
    return hasMarker(error, marker);
  }
}
