/**
 * Splits a byte stream into lines (NDJSON), whatever the chunk boundaries: a line or a UTF-8
 * character may span chunks. `\r\n` endings are accepted; blank lines are skipped.
 */
export class LineSplitter {
  private readonly decoder = new TextDecoder('utf-8');
  private buffer = '';

  /** @param maxLineLength characters one line may hold before `push` throws (a guard against a server that never ends a line) */
  constructor(private readonly maxLineLength = 16 * 1024 * 1024) {}

  /** Adds a chunk and returns the lines it completed. */
  push(chunk: Uint8Array): string[] {
    return this.pushText(this.decoder.decode(chunk, { stream: true }));
  }

  /** Adds text already decoded and returns the lines it completed. */
  pushText(text: string): string[] {
    // A long line arriving in many chunks is split once, when its end comes, not per chunk.
    if (!text.includes('\n')) {
      this.buffer += text;
      if (this.buffer.length > this.maxLineLength) {
        throw new RangeError(`a line is longer than ${this.maxLineLength} characters`);
      }
      return [];
    }
    this.buffer += text;
    const lines = this.buffer.split('\n');
    this.buffer = lines.pop() ?? '';
    if (this.buffer.length > this.maxLineLength) {
      throw new RangeError(`a line is longer than ${this.maxLineLength} characters`);
    }
    return clean(lines);
  }

  /** Returns what is left once the stream ended: a last line without a newline, if any. */
  end(): string[] {
    const rest = this.buffer + this.decoder.decode();
    this.buffer = '';
    return clean([rest]);
  }
}

function clean(lines: string[]): string[] {
  const result: string[] = [];
  for (const line of lines) {
    const text = line.endsWith('\r') ? line.slice(0, -1) : line;
    if (text.trim() !== '') result.push(text);
  }
  return result;
}
