/** One conformance check: a name for the test runner and a body that throws when it fails. */
export interface ConformanceCheck {
  /** What the check proves; used as the test name. */
  readonly name: string;
  /** Runs the check; rejects with an Error that says what is wrong and how to fix it. */
  run(): Promise<void>;
  /** How long the test runner should let the check take, in milliseconds. */
  readonly timeoutMs?: number;
}

/** A failed conformance check; its message names the broken rule. */
export class ConformanceError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConformanceError';
  }
}

/** Fails the check. */
export function fail(message: string): never {
  throw new ConformanceError(message);
}

/** Fails the check with `message` unless `condition` holds. */
export function expectThat(condition: unknown, message: string): asserts condition {
  if (!condition) fail(message);
}

/** A short description of anything thrown, for failure messages. */
export function describeError(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  let text: string;
  try {
    text = JSON.stringify(error) ?? String(error);
  } catch {
    text = String(error);
  }
  // Keeps a failure readable when the offending value is a whole response.
  return text.length > 400 ? `${text.slice(0, 400)}...` : text;
}

/** Waits `ms` milliseconds (checks use real timers: they run against real plugins). */
export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Calls `run`, turning a synchronous throw into a rejection. */
export function attempt<T>(run: () => PromiseLike<T>): Promise<T> {
  return new Promise<T>((resolve) => resolve(run()));
}

type Settled<T> = { status: 'fulfilled'; value: T } | { status: 'rejected'; reason: unknown };

/** How `promise` settled, or a failure when it has not settled within `ms`. */
export async function settleWithin<T>(
  promise: PromiseLike<T>,
  ms: number,
  what: string,
): Promise<Settled<T>> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), ms);
  });
  const settled = Promise.resolve(promise).then(
    (value): Settled<T> => ({ status: 'fulfilled', value }),
    (reason: unknown): Settled<T> => ({ status: 'rejected', reason }),
  );
  try {
    const result = await Promise.race([settled, timeout]);
    if (result === 'timeout') fail(`${what} did not settle within ${ms} ms.`);
    return result;
  } finally {
    clearTimeout(timer);
  }
}

/** The value of `promise`; fails when it rejects or takes longer than `ms`. */
export async function resolveWithin<T>(promise: PromiseLike<T>, ms: number, what: string) {
  const result = await settleWithin(promise, ms, what);
  if (result.status === 'rejected') fail(`${what} rejected: ${describeError(result.reason)}`);
  return result.value;
}

/** The rejection reason of `promise`; fails when it resolves or takes longer than `ms`. */
export async function rejectWithin(
  promise: PromiseLike<unknown>,
  ms: number,
  what: string,
): Promise<unknown> {
  const result = await settleWithin(promise, ms, what);
  if (result.status === 'fulfilled') fail(`${what} resolved, but it must reject.`);
  return result.reason;
}

/** Polls `condition` every 10 ms for up to `ms`; true once it holds. */
export async function waitUntil(
  condition: () => boolean | PromiseLike<boolean>,
  ms: number,
): Promise<boolean> {
  const deadline = Date.now() + ms;
  for (;;) {
    if (await condition()) return true;
    if (Date.now() >= deadline) return false;
    await delay(10);
  }
}

/** The part of a zod schema checks use, so this file needs no zod import of its own. */
interface Schema {
  safeParse(value: unknown): {
    success: boolean;
    error?: { issues: ReadonlyArray<{ path: ReadonlyArray<PropertyKey>; message: string }> };
  };
}

/** Fails unless `value` parses with `schema`, naming every bad path. */
export function parseWith(schema: Schema, value: unknown, what: string): void {
  const result = schema.safeParse(value);
  if (result.success) return;
  const issues = (result.error?.issues ?? [])
    .map((issue) => `${issue.path.map(String).join('.') || '(root)'}: ${issue.message}`)
    .join('; ');
  fail(`${what} does not match the contract (${issues}). Got ${describeError(value)}.`);
}

/** Fails when `usage.totalTokens` is not the sum of input and output tokens. */
export function expectConsistentUsage(
  usage: { inputTokens: number; outputTokens: number; totalTokens: number },
  what: string,
): void {
  expectThat(
    usage.totalTokens === usage.inputTokens + usage.outputTokens,
    `${what}: totalTokens (${usage.totalTokens}) must equal inputTokens + outputTokens (${usage.inputTokens} + ${usage.outputTokens}).`,
  );
}
