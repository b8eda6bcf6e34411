/** FNV-1a, 32 bit: a stable seed from text, identical across runs and processes. */
function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let index = 0; index < text.length; index++) {
    hash ^= text.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/** mulberry32: a tiny seeded generator, so equal texts give equal vectors. */
function generator(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let value = Math.imul(state ^ (state >>> 15), 1 | state);
    value ^= value + Math.imul(value ^ (value >>> 7), 61 | value);
    return ((value ^ (value >>> 14)) >>> 0) / 4294967296;
  };
}

/** A deterministic unit-length vector for `text`, `dimensions` long. */
export function hashEmbedding(text: string, dimensions = 8): number[] {
  const next = generator(fnv1a(text));
  const raw = Array.from({ length: dimensions }, () => next() * 2 - 1);
  const norm = Math.hypot(...raw);
  if (norm === 0) return raw.map((_value, index) => (index === 0 ? 1 : 0));
  return raw.map((value) => value / norm);
}
