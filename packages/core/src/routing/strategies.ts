import type { Deployment } from '../spec/routing/deployment.js';
import type { DeploymentState } from './deployment-state.js';

/** Names of the built-in strategies. */
export type StrategyName =
  | 'balanced'
  | 'latency'
  | 'cost'
  | 'least-busy'
  | 'weighted'
  | 'round-robin'
  | 'priority';

/** Orders candidates best first. `state` gives what the router knows of each. */
export type Strategy = (
  candidates: readonly Deployment[],
  state: (deployment: Deployment) => DeploymentState,
  key: string,
) => Deployment[];

const price = (d: Deployment) =>
  d.costPerMillionTokens
    ? d.costPerMillionTokens.input + 3 * d.costPerMillionTokens.output
    : undefined;
const busy = (s: DeploymentState) =>
  s.inFlight + (s.load?.waiting ?? 0) + 0.5 * (s.load?.running ?? 0);

function sortBy(candidates: readonly Deployment[], score: (d: Deployment) => number): Deployment[] {
  // Random tie-break, so equal candidates share load instead of the first one taking all of it.
  return candidates
    .map((deployment) => ({ deployment, score: score(deployment), tie: Math.random() }))
    .sort((a, b) => a.score - b.score || a.tie - b.tie)
    .map((entry) => entry.deployment);
}

// Candidate lists are the resolver's frozen arrays, so the ordering is computed once per list.
const byPriority = new WeakMap<readonly Deployment[], Deployment[]>();
const priority: Strategy = (candidates) => {
  let ordered = byPriority.get(candidates);
  if (!ordered) {
    ordered = candidates
      .map((deployment, index) => ({ deployment, index }))
      .sort(
        (a, b) => (a.deployment.priority ?? 0) - (b.deployment.priority ?? 0) || a.index - b.index,
      )
      .map((entry) => entry.deployment);
    byPriority.set(candidates, ordered);
  }
  return ordered;
};

const counters = new WeakMap<object, Map<string, number>>();
function roundRobinFor(owner: object): Strategy {
  return (candidates, _state, key) => {
    let perKey = counters.get(owner);
    if (!perKey) {
      perKey = new Map();
      counters.set(owner, perKey);
    }
    const start = perKey.get(key) ?? 0;
    perKey.set(key, start + 1);
    const offset = start % candidates.length;
    return [...candidates.slice(offset), ...candidates.slice(0, offset)];
  };
}

/** Weighted random order (Efraimidis–Spirakis keys): share of first picks follows the weights. */
const weighted: Strategy = (candidates) =>
  candidates
    .map((deployment) => ({
      deployment,
      key: Math.random() ** (1 / Math.max(deployment.weight ?? 1, 1e-9)),
    }))
    .sort((a, b) => b.key - a.key)
    .map((entry) => entry.deployment);

/**
 * Peak-EWMA latency (time to first chunk for streams weighs in) times load, with the power of two
 * choices: the better of two random candidates goes first, which avoids herding on the fastest.
 */
const latency: Strategy = (candidates, state) => {
  const cost = (d: Deployment) => {
    const s = state(d);
    const expected = Math.max(s.latency.value ?? 0, s.firstChunk.value ?? 0) || 1;
    return expected * (s.inFlight + 1);
  };
  if (candidates.length < 3) return sortBy(candidates, cost);
  const a = Math.floor(Math.random() * candidates.length);
  let b = Math.floor(Math.random() * (candidates.length - 1));
  if (b >= a) b += 1;
  const first = cost(candidates[a]!) <= cost(candidates[b]!) ? candidates[a]! : candidates[b]!;
  return [
    first,
    ...sortBy(
      candidates.filter((d) => d !== first),
      cost,
    ),
  ];
};

/** Cheapest priced first (local runtimes at 0 lead); unpriced ones after every priced one. */
const cost: Strategy = (candidates) =>
  sortBy(candidates, (d) => price(d) ?? Number.POSITIVE_INFINITY);

/** Fewest in-flight requests plus the upstream's own queue (vLLM's waiting requests). */
const leastBusy: Strategy = (candidates, state) => sortBy(candidates, (d) => busy(state(d)));

/**
 * The balanced score (lower is better): health × (0.5 × latency + 0.3 × price + 0.2 × load), each
 * term relative to the best candidate (1 = best; unknown = 1), health = 1 + 2 × failure rate.
 */
export function balancedScores(
  candidates: readonly Deployment[],
  state: (deployment: Deployment) => DeploymentState,
): Map<Deployment, number> {
  const latencyOf = (s: DeploymentState) => s.latency.value;
  const known = (values: Array<number | undefined>) =>
    values.filter((v): v is number => v !== undefined);
  const bestLatency = Math.min(
    ...known(candidates.map((d) => latencyOf(state(d)))),
    Number.POSITIVE_INFINITY,
  );
  const bestPrice = Math.min(...known(candidates.map(price)), Number.POSITIVE_INFINITY);
  const relative = (value: number | undefined, best: number) => {
    if (value === undefined || !Number.isFinite(best)) return 1;
    if (best === 0) return value === 0 ? 1 : 2;
    return value / best;
  };
  const scores = new Map<Deployment, number>();
  for (const d of candidates) {
    const s = state(d);
    const health = 1 + 2 * (1 - s.successRate());
    const load = 1 + busy(s) / 10;
    scores.set(
      d,
      health *
        (0.5 * relative(latencyOf(s), bestLatency) +
          0.3 * relative(price(d), bestPrice) +
          0.2 * load),
    );
  }
  return scores;
}

const balanced: Strategy = (candidates, state) => {
  const scores = balancedScores(candidates, state);
  return sortBy(candidates, (d) => scores.get(d) ?? 1);
};

/** The strategies, bound to one router (round-robin keeps its counters per router). */
export function strategiesFor(owner: object): Record<StrategyName, Strategy> {
  return {
    balanced,
    latency,
    cost,
    'least-busy': leastBusy,
    weighted,
    'round-robin': roundRobinFor(owner),
    priority,
  };
}
