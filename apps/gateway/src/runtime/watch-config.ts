import { type StatsListener, unwatchFile, watchFile } from 'node:fs';

/** Options of `watchConfigFile`. */
export interface WatchOptions {
  /** How often the file's modification time is checked, ms; default 1 000. */
  intervalMs?: number;
  /** Quiet time after the last change before reloading, ms; default 300. */
  debounceMs?: number;
}

/**
 * Calls `onChange` once the config file has changed and stayed quiet for `debounceMs`. Polls the
 * file's stat rather than using `fs.watch`: editors that save by writing a new file and renaming
 * it over the old one (vim, many IDEs) would end an inode watch. Returns the stop function.
 */
export function watchConfigFile(
  file: string,
  onChange: () => void,
  options: WatchOptions = {},
): () => void {
  let timer: NodeJS.Timeout | undefined;
  const listener: StatsListener = (current, previous) => {
    if (current.mtimeMs === previous.mtimeMs && current.size === previous.size) return;
    if (timer) clearTimeout(timer);
    timer = setTimeout(onChange, options.debounceMs ?? 300);
    timer.unref();
  };
  watchFile(file, { interval: options.intervalMs ?? 1_000, persistent: false }, listener);
  return () => {
    if (timer) clearTimeout(timer);
    unwatchFile(file, listener);
  };
}
