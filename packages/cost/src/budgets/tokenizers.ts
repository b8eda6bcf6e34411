/** Counts the tokens of a text. */
export type TokenCounter = (text: string) => number;

/** Public encodings, loaded from `gpt-tokenizer` by import subpath. */
export type EncodingName = 'o200k_base' | 'cl100k_base';

/** Loads an encoding's counter, or rejects. */
export type LoadEncoding = (encoding: EncodingName) => Promise<TokenCounter>;

// Checked in order: `gpt-4o` and `gpt-4.1` must be matched before the `gpt-4` prefix.
const FAMILIES: ReadonlyArray<readonly [RegExp, EncodingName]> = [
  [/^(?:gpt-4o|chatgpt-4o|gpt-4\.1|gpt-4\.5|gpt-5|o[134](?:-|$)|gpt-oss|codex-mini)/, 'o200k_base'],
  [/^(?:gpt-4|gpt-3\.5|text-embedding-3|text-embedding-ada-002)/, 'cl100k_base'],
];

/**
 * The encoding of a model family whose tokenizer is public, or undefined (then only the UTF-8
 * byte count bounds its tokens). Routers' `openai/gpt-4o` and fine-tunes' `ft:gpt-4o-mini:org::id`
 * count as their base model.
 */
export function encodingOf(model: string): EncodingName | undefined {
  const base = model
    .slice(model.lastIndexOf('/') + 1)
    .replace(/^ft:/, '')
    .toLowerCase();
  for (const [pattern, encoding] of FAMILIES) if (pattern.test(base)) return encoding;
  return undefined;
}

// Text that looks like a special token is billed as plain text; the default would throw on it.
const PLAIN_TEXT = { disallowedSpecial: new Set<string>() };

/** Imports an encoding from `gpt-tokenizer`; the subpaths are literal so bundlers keep them lazy. */
export const importEncoding: LoadEncoding = async (encoding) => {
  const module =
    encoding === 'o200k_base'
      ? await import('gpt-tokenizer/encoding/o200k_base')
      : await import('gpt-tokenizer/encoding/cl100k_base');
  return (text) => module.countTokens(text, PLAIN_TEXT);
};

/**
 * Encodings loaded on first use, each once. Loading one costs far more memory and time than the
 * byte bound ever does (bench/estimate.bench.ts), so nothing loads until a budget needs an exact
 * count; one that fails to load is remembered as missing and the byte bound stays.
 */
export class Tokenizers {
  private readonly loading = new Map<EncodingName, Promise<TokenCounter | undefined>>();

  constructor(private readonly load: LoadEncoding = importEncoding) {}

  /** The counter of `encoding`, loading it on first use; undefined when it cannot load. */
  counter(encoding: EncodingName): Promise<TokenCounter | undefined> {
    let loading = this.loading.get(encoding);
    if (!loading) {
      loading = Promise.resolve()
        .then(() => this.load(encoding))
        .then(
          (counter): TokenCounter | undefined => counter,
          () => undefined,
        );
      this.loading.set(encoding, loading);
    }
    return loading;
  }
}
