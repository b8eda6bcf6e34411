/** Where `startLoom` and the plugins it loads write what happens (reloads, their errors). Pino loggers fit. */
export interface RuntimeLog {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

/** The default: one line per message on stderr. */
export const stderrLog: RuntimeLog = {
  info: (message) => process.stderr.write(`loom: ${message}\n`),
  warn: (message) => process.stderr.write(`loom: warning: ${message}\n`),
  error: (message) => process.stderr.write(`loom: error: ${message}\n`),
};
