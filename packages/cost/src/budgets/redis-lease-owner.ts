import type { Redis } from 'ioredis';
import { currentProcess, type ProcessIdentity, processAlive } from './process-identity.js';
import { RELEASE_OWNER_SCRIPT } from './redis-budget-scripts.js';
import { runScript } from './redis-connection.js';

/** The process that holds a lease: host name, pid space, pid and start (`process-identity.ts`). */
export type LeaseOwner = ProcessIdentity;

/** This process. */
export const currentLeaseOwner = (): LeaseOwner => currentProcess();

export const ownerId = (owner: LeaseOwner): string =>
  JSON.stringify([owner.host, owner.space, owner.pid, owner.start]);

function parseOwnerId(id: string): LeaseOwner | undefined {
  try {
    const [host, space, pid, start] = JSON.parse(id) as unknown[];
    if (typeof host !== 'string' || typeof space !== 'string' || typeof start !== 'string')
      return undefined;
    return Number.isSafeInteger(pid) ? { host, space, pid: pid as number, start } : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Whether `owner` is certainly gone, judged by `self`: only an owner in the same pid space can
 * be judged (containers sharing a host name must never judge each other's pids); anything in
 * doubt counts as alive, and its lease still expires.
 */
export function ownerIsGone(
  owner: LeaseOwner,
  self: LeaseOwner,
  alive: (pid: number, start: string) => boolean = processAlive,
): boolean {
  return owner.space === self.space && !alive(owner.pid, owner.start);
}

export const ownerKey = (prefix: string, owner: LeaseOwner) => `${prefix}owner:${ownerId(owner)}`;
export const hostKey = (prefix: string, owner: LeaseOwner) => `${prefix}host:${owner.host}`;

/**
 * Releases the reservations of the dead processes on this host, atomically per batch of leases;
 * replies the micro-dollars released. Safe to run from several processes at once.
 */
export async function releaseDeadOwners(
  client: Redis,
  prefix: string,
  self: LeaseOwner,
  alive?: (pid: number, start: string) => boolean,
): Promise<number> {
  const hosts = hostKey(prefix, self);
  let released = 0;
  for (const id of await client.smembers(hosts)) {
    const owner = parseOwnerId(id);
    if (!owner || !ownerIsGone(owner, self, alive)) continue;
    const leases = ownerKey(prefix, owner);
    const members = await client.smembers(leases);
    // Forgets an owner whose leases all ended on their own, too.
    for (let start = 0; start === 0 || start < members.length; start += 256) {
      const batch = members.slice(start, start + 256).map((member) => {
        const split = member.indexOf('\n');
        return { holder: member.slice(0, split), counter: member.slice(split + 1) };
      });
      const keys = batch.flatMap(({ counter }) => [counter, `${counter}:leases`]);
      const holders = batch.map(({ holder }) => holder);
      released += Number(
        await runScript(client, RELEASE_OWNER_SCRIPT, [leases, hosts, ...keys], [id, ...holders]),
      );
    }
  }
  return released;
}
