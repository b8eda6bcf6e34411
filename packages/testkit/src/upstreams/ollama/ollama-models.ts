import { createHash } from 'node:crypto';

/** A model the Ollama simulator has pulled. */
interface Catalog {
  family: string;
  families: string[];
  parameterSize: string;
  quantization: string;
  size: number;
}

const KNOWN: Record<string, Catalog> = {
  'nomic-embed-text': {
    family: 'nomic-bert',
    families: ['nomic-bert'],
    parameterSize: '137M',
    quantization: 'F16',
    size: 274_302_450,
  },
};

const DEFAULT: Catalog = {
  family: 'llama',
  families: ['llama'],
  parameterSize: '3.2B',
  quantization: 'Q4_K_M',
  size: 2_019_393_189,
};

/** `llama3.2` → `llama3.2:latest`: the name Ollama lists a model under. */
export function fullName(model: string): string {
  return model.includes(':') ? model : `${model}:latest`;
}

/** The base name without the tag, for the catalogue. */
const baseName = (model: string) => model.split(':')[0] ?? model;

/** The `/api/tags` entry of a model. */
export function tagEntry(model: string) {
  const name = fullName(model);
  const info = KNOWN[baseName(model)] ?? DEFAULT;
  return {
    name,
    model: name,
    modified_at: '2025-06-12T09:14:51.842172+02:00',
    size: info.size,
    digest: createHash('sha256').update(name).digest('hex'),
    details: {
      parent_model: '',
      format: 'gguf',
      family: info.family,
      families: info.families,
      parameter_size: info.parameterSize,
      quantization_level: info.quantization,
    },
  };
}

/** The `/api/ps` entry of a loaded model. */
export function psEntry(model: string, expiresAt: number, contextLength: number) {
  const { modified_at: _modified, ...entry } = tagEntry(model);
  return {
    ...entry,
    expires_at: new Date(expiresAt).toISOString(),
    size_vram: entry.size,
    context_length: contextLength,
  };
}

/** Default time a model stays loaded after a request, as Ollama's `keep_alive` default (5m). */
const KEEP_ALIVE_MS = 5 * 60_000;

/** `keep_alive` in ms: a number of seconds, or a duration like `10m`, `30s`, `1h`; 0 unloads. */
export function keepAliveMs(value: unknown): number {
  if (typeof value === 'number') return value < 0 ? Number.POSITIVE_INFINITY : value * 1_000;
  if (typeof value !== 'string') return KEEP_ALIVE_MS;
  const match = /^(-?\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(value.trim());
  if (!match) return KEEP_ALIVE_MS;
  const amount = Number(match[1]);
  if (amount < 0) return Number.POSITIVE_INFINITY;
  const unit = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 }[match[2] ?? 's'] ?? 1_000;
  return amount * unit;
}

/**
 * Which models are in memory, and until when. A model not loaded pays the cold start on its
 * next request; a request with `keep_alive: 0` unloads it afterwards.
 */
export class LoadedModels {
  private readonly until = new Map<string, number>();

  constructor(initial: readonly string[]) {
    for (const model of initial) this.until.set(fullName(model), Date.now() + KEEP_ALIVE_MS);
  }

  isLoaded(model: string): boolean {
    const expiry = this.until.get(fullName(model));
    return expiry !== undefined && expiry > Date.now();
  }

  set(model: string, loaded: boolean, keepAlive: number = KEEP_ALIVE_MS): void {
    if (!loaded || keepAlive <= 0) this.until.delete(fullName(model));
    else this.until.set(fullName(model), Date.now() + Math.min(keepAlive, 1e13));
  }

  /** Loaded models with their expiry, for `/api/ps`. */
  entries(): Array<[model: string, expiresAt: number]> {
    return [...this.until].filter(([, expiry]) => expiry > Date.now());
  }
}
