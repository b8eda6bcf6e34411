/** One step down a JSON value, linked to the step above it. */
export interface JsonStep {
  key: string | number;
  parent: JsonStep | undefined;
}

/** The dotted path from the top to `step`, as `tools.0.function.parameters`. */
export function spellPath(step: JsonStep): string {
  const keys: Array<string | number> = [];
  for (let at: JsonStep | undefined = step; at; at = at.parent) keys.push(at.key);
  return keys.reverse().join('.');
}

/** True for what JSON nests: objects and arrays. */
export function isContainer(value: unknown): value is object {
  return typeof value === 'object' && value !== null;
}

// "Found", from a walk that keeps no path.
const FOUND: JsonStep = { key: '', parent: undefined };

/**
 * The stack of a depth-first walk over a JSON value: containers still to look into, each with a
 * tag (its level, what part of a body it is) and, when tracing, its step. The walk loops instead
 * of recursing, so no nesting can overflow the call stack. Without tracing it allocates no steps:
 * a walk that finds nothing (the usual case) costs three arrays; the caller walks again, tracing,
 * to name what it found.
 */
export class JsonWalk<Tag> {
  /** The container taken by the last `next()`, its tag and step. */
  value: Record<string, unknown> = {};
  tag!: Tag;
  step: JsonStep | undefined;
  private readonly values: object[] = [];
  private readonly tags: Tag[] = [];
  private readonly steps: Array<JsonStep | undefined> = [];

  constructor(
    root: object,
    tag: Tag,
    private readonly trace: boolean,
  ) {
    // The top has no step: paths start at its members.
    this.values.push(root);
    this.tags.push(tag);
    this.steps.push(undefined);
  }

  /** Takes the next container to look into; false when none is left. */
  next(): boolean {
    const value = this.values.pop();
    if (value === undefined) return false;
    this.value = value as Record<string, unknown>;
    this.tag = this.tags.pop() as Tag;
    this.step = this.steps.pop();
    return true;
  }

  /** The step to `key` of the current container (a shared marker when not tracing). */
  stepTo(key: string | number): JsonStep {
    return this.trace ? { key, parent: this.step } : FOUND;
  }

  /** Stacks `item`, found under `key` of the current container, to look into later. */
  push(item: object, key: string | number, tag: Tag): void {
    this.values.push(item);
    this.tags.push(tag);
    this.steps.push(this.trace ? { key, parent: this.step } : undefined);
  }
}
