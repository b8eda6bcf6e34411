/**
 * Tags a host sets from the credential it authenticated (the gateway: the gateway key's name,
 * team and owner), never from the request body. Budgets with `scope: key`, `team` or `owner`
 * count by them, and ledger rows keep them with the request's other tags, so spend per key
 * reports and reseeds like any tag.
 */
export const CALLER_TAGS = { key: 'loom.key', team: 'loom.team', owner: 'loom.owner' } as const;
