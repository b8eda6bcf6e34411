import type { Fault, FaultRule } from '../simulated-upstream.js';

/** The header a test sets to choose a fault for one request. */
export const SIMULATE_HEADER = 'x-loom-simulate';

const STREAM_FAULTS = new Set<Fault['type']>(['stall', 'cut', 'malformed', 'in-band-error']);

/** True for faults that only make sense inside a streamed body. */
export function isStreamFault(fault: Fault): boolean {
  return STREAM_FAULTS.has(fault.type);
}

/** What a fault is matched against. */
export interface FaultTarget {
  path: string;
  model: string | undefined;
  /** Whether the answer will be streamed; stream faults skip other requests. */
  streamed: boolean;
}

interface LiveRule {
  rule: FaultRule;
  remaining: number;
}

/**
 * The fault rules of one simulator, checked in insertion order. A stream fault never matches a
 * non-streamed request, so "cut the next stream" is not used up by an unrelated call.
 */
export class FaultRules {
  private rules: LiveRule[] = [];

  add(rule: FaultRule): void {
    this.rules.push({ rule, remaining: rule.times ?? Number.POSITIVE_INFINITY });
  }

  clear(): void {
    this.rules = [];
  }

  /** The fault for this request, using up one of its rule's `times`. */
  take(target: FaultTarget): Fault | undefined {
    const live = this.rules.find(({ rule, remaining }) => remaining > 0 && matches(rule, target));
    if (!live) return undefined;
    live.remaining -= 1;
    return live.rule.fault;
  }
}

function matches(rule: FaultRule, target: FaultTarget): boolean {
  if (rule.path !== undefined && rule.path !== target.path) return false;
  if (rule.model !== undefined && rule.model !== target.model) return false;
  return target.streamed || !isStreamFault(rule.fault);
}

const FAULT_TYPES = new Set<string>([
  'status',
  'reset',
  'hang',
  'stall',
  'cut',
  'malformed',
  'in-band-error',
  'delay',
]);

/**
 * Reads the per-request fault header. Returns `undefined` without the header, the fault when it
 * is a JSON fault, or an Error naming the problem so the server can answer 400.
 */
export function faultFromHeader(value: string | string[] | undefined): Fault | Error | undefined {
  if (value === undefined) return undefined;
  const text = Array.isArray(value) ? value[0] : value;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text ?? '');
  } catch {
    return new Error(`${SIMULATE_HEADER} is not JSON: ${text}`);
  }
  const type = (parsed as { type?: unknown } | null)?.type;
  if (typeof type !== 'string' || !FAULT_TYPES.has(type)) {
    return new Error(`${SIMULATE_HEADER} has no known fault type: ${text}`);
  }
  return parsed as Fault;
}
