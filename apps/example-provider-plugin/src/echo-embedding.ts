/** A deterministic unit vector for `text`: FNV-1a seeds a small generator (mulberry32). */
export function echoEmbedding(text: string, dimensions: number): number[] {
  let seed = 0x811c9dc5;
  for (let index = 0; index < text.length; index++) {
    seed = Math.imul(seed ^ text.charCodeAt(index), 0x01000193);
  }
  const raw = Array.from({ length: dimensions }, () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let value = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    value ^= value + Math.imul(value ^ (value >>> 7), 61 | value);
    return (((value ^ (value >>> 14)) >>> 0) / 4294967296) * 2 - 1;
  });
  const norm = Math.hypot(...raw) || 1;
  return raw.map((value) => value / norm);
}
