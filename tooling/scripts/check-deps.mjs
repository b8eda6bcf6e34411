#!/usr/bin/env node
// CI gate for the package boundaries; the rules live in dependency-rules.mjs.
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkDependencyRules } from './dependency-rules.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const violations = checkDependencyRules(root);
if (violations.length > 0) {
  console.error(`Dependency rules broken (${violations.length}):`);
  for (const line of violations) console.error(`  - ${line}`);
  process.exit(1);
}
console.log('Dependency rules hold.');
