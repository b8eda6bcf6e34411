import { access, mkdir, writeFile } from 'node:fs/promises';
import { dirname, extname } from 'node:path';
import { createInterface } from 'node:readline/promises';
import { parse as parseYaml } from 'yaml';
import { builtinPackage } from '../plugins/builtin-plugins.js';
import { pluginFolders } from '../plugins/resolve-config-plugins.js';
import { missingPackages } from '../plugins/resolve-package.js';
import { initConfigText } from './init-config-text.js';
import { LOCAL_RUNTIMES } from './local-runtimes.js';
import {
  type Discovery,
  type DiscoveryOptions,
  discoverRuntimes,
  unrecognisedNote,
} from './probe-runtimes.js';

/** Flags of `loom init`. */
export interface InitFlags {
  /** The file to write; YAML with comments, or JSON (without them) when it ends in `.json`. */
  config: string;
  /** Overwrite the file when it exists. */
  force?: boolean;
  /** Write without asking, even at a terminal. */
  yes?: boolean;
}

/** Where `loom init` looks, reads answers and reports; the defaults are the real ones. */
export interface InitOptions extends DiscoveryOptions {
  /** Asked for confirmation only when this is a TTY; default `process.stdin`. */
  input?: NodeJS.ReadableStream & { isTTY?: boolean };
  /** The report; default `process.stdout`. */
  output?: NodeJS.WritableStream;
}

/** How `loom init` ended. */
export interface InitOutcome {
  /** 0 when the file was written, 1 when not (it exists and no `--force`, or the answer was no). */
  exitCode: 0 | 1;
  written: boolean;
  /** Why nothing was written, for stderr. */
  problem?: string;
  /** What was found; absent when init stopped before looking. */
  discovery?: Discovery;
}

const DEFAULT_FILE = 'loom.yaml';

function refusal(file: string): InitOutcome {
  return {
    exitCode: 1,
    written: false,
    problem: `${file} already exists; pass --force to overwrite it`,
  };
}

async function exists(file: string): Promise<boolean> {
  return access(file).then(
    () => true,
    () => false,
  );
}

function report(discovery: Discovery, origins: DiscoveryOptions['origins']): string[] {
  const lines = LOCAL_RUNTIMES.map((runtime) => {
    const found = discovery.runtimes.find((entry) => entry.runtime.id === runtime.id);
    if (!found) {
      const stranger = discovery.unrecognised.find((entry) => entry.runtime.id === runtime.id);
      if (stranger) return `  ${unrecognisedNote(stranger)}`;
      const origin = origins?.[runtime.id] ?? runtime.defaultOrigin;
      return `  not found  ${runtime.name} (${origin})`;
    }
    const models = found.models.length > 0 ? found.models.join(', ') : 'no models listed';
    return `  found      ${runtime.name} at ${found.origin}: ${models}`;
  });
  lines.push(
    discovery.openAIKey
      ? '  found      OPENAI_API_KEY in the environment'
      : '  not set    OPENAI_API_KEY',
  );
  if (discovery.runtimes.length === 0 && !discovery.openAIKey) {
    lines.push(
      '',
      'Nothing found. Start one of these, then run `loom init --force` again:',
      ...LOCAL_RUNTIMES.map((runtime) => `  ${`${runtime.name}:`.padEnd(20)}${runtime.startHint}`),
      `  ${'OpenAI:'.padEnd(20)}export OPENAI_API_KEY=...`,
      'The file written meanwhile points at Ollama and says in its header that it needs a provider.',
    );
  }
  return lines;
}

/** One line per provider and alias of the text about to be written. */
function summary(text: string): string[] {
  const config = parseYaml(text) as {
    providers: Array<{ id: string; type: string; baseURL: string }>;
    models?: Array<{ name: string; targets: string[] }>;
  };
  return [
    ...config.providers.map(
      (provider) => `  provider  ${provider.id} (${provider.type}, ${provider.baseURL})`,
    ),
    ...(config.models ?? []).map(
      (model) => `  alias     ${model.name} -> ${model.targets.join(', ')}`,
    ),
  ];
}

async function confirmed(
  file: string,
  input: NodeJS.ReadableStream,
  output: NodeJS.WritableStream,
): Promise<boolean> {
  const prompt = createInterface({ input, output });
  try {
    const answer = await prompt.question(`Write ${file}? [Y/n] `);
    return !/^\s*n/i.test(answer);
  } finally {
    prompt.close();
  }
}

/** Provider packages the written config names that are not installed where `loom serve` looks. */
function missingProviders(config: { providers?: { type?: string }[] }, file: string): string[] {
  const packages = (config.providers ?? []).flatMap(
    (entry) => builtinPackage('provider', entry.type ?? '') ?? [],
  );
  return missingPackages([...new Set(packages)], pluginFolders(file));
}

/**
 * `loom init`: looks for local model servers and `OPENAI_API_KEY`, says what it found and writes
 * a commented config for them. Never overwrites without `--force`. At a terminal it asks before
 * writing unless `--yes`; without one it writes, since a script has nobody to answer.
 */
export async function initCommand(
  flags: InitFlags,
  options: InitOptions = {},
): Promise<InitOutcome> {
  const file = flags.config;
  const input = options.input ?? process.stdin;
  const output = options.output ?? process.stdout;
  const say = (lines: string[]) => output.write(`${lines.join('\n')}\n`);
  // Before looking around: refusing after a second of probing would waste it.
  if (!flags.force && (await exists(file))) return refusal(file);

  say(['Looking for model servers on this machine...']);
  const discovery = await discoverRuntimes(options);
  const text = initConfigText(discovery);
  say([...report(discovery, options.origins), '', `${file} will hold:`, ...summary(text)]);

  if (!flags.yes && input.isTTY && !(await confirmed(file, input, output))) {
    return { exitCode: 1, written: false, problem: `nothing written to ${file}`, discovery };
  }
  const content =
    extname(file).toLowerCase() === '.json'
      ? `${JSON.stringify(parseYaml(text), null, 2)}\n`
      : text;
  await mkdir(dirname(file), { recursive: true });
  try {
    await writeFile(file, content, { flag: flags.force ? 'w' : 'wx' });
  } catch (error) {
    // Created by someone else while we were looking around.
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return { ...refusal(file), discovery };
    throw error;
  }
  const configFlag = file === DEFAULT_FILE ? '' : ` --config ${file}`;
  const missing = missingProviders(parseYaml(text), file);
  say([
    '',
    `Wrote ${file}. Next:`,
    ...(missing.length > 0
      ? [`  npm install ${missing.join(' ')}    # the providers it names`]
      : []),
    `  loom check${configFlag}`,
    `  loom serve${configFlag}    # http://127.0.0.1:4000/v1, dashboard at http://127.0.0.1:4000/`,
  ]);
  return { exitCode: 0, written: true, discovery };
}
