import type { RequestMetadata } from '@loom/core';
import { CALLER_TAGS } from '@loom/cost';
import { invalidRequest } from '../errors/gateway-error.js';
import type { GatewayKeyIdentity } from './api-keys.js';

const RESERVED = 'loom.';

/**
 * The request's metadata with the caller's tags (`CALLER_TAGS`: the gateway key's name, team and
 * owner) added, so budgets and reports count by who the gateway let in, not by what the body
 * says. A client's own `loom.`-prefixed tag is refused with a 400: otherwise a caller could pass
 * for another key.
 */
export function withCaller(
  metadata: RequestMetadata | undefined,
  caller: GatewayKeyIdentity | undefined,
): RequestMetadata | undefined {
  const tags = metadata?.tags;
  if (tags) {
    for (const name in tags) {
      if (name.startsWith(RESERVED)) {
        throw invalidRequest(
          `'metadata.${name}': keys starting with "${RESERVED}" are set by the gateway from the caller's key, not by the request.`,
          `metadata.${name}`,
          'reserved_metadata_key',
        );
      }
    }
  }
  if (!caller) return metadata;
  const own: Record<string, string> = { ...tags, [CALLER_TAGS.key]: caller.name };
  if (caller.team !== undefined) own[CALLER_TAGS.team] = caller.team;
  if (caller.owner !== undefined) own[CALLER_TAGS.owner] = caller.owner;
  return { ...metadata, tags: own };
}
