import { redactSecrets } from '@loom/core';
import type { z } from 'zod';
import type { ConfigIssue } from './config-error.js';

/** The offending value for a message: redacted and short, since it may come from `${ENV}`. */
function shown(input: unknown): string {
  const text = redactSecrets(JSON.stringify(input) ?? 'nothing');
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/** One zod issue in words: what was expected, and what was found. */
export function describeIssue(issue: z.core.$ZodIssue): string {
  const got = 'input' in issue ? `, got ${shown(issue.input)}` : '';
  switch (issue.code) {
    case 'invalid_value':
      return `expected one of ${issue.values.map(String).join('|')}${got}`;
    case 'invalid_type':
      return issue.input === undefined
        ? `required: expected ${issue.expected}`
        : `expected ${issue.expected}${got}`;
    case 'unrecognized_keys':
      return `unknown key ${issue.keys.map((key) => `"${key}"`).join(', ')}`;
    default:
      return issue.message;
  }
}

/** Zod issues as config issues, their paths under `prefix` (`providers.1`). */
export function toConfigIssues(issues: readonly z.core.$ZodIssue[], prefix = ''): ConfigIssue[] {
  return issues.map((issue) => ({
    path: [prefix, ...issue.path.map(String)].filter((part) => part !== '').join('.'),
    message: describeIssue(issue),
  }));
}
