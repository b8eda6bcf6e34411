import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { type BenchResults, benchResultsSchema } from './results-schema.js';

/** A results file that cannot be read or does not match the schema; the message names the file. */
export class ResultsFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ResultsFileError';
  }
}

/** Checks a parsed results object; `source` names it in the error. */
export function parseResults(value: unknown, source: string): BenchResults {
  const parsed = benchResultsSchema.safeParse(value);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues
    .slice(0, 5)
    .map((issue) => `  ${issue.path.join('.') || '(root)'}: ${issue.message}`)
    .join('\n');
  throw new ResultsFileError(`${source} is not a @loom/bench results file:\n${problems}`);
}

/** Reads and validates a results file (for example a saved baseline). */
export async function readResults(file: string): Promise<BenchResults> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new ResultsFileError(`cannot read results file ${file}: ${(error as Error).message}`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new ResultsFileError(`${file} is not JSON: ${(error as Error).message}`);
  }
  return parseResults(value, file);
}

/** Writes results as pretty JSON, creating the folder. */
export async function writeResults(file: string, results: BenchResults): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, `${JSON.stringify(results, null, 2)}\n`);
}
