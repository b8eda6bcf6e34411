import type { Deployment, RequestMetadata } from '@loom/core';
import type { Budget } from './budget-config.js';
import { CALLER_TAGS } from './caller-tags.js';

/**
 * The counter scope of a budget for a request served by `deployment` (`global`,
 * `provider:openai`, `tag:team=search`), or undefined when the budget does not apply to it.
 * Caller scopes count under their tag (`key` as `tag:loom.key=<name>`), so a counter reseeds from
 * the ledger like a tag's. A `user` budget with no user given counts the request under its
 * caller's key: leaving `user` out does not step around it.
 */
export function scopeKeyOf(
  budget: Budget,
  deployment: Deployment,
  metadata: RequestMetadata | undefined,
): string | undefined {
  const tag = callerTag(budget.scope);
  if (tag !== undefined) return tagScope(budget, tag, metadata);
  const value = scopeValue(budget, deployment, metadata);
  if (value === undefined) {
    const key = metadata?.tags?.[CALLER_TAGS.key];
    if (budget.scope !== 'user' || key === undefined || budget.match !== undefined)
      return undefined;
    return `tag:${CALLER_TAGS.key}=${key}`;
  }
  if (budget.match !== undefined && value !== budget.match) return undefined;
  if (budget.scope === 'global') return 'global';
  if (budget.scope.startsWith('tag:')) return `${budget.scope}=${value}`;
  return `${budget.scope}:${value}`;
}

function callerTag(scope: Budget['scope']): string | undefined {
  if (scope === 'key' || scope === 'team' || scope === 'owner') return CALLER_TAGS[scope];
  return undefined;
}

function tagScope(
  budget: Budget,
  tag: string,
  metadata: RequestMetadata | undefined,
): string | undefined {
  const value = metadata?.tags?.[tag];
  if (value === undefined) return undefined;
  if (budget.match !== undefined && value !== budget.match) return undefined;
  return `tag:${tag}=${value}`;
}

function scopeValue(
  budget: Budget,
  deployment: Deployment,
  metadata: RequestMetadata | undefined,
): string | undefined {
  switch (budget.scope) {
    case 'global':
      return budget.match ?? 'global';
    case 'provider':
      return deployment.providerId;
    case 'model':
      return deployment.model;
    case 'session':
      return metadata?.sessionId;
    case 'user':
      return metadata?.user;
    default:
      return metadata?.tags?.[budget.scope.slice(4)];
  }
}

/** Whether a budget's counter depends on which deployment serves the request. */
export function dependsOnDeployment(budget: Budget): boolean {
  return budget.scope === 'provider' || budget.scope === 'model';
}

/** The counter key: budget, scope and window. A new window id is a reset. */
export function counterKeyOf(budget: Budget, scopeKey: string, windowId: string): string {
  return `${budget.name}|${scopeKey}|${windowId}`;
}
