import { capEcho } from '../errors/cap-echo.js';
import { invalidRequest } from '../errors/gateway-error.js';
import { isContainer, type JsonStep, JsonWalk, spellPath } from './json-walk.js';

/** How deep a request body may nest objects and arrays; the body itself is level 1. */
export const MAX_NESTING_DEPTH = 400;

/** A container nested deeper than `limit` (its path when `trace`), or undefined. */
function findTooDeep(root: object, limit: number, trace: boolean): JsonStep | undefined {
  const walk = new JsonWalk(root, 1, trace);
  while (walk.next()) {
    const { value } = walk;
    const inner = walk.tag + 1;
    if (Array.isArray(value)) {
      for (let index = 0; index < value.length; index++) {
        const item: unknown = value[index];
        if (!isContainer(item)) continue;
        if (inner > limit) return walk.stepTo(index);
        walk.push(item, index, inner);
      }
      continue;
    }
    for (const key in value) {
      if (!Object.hasOwn(value, key)) continue;
      const item = value[key];
      if (!isContainer(item)) continue;
      if (inner > limit) return walk.stepTo(key);
      walk.push(item, key, inner);
    }
  }
  return undefined;
}

/**
 * Refuses a body that nests objects and arrays deeper than `limit` levels: 400 naming where it
 * got too deep. Every later walk of the body (the gateway's, a provider's, `JSON.stringify`)
 * can then recurse without fear for the stack.
 */
export function assertNestingDepth(body: unknown, limit = MAX_NESTING_DEPTH): void {
  if (!isContainer(body) || findTooDeep(body, limit, false) === undefined) return;
  const step = findTooDeep(body, limit, true);
  const path = step ? capEcho(spellPath(step)) : '';
  throw invalidRequest(
    `The request body nests objects and arrays more than ${limit} levels deep (at '${path}').`,
    path || null,
    'nesting_too_deep',
  );
}
