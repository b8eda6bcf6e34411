import type { z } from 'zod';
import { InvalidRequestError } from '../errors/invalid-request-error.js';

/** Parses `value` with `schema`, or throws an `InvalidRequestError` naming every bad path. */
export function validate<T extends z.ZodType>(schema: T, value: unknown): z.output<T> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  throw new InvalidRequestError({
    issues: result.error.issues.map((issue) => ({
      path: issue.path.map(String).join('.'),
      message: issue.message,
    })),
  });
}
