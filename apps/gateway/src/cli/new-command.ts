import { relative } from 'node:path';
import type { ScaffoldKind } from '../scaffold/scaffold-names.js';
import { writeScaffold } from '../scaffold/write-scaffold.js';

/** Flags of `loom new`. */
export interface NewFlags {
  dir?: string;
  force?: boolean;
}

const KINDS: readonly ScaffoldKind[] = ['provider', 'alert-sink'];

/** `loom new <kind> <name>`: writes the package and says what to do next. */
export async function newCommand(kind: string, name: string, flags: NewFlags): Promise<string> {
  if (!KINDS.includes(kind as ScaffoldKind)) {
    throw new Error(`loom new: unknown kind '${kind}'; use one of: ${KINDS.join(', ')}.`);
  }
  const result = await writeScaffold({
    kind: kind as ScaffoldKind,
    name,
    ...(flags.dir === undefined ? {} : { dir: flags.dir }),
    ...(flags.force === undefined ? {} : { force: flags.force }),
  });
  const nearby = relative(process.cwd(), result.folder);
  const where = nearby.startsWith('..') ? result.folder : nearby || '.';
  const entry =
    kind === 'provider'
      ? `providers:\n  - id: ${result.type}\n    type: ${result.packageName}`
      : `alerts:\n  sinks:\n    - type: ${result.packageName}\n      url: https://...`;
  return [
    `Wrote ${result.packageName} to ${where}/ (${result.files.length} files).`,
    '',
    'Next:',
    `  cd ${where} && npm install && npm test`,
    '',
    `Then install it next to your loom.yaml and name it there:`,
    ...entry.split('\n').map((line) => `  ${line}`),
  ].join('\n');
}
