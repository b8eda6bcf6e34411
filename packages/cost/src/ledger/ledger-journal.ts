import {
  closeSync,
  fstatSync,
  ftruncateSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { hostname } from 'node:os';
import { basename, dirname, join } from 'node:path';
import type { CostRecord } from './cost-record.js';

/**
 * An append-only file of cost records, one JSON line each, written with one `write` per append
 * and no fsync: like SQLite's WAL with `synchronous = NORMAL`, a record survives the process
 * being killed the moment `append` returns, and only an OS crash can lose the tail. It costs a
 * few microseconds where a SQLite commit cost 15-40.
 */
export interface LedgerJournal {
  readonly path: string;
  append(records: readonly CostRecord[]): void;
  /** Empties the file once every record in it is stored elsewhere. */
  reset(): void;
  /** Closes the file, and deletes it when empty; one that still holds records is kept. */
  close(): void;
}

// `<database file>.journal-<host>-<pid>-<n>`: one per open ledger, so two gateways on one
// file (or two kernels in one process) never truncate each other's journal, and host and pid tell
// whether the writer of one left behind is gone.
const PREFIX = (databasePath: string) => `${basename(databasePath)}.journal-`;
const SUFFIX = /^(.+)-(\d+)-(\d+)$/;
// Journals this process has open: any other with its pid was left by a previous life.
const openHere = new Set<string>();
let opened = 0;

/** A new journal file name for a database file, unique to this open. */
export function journalPathFor(databasePath: string): string {
  opened += 1;
  return join(
    dirname(databasePath),
    `${PREFIX(databasePath)}${hostname()}-${process.pid}-${opened}`,
  );
}

/** Opens (appending to) the journal file at `path`. */
export function openLedgerJournal(path: string): LedgerJournal {
  const fd = openSync(path, 'a');
  openHere.add(path);
  let open = true;
  // Only this process writes the file (its name holds the pid), so its length is known here.
  let size = fstatSync(fd).size;
  return {
    path,
    append(records) {
      let text = '';
      for (const record of records) text += `${JSON.stringify(record)}\n`;
      const bytes = Buffer.from(text, 'utf8');
      try {
        writeFully(fd, bytes);
      } catch (error) {
        // A half-written line (a full disk) would corrupt the next one appended after it.
        ftruncateSync(fd, size);
        throw error;
      }
      size += bytes.length;
    },
    reset() {
      if (!open || size === 0) return;
      // O_APPEND: the next write lands at the new end, offset 0.
      ftruncateSync(fd);
      size = 0;
    },
    close() {
      if (!open) return;
      open = false;
      openHere.delete(path);
      closeSync(fd);
      if (size === 0) unlinkSync(path);
    },
  };
}

function writeFully(fd: number, bytes: Buffer): void {
  let offset = 0;
  while (offset < bytes.length) offset += writeSync(fd, bytes, offset);
}

/** What a left-behind journal held. */
export interface RecoveredJournal {
  path: string;
  records: CostRecord[];
  /**
   * Complete lines that were not records: the file was damaged. (A write the crash cut short
   * leaves a last line without its newline; its `append` never returned, so no request that
   * finished had its record there, and it is dropped without counting.)
   */
  badLines: number;
}

/**
 * Journals beside `databasePath` left by writers that are gone: this host's whose process no
 * longer runs, or that this process once had open before it restarted with the same pid. Other
 * hosts' journals are left to their own host, which can tell whether their writer still runs.
 */
export function orphanedJournals(databasePath: string): string[] {
  const directory = dirname(databasePath);
  const prefix = PREFIX(databasePath);
  let names: string[];
  try {
    names = readdirSync(directory);
  } catch {
    return [];
  }
  const orphans: string[] = [];
  for (const name of names) {
    const match = name.startsWith(prefix) ? SUFFIX.exec(name.slice(prefix.length)) : null;
    if (!match || match[1] !== hostname()) continue;
    const path = join(directory, name);
    const pid = Number(match[2]);
    if (pid === process.pid ? !openHere.has(path) : !isRunning(pid)) orphans.push(path);
  }
  return orphans;
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it runs, as another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Reads a journal's records; lines that do not parse as records are counted, not thrown. */
export function readJournal(path: string): RecoveredJournal {
  const records: CostRecord[] = [];
  let badLines = 0;
  const lines = readFileSync(path, 'utf8').split('\n');
  // The text after the last newline: empty, or a write the crash cut short.
  lines.pop();
  for (const line of lines) {
    if (line === '') continue;
    const record = parseRecord(line);
    if (record) records.push(record);
    else badLines += 1;
  }
  return { path, records, badLines };
}

function parseRecord(line: string): CostRecord | undefined {
  try {
    const value = JSON.parse(line) as Partial<CostRecord> | null;
    if (
      typeof value === 'object' &&
      value !== null &&
      typeof value.id === 'string' &&
      typeof value.time === 'number' &&
      typeof value.costMicros === 'number'
    )
      return value as CostRecord;
  } catch {}
  return undefined;
}

/**
 * Done with a recovered journal whose records are stored: deleted, or, when some lines did not
 * parse, kept aside as `<path>.bad` for a person to read rather than thrown away.
 */
export function retireJournal(journal: RecoveredJournal): void {
  if (journal.badLines > 0) renameSync(journal.path, `${journal.path}.bad`);
  else unlinkSync(journal.path);
}
