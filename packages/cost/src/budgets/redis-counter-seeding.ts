import type { Redis } from 'ioredis';
import { SEED_SCRIPT } from './redis-budget-scripts.js';
import { runScript } from './redis-connection.js';
import type { CounterSeeder } from './redis-ledger-seeder.js';

/** A counter a script touches: its key and when it may be forgotten (epoch ms). */
export interface SeedTarget {
  key: string;
  expiresAt: number;
}

type Reply = Array<number | string>;

/**
 * Seeds counters that are missing in Redis from the ledger. Each seed stores its epoch, the
 * wall-clock time its ledger read began: spend pushed after an outage is added only when it was
 * settled at or after it (its ledger row may be in the read otherwise).
 */
export class CounterSeeding {
  private readonly running = new Map<string, Promise<void>>();
  readonly flag: '1' | '0';

  constructor(
    private readonly client: Redis,
    private readonly prefix: string,
    private readonly seeder: CounterSeeder | undefined,
    private readonly expireAt: (at: number) => string,
  ) {
    this.flag = seeder ? '1' : '0';
  }

  /** Runs a script; when it reports missing counters, seeds them and runs it again. */
  async run(
    targets: readonly SeedTarget[],
    script: (seeding: '1' | '0') => Promise<unknown>,
  ): Promise<Reply> {
    // A counter could expire between seeding and the rerun; after two rounds, count from zero.
    for (let round = 0; round < 3; round += 1) {
      const reply = (await script(round < 2 ? this.flag : '0')) as Reply;
      if (reply[0] !== 2) return reply;
      const missing = reply.slice(1).map((index) => targets[Number(index) - 1]);
      await Promise.all(missing.map((target) => target && this.once(target)));
    }
    throw new Error('unreachable: the last round runs without seeding');
  }

  // Concurrent requests on this node share one ledger query per missing counter.
  private once(target: SeedTarget): Promise<void> {
    let running = this.running.get(target.key);
    if (!running) {
      running = this.seed(target).finally(() => this.running.delete(target.key));
      this.running.set(target.key, running);
    }
    return running;
  }

  private async seed(target: SeedTarget): Promise<void> {
    const epoch = Date.now();
    const spent = (await this.seeder?.(target.key)) ?? 0;
    await runScript(
      this.client,
      SEED_SCRIPT,
      [this.prefix + target.key],
      [Math.max(0, Math.round(spent)), this.expireAt(target.expiresAt), epoch],
    );
  }
}
