/**
 * Who and what a request is for. Loom never sends it upstream unless a provider documents that it
 * does; cost budgets, session metrics and reports group by it.
 */
export interface RequestMetadata {
  /** Conversation or session the request belongs to. */
  sessionId?: string;
  /** End user the request is made for. */
  user?: string;
  /** Free-form labels such as `{ team: 'search', env: 'prod' }`; budgets can be scoped by tag. */
  tags?: Record<string, string>;
}
