import { isDeepStrictEqual } from 'node:util';
import { parse as parseYaml } from 'yaml';
import {
  LOCAL_RUNTIMES,
  type LocalRuntime,
  OPENAI_CHAT_MODEL,
  OPENAI_EMBEDDING_MODEL,
} from './local-runtimes.js';
import { type Discovery, type FoundRuntime, unrecognisedNote } from './probe-runtimes.js';

const OPENAI_ENTRY = {
  id: 'openai',
  type: 'openai',
  // Written out so that an OPENAI_BASE_URL in the environment cannot send this key elsewhere.
  baseURL: 'https://api.openai.com/v1',
  apiKey: `\${OPENAI_API_KEY}`,
};

/** Runtimes list embedding models next to chat models; an alias must not mix the two. */
const EMBEDDING_MODEL = /embed|bge|minilm|rerank|(^|[^a-z])e5[-_]/i;

/** Models named in a comment or as commented-out targets before the rest is summed up. */
const LISTED_MODELS = 6;

/**
 * The optional sections `loom init` writes commented out, as YAML that validates once
 * uncommented (a test holds it to that).
 */
export const OPTIONAL_SECTIONS_EXAMPLE = `budgets:                          # spend limits (@loom/cost), checked before each request
  - { name: daily, limitUsd: 5, window: day, thresholds: [0.5, 0.8, 1], action: block }
  - { name: per-user, limitUsd: 1, window: day, scope: user, action: alert }  # "user" is what the client sends
routing:
  strategy: latency               # priority (the default: targets in order) | latency | cost | balanced | least-busy | weighted | round-robin
  retries: 2
  circuitBreaker: { consecutiveFailures: 3, openMs: 30000 }
alerts:                           # rules over the gateway's own metrics (@loom/monitor)
  sinks: [{ type: log }]          # or { type: webhook, url: "\${ALERT_WEBHOOK}", format: slack }
  rules:
    - name: slow-chat
      severity: warning
      forMs: 60000
      condition:
        { type: threshold, query: { name: gen_ai.client.operation.duration }, windowMs: 300000,
          aggregate: p95, operator: ">", value: 10, groupBy: [gen_ai.provider.name] }`;

export function isEmbeddingModel(model: string): boolean {
  return EMBEDDING_MODEL.test(model);
}

/** `value` as YAML: plain when that reads back as the same string in block and flow context. */
function scalar(value: string): string {
  const plain = /^[A-Za-z0-9][\w.:/@+-]*$/.test(value);
  if (plain && isDeepStrictEqual(parseYaml(`[${value}]`), [value])) return value;
  return JSON.stringify(value);
}

function flowMapping(entry: Record<string, string>): string {
  const pairs = Object.entries(entry).map(([key, value]) => `${key}: ${scalar(value)}`);
  return `{ ${pairs.join(', ')} }`;
}

function commentedOut(text: string): string[] {
  return text.split('\n').map((line) => (line ? `# ${line}` : '#'));
}

function modelSummary(models: readonly string[]): string {
  if (models.length === 0) return 'listed no models';
  const shown = models.slice(0, LISTED_MODELS).join(', ');
  const rest = models.length - LISTED_MODELS;
  return rest > 0 ? `${shown} and ${rest} more` : shown;
}

function providerEntry(runtime: LocalRuntime, origin: string): string {
  return flowMapping({
    id: runtime.providerId,
    type: runtime.providerType,
    baseURL: `${origin}${runtime.apiPath}`,
  });
}

/**
 * One alias: each runtime's first fitting model (a runtime that is down takes all its models
 * with it, so one per runtime is what failover needs), the others commented out.
 */
function aliasLines(
  name: string,
  perRuntime: ReadonlyArray<{ providerId: string; models: string[]; note?: string }>,
): string[] {
  const targets: string[] = [];
  for (const { providerId, models, note } of perRuntime) {
    const [first, ...others] = models;
    if (first === undefined) continue;
    targets.push(`      - ${scalar(`${providerId}/${first}`)}${note ? `   # ${note}` : ''}`);
    for (const model of others.slice(0, LISTED_MODELS)) {
      targets.push(`      # - ${scalar(`${providerId}/${model}`)}`);
    }
    if (others.length > LISTED_MODELS) {
      targets.push(`      # ... and ${others.length - LISTED_MODELS} more on ${providerId}`);
    }
  }
  if (targets.length === 0) return [];
  return [`  - name: ${name}`, '    targets:', ...targets];
}

/** Nothing found: the entry that keeps the file valid, pointing where Ollama usually listens. */
function placeholder(): FoundRuntime {
  const ollama = LOCAL_RUNTIMES.find((runtime) => runtime.id === 'ollama')!;
  return { runtime: ollama, origin: ollama.defaultOrigin, models: ['llama3.2'] };
}

function header(discovery: Discovery, nothingFound: boolean): string[] {
  const intro = [
    '# Loom gateway config, written by `loom init`.',
    '# `loom check` validates it, `loom serve` starts the gateway, `loom providers` checks each',
    '# provider; `loom schema --out loom.schema.json` gives editors every setting.',
    '#',
  ];
  const notes = discovery.unrecognised.map((answer) => `#   ${unrecognisedNote(answer)}`);
  if (!nothingFound) {
    const found = discovery.runtimes.map(
      (entry) => `#   ${entry.runtime.name} at ${entry.origin}: ${modelSummary(entry.models)}`,
    );
    if (discovery.openAIKey) found.push('#   OPENAI_API_KEY in the environment');
    return [...intro, '# Found when this was written:', ...found, ...notes];
  }
  const hints = LOCAL_RUNTIMES.map(
    (runtime) => `#   ${`${runtime.name}:`.padEnd(20)}${runtime.startHint}`,
  );
  return [
    ...intro,
    '# NO MODEL SERVER WAS FOUND when this was written, and OPENAI_API_KEY was not set. This file',
    "# NEEDS A PROVIDER: the one below points at Ollama's usual address so that the file is valid,",
    '# and requests fail until a model server answers there. Start one and run',
    '# `loom init --force` again, or uncomment the entry for yours below:',
    ...hints,
    `#   ${'OpenAI:'.padEnd(20)}export OPENAI_API_KEY=...`,
    ...(notes.length > 0 ? ['#', ...notes] : []),
  ];
}

/**
 * The commented `loom.yaml` for what was found: a provider per runtime (and OpenAI when its key
 * is set), `chat` and `embed` aliases trying local runtimes first, the server port, a SQLite
 * ledger, and budgets, routing and alerts as commented examples. With nothing found, the file
 * says so in its header and keeps one placeholder provider so it still validates.
 */
export function initConfigText(discovery: Discovery): string {
  const nothingFound = discovery.runtimes.length === 0 && !discovery.openAIKey;
  const runtimes = nothingFound ? [placeholder()] : discovery.runtimes;
  const absent = LOCAL_RUNTIMES.filter(
    (runtime) => !runtimes.some((entry) => entry.runtime.id === runtime.id),
  );

  const providers = runtimes.flatMap((entry) => [
    nothingFound
      ? `  # ${entry.runtime.name}, not running when this was written: ${entry.runtime.startHint}`
      : `  # ${entry.runtime.name}: ${modelSummary(entry.models)}`,
    `  - ${providerEntry(entry.runtime, entry.origin)}`,
  ]);
  if (discovery.openAIKey) {
    providers.push(
      '  # OpenAI: the key is read from the environment at start; never write it here.',
      `  - ${flowMapping(OPENAI_ENTRY)}`,
    );
  }
  const missing = absent.map((runtime) => `  # - ${providerEntry(runtime, runtime.defaultOrigin)}`);
  if (!discovery.openAIKey) missing.push(`  # - ${flowMapping(OPENAI_ENTRY)}`);
  if (missing.length > 0) {
    providers.push(
      nothingFound ? '  # The others:' : '  # Not found when this was written:',
      ...missing,
    );
  }

  const fitting = (wanted: (model: string) => boolean, openAIModel: string) => [
    ...runtimes.map((entry) => ({
      providerId: entry.runtime.providerId,
      models: entry.models.filter(wanted),
      ...(nothingFound ? { note: `after \`ollama pull ${entry.models[0]}\`` } : {}),
    })),
    ...(discovery.openAIKey ? [{ providerId: OPENAI_ENTRY.id, models: [openAIModel] }] : []),
  ];
  const aliases = [
    ...aliasLines(
      'chat',
      fitting((model) => !isEmbeddingModel(model), OPENAI_CHAT_MODEL),
    ),
    ...aliasLines('embed', fitting(isEmbeddingModel, OPENAI_EMBEDDING_MODEL)),
  ];
  const models =
    aliases.length > 0
      ? [
          '# What clients ask for (`"model": "chat"`). Routing tries the targets in this order and',
          '# fails over down the list: local runtimes first, since they cost nothing. Any model',
          '# can also be asked for by `provider/model`.',
          'models:',
          ...aliases,
        ]
      : [
          '# No model was listed, so there is no alias yet: ask for `provider/model`, or add one',
          '# once a model is loaded:',
          '# models:',
          `#   - { name: chat, targets: [${runtimes[0]?.runtime.providerId ?? 'local'}/<model>] }`,
        ];

  // LM Studio and llama.cpp speak OpenAI's wire, so the cost plugin would look their models up
  // in OpenAI's price list, find nothing and count them unpriced (refused under block budgets).
  const unpricedLocals = runtimes.filter((entry) => !entry.runtime.pricedAsLocal);
  const pricing =
    unpricedLocals.length > 0
      ? [
          '',
          "# Local runtimes on OpenAI's wire: free, not looked up in OpenAI's price list.",
          'pricing:',
          '  providers:',
          ...unpricedLocals.map((entry) => `    ${entry.runtime.providerId}: { local: true }`),
        ]
      : [];

  return [
    ...header(discovery, nothingFound),
    '',
    'server:',
    '  port: 4000                      # the OpenAI-compatible API: http://127.0.0.1:4000/v1',
    '',
    'providers:',
    ...providers,
    '',
    ...models,
    ...pricing,
    '',
    'storage:',
    "  ledger: sqlite://./loom.db      # every request's cost; relative to this file's folder",
    '',
    "# More, when you need it: uncomment and adapt (@loom/gateway's README explains each).",
    ...commentedOut(OPTIONAL_SECTIONS_EXAMPLE),
    '',
  ].join('\n');
}
