import { type ChatRound, chatPool, chatRound } from './chat-load.js';
import { type PollerFigures, startDashboardPoller } from './dashboard-poller.js';
import { largest, quantile, round2 } from './percentiles.js';

/** Chat figures of one mode (dashboard closed or open) over its rounds. */
export interface ModeFigures {
  /** Requests served, all rounds together. */
  served: number;
  failed: number;
  /** Served per round, in order. */
  servedPerRound: number[];
  p50Ms: number;
  p99Ms: number;
  /** The slowest served request of any round, ms. */
  slowestMs: number;
}

/** Chat with the dashboard closed against chat with it open, on one gateway and ledger. */
export interface ChatFigures {
  clients: number;
  secondsPerRound: number;
  closed: ModeFigures;
  open: ModeFigures;
  /** Served open / served closed, the median over adjacent pairs of rounds (target >= 0.9). */
  throughputRatio: number;
  /** Slowest open / slowest closed, the median over adjacent pairs of rounds (target <= 1.5). */
  slowestRatio: number;
  /** The dashboard poller of each open round, in order. */
  dashboard: PollerFigures[];
}

// Pairs of adjacent rounds, compared pair by pair: the machine's other work drifts over a run,
// and a median of pair ratios is not moved by one pair that a neighbour's burst landed on.
const PAIRS = 3;
const ORDER = Array.from({ length: PAIRS }, () => ['closed', 'open'] as const).flat();

function medianRatio(open: number[], closed: number[]): number {
  const ratios = open
    .map((value, index) => value / (closed[index] ?? 0))
    .filter(Number.isFinite)
    .sort((a, b) => a - b);
  return ratios.length === 0 ? 0 : round2(ratios[Math.floor(ratios.length / 2)] ?? 0);
}

function modeFigures(rounds: ChatRound[]): ModeFigures {
  const latencies = rounds.flatMap((round) => round.latenciesMs);
  return {
    served: rounds.reduce((sum, round) => sum + round.served, 0),
    failed: rounds.reduce((sum, round) => sum + round.failed, 0),
    servedPerRound: rounds.map((round) => round.served),
    p50Ms: quantile(latencies, 0.5),
    p99Ms: quantile(latencies, 0.99),
    slowestMs: largest(latencies),
  };
}

/**
 * An unmeasured warm-up, then pairs of rounds, closed then open. `log` gets one line per round.
 */
export async function measureChat(
  base: string,
  options: { clients: number; seconds: number; log: (line: string) => void },
): Promise<ChatFigures> {
  const pool = chatPool(base, options.clients);
  const roundMs = options.seconds * 1000;
  const rounds: Record<'closed' | 'open', ChatRound[]> = { closed: [], open: [] };
  const dashboard: PollerFigures[] = [];
  try {
    await chatRound(pool, options.clients, Math.min(2000, roundMs));
    for (const mode of ORDER) {
      // Collected before each round, so one round's garbage is not the next round's pause.
      globalThis.gc?.();
      const poller = mode === 'open' ? startDashboardPoller(base) : undefined;
      const round = await chatRound(pool, options.clients, roundMs);
      if (poller) dashboard.push(await poller.stop());
      rounds[mode].push(round);
      const polled = poller ? `, ${dashboard.at(-1)?.polls} polls` : '';
      options.log(
        `    ${mode.padEnd(6)} ${round.served} served, ${round.failed} failed, slowest ` +
          `${largest(round.latenciesMs)} ms${polled}`,
      );
    }
  } finally {
    await pool.close();
  }
  const closed = modeFigures(rounds.closed);
  const open = modeFigures(rounds.open);
  return {
    clients: options.clients,
    secondsPerRound: options.seconds,
    closed,
    open,
    throughputRatio: medianRatio(open.servedPerRound, closed.servedPerRound),
    slowestRatio: medianRatio(
      rounds.open.map((round) => largest(round.latenciesMs)),
      rounds.closed.map((round) => largest(round.latenciesMs)),
    ),
    dashboard,
  };
}
