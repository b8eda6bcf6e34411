/** Length of a budget window; calendar-aligned in the budget's time zone. */
export type BudgetWindow = 'total' | 'hour' | 'day' | 'week' | 'month';

/** The window a moment falls in. */
export interface WindowSpan {
  /** Id of the window, part of the counter key: a new id is a reset (`2026-03-08`, `2026-03`). */
  id: string;
  /** When this window started, epoch milliseconds; `-Infinity` for `total`. */
  startsAt: number;
  /** When the next window starts, epoch milliseconds; `Infinity` for `total`. */
  endsAt: number;
}

interface LocalTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  weekday: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();
const WEEKDAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];

function formatter(timeZone: string): Intl.DateTimeFormat {
  let format = formatters.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
      weekday: 'short',
    });
    formatters.set(timeZone, format);
  }
  return format;
}

/** Throws a RangeError unless `timeZone` is an IANA zone this runtime knows. */
export function assertTimeZone(timeZone: string): void {
  formatter(timeZone);
}

function localTime(time: number, timeZone: string): LocalTime {
  const fields: Record<string, string> = {};
  for (const part of formatter(timeZone).formatToParts(time)) fields[part.type] = part.value;
  return {
    year: Number(fields.year),
    month: Number(fields.month),
    day: Number(fields.day),
    hour: Number(fields.hour),
    minute: Number(fields.minute),
    second: Number(fields.second),
    weekday: WEEKDAYS.indexOf(fields.weekday ?? 'Mon'),
  };
}

function offsetAt(time: number, timeZone: string): number {
  const local = localTime(time, timeZone);
  const asUtc = Date.UTC(
    local.year,
    local.month - 1,
    local.day,
    local.hour,
    local.minute,
    local.second,
  );
  return asUtc - Math.floor(time / 1000) * 1000;
}

/** The instant a local date's midnight happens in `timeZone` (month and day may overflow). */
export function localMidnight(year: number, month: number, day: number, timeZone: string): number {
  const guess = Date.UTC(year, month - 1, day);
  // Two rounds settle the offset even when the guess lands on the other side of a DST change.
  const first = guess - offsetAt(guess, timeZone);
  return guess - offsetAt(first, timeZone);
}

function pad(value: number, width = 2): string {
  return String(value).padStart(width, '0');
}

function dateId(year: number, month: number, day: number): string {
  const date = new Date(Date.UTC(year, month - 1, day));
  return `${date.getUTCFullYear()}-${pad(date.getUTCMonth() + 1)}-${pad(date.getUTCDate())}`;
}

// Formatting dates in a zone costs microseconds; a window is reused until it ends.
const lastSpans = new Map<string, WindowSpan>();

/** The window `time` falls in, in `timeZone`. */
export function windowAt(time: number, window: BudgetWindow, timeZone: string): WindowSpan {
  if (window === 'total')
    return { id: 'total', startsAt: Number.NEGATIVE_INFINITY, endsAt: Number.POSITIVE_INFINITY };
  const cacheKey = `${window}|${timeZone}`;
  const cached = lastSpans.get(cacheKey);
  if (cached && cached.startsAt <= time && time < cached.endsAt)
    return { id: cached.id, startsAt: cached.startsAt, endsAt: cached.endsAt };
  const span = computeWindow(time, window, timeZone);
  lastSpans.set(cacheKey, span);
  return { id: span.id, startsAt: span.startsAt, endsAt: span.endsAt };
}

function computeWindow(
  time: number,
  window: Exclude<BudgetWindow, 'total'>,
  timeZone: string,
): WindowSpan {
  const local = localTime(time, timeZone);
  const { year, month, day } = local;
  switch (window) {
    case 'hour': {
      // The offset is in the id so the repeated hour of a DST fall-back is a window of its own.
      const offset = offsetAt(time, timeZone) / 60_000;
      const startsAt = Math.floor(time / 1000) * 1000 - (local.minute * 60 + local.second) * 1000;
      const id = `${dateId(year, month, day)}T${pad(local.hour)}${offset >= 0 ? '+' : ''}${offset}`;
      return { id, startsAt, endsAt: startsAt + 3_600_000 };
    }
    case 'day':
      return {
        id: dateId(year, month, day),
        startsAt: localMidnight(year, month, day, timeZone),
        endsAt: localMidnight(year, month, day + 1, timeZone),
      };
    case 'week': {
      const monday = day - local.weekday;
      return {
        id: `week-of-${dateId(year, month, monday)}`,
        startsAt: localMidnight(year, month, monday, timeZone),
        endsAt: localMidnight(year, month, monday + 7, timeZone),
      };
    }
    case 'month':
      return {
        id: `${year}-${pad(month)}`,
        startsAt: localMidnight(year, month, 1, timeZone),
        endsAt: localMidnight(year, month + 1, 1, timeZone),
      };
  }
}
