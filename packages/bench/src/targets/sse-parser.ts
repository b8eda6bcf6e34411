/**
 * A minimal Server-Sent Events reader for OpenAI-style streams: feed it decoded text as it
 * arrives and it calls `onData` with the data of each complete event. Lines may end in `\n`,
 * `\r\n` or `\r` and may be split anywhere between chunks; several `data:` lines of one event are
 * joined with `\n`; comments (`:` lines) and other fields are skipped, as the SSE spec says.
 */
export class SseParser {
  private buffer = '';
  private data: string[] = [];

  constructor(private readonly onData: (data: string) => void) {}

  /** Adds decoded text. */
  feed(text: string): void {
    this.buffer += text;
    let start = 0;
    for (;;) {
      const end = this.lineEnd(start);
      if (end === undefined) break;
      this.line(this.buffer.slice(start, end.at));
      start = end.next;
    }
    this.buffer = this.buffer.slice(start);
  }

  /** Ends the input: a last event with no blank line after it still counts. */
  end(): void {
    if (this.buffer.length > 0) this.line(this.buffer.replace(/\r$/, ''));
    this.buffer = '';
    this.dispatch();
  }

  private lineEnd(from: number): { at: number; next: number } | undefined {
    for (let index = from; index < this.buffer.length; index++) {
      const char = this.buffer.charCodeAt(index);
      if (char === 10) return { at: index, next: index + 1 };
      if (char === 13) {
        // A `\r` at the very end may be the first half of `\r\n`: wait for the next chunk.
        if (index + 1 === this.buffer.length) return undefined;
        const next = this.buffer.charCodeAt(index + 1) === 10 ? index + 2 : index + 1;
        return { at: index, next };
      }
    }
    return undefined;
  }

  private line(line: string): void {
    if (line.length === 0) {
      this.dispatch();
      return;
    }
    if (line.startsWith('data:')) {
      const value = line.charCodeAt(5) === 32 ? line.slice(6) : line.slice(5);
      this.data.push(value);
    }
  }

  private dispatch(): void {
    if (this.data.length === 0) return;
    const data = this.data.join('\n');
    this.data = [];
    this.onData(data);
  }
}
