import { readdirSync, readFileSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join, relative } from 'node:path';

// The package boundaries of ../shared/DESIGN.md, as code. Core stays light and independent;
// plugins build on core (and providers on another provider's protocol layer) and never on
// cost, monitor, bench, testkit or an app; only apps assemble plugins.

/** Core's complete runtime dependency list; adding one is a design decision, made here. */
export const CORE_DEPENDENCIES = ['eventemitter3', 'semver'];
export const CORE_PEER_DEPENDENCIES = ['@opentelemetry/api', 'zod'];

const IMPORT =
  /(?:^|[\s;])(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|import\s*\(\s*['"]([^'"]+)['"]\s*\)|^\s*import\s*['"]([^'"]+)['"]|require\(\s*['"]([^'"]+)['"]\s*\)/gm;

function sourceFiles(dir) {
  let entries;
  try {
    entries = readdirSync(dir);
  } catch {
    return [];
  }
  return entries.flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === '__fixtures__' ? [] : sourceFiles(path);
    return /\.(m|c)?tsx?$/.test(name) && !/\.(test|spec)\.|\.d\.(m|c)?ts$/.test(name) ? [path] : [];
  });
}

/** Bare package names a file imports (`@scope/name` or `name`), without subpaths. */
export function importedPackages(source) {
  const found = new Set();
  for (const match of source.matchAll(IMPORT)) {
    const specifier = match[1] ?? match[2] ?? match[3] ?? match[4];
    if (!specifier || specifier.startsWith('.') || specifier.startsWith('node:')) continue;
    const parts = specifier.split('/');
    const name = specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
    if (!builtinModules.includes(name)) found.add(name);
  }
  return found;
}

function workspacePackages(root) {
  return ['packages', 'apps'].flatMap((group) => {
    let names;
    try {
      names = readdirSync(join(root, group));
    } catch {
      return [];
    }
    return names
      .map((name) => join(root, group, name))
      .filter((dir) => {
        try {
          return statSync(join(dir, 'package.json')).isFile();
        } catch {
          return false;
        }
      })
      .map((dir) => ({
        dir,
        group,
        manifest: JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')),
      }));
  });
}

/** What a package's runtime code may import from the workspace. */
function allowedWorkspaceImport(from, to, appNames) {
  if (from.group === 'apps') return true;
  if (appNames.has(to)) return false;
  const name = from.manifest.name;
  if (name === '@loom/core') return false;
  if (to === '@loom/core') return true;
  return name.startsWith('@loom/provider-') && to.startsWith('@loom/provider-');
}

/** Every broken rule under `root`, as readable lines (empty when all hold). */
export function checkDependencyRules(root) {
  const violations = [];
  const packages = workspacePackages(root);
  const workspaceNames = new Set(packages.map((pkg) => pkg.manifest.name));
  const appNames = new Set(
    packages.filter((pkg) => pkg.group === 'apps').map((pkg) => pkg.manifest.name),
  );
  for (const pkg of packages) {
    const { manifest } = pkg;
    const runtime = { ...manifest.dependencies, ...manifest.peerDependencies };
    const where = relative(root, pkg.dir);
    if (manifest.name === '@loom/core') {
      const extra = Object.keys(manifest.dependencies ?? {}).filter(
        (dep) => !CORE_DEPENDENCIES.includes(dep),
      );
      if (extra.length)
        violations.push(
          `${where}: @loom/core may depend only on ${CORE_DEPENDENCIES.join(', ')} (found ${extra.join(', ')})`,
        );
      const peers = Object.keys(manifest.peerDependencies ?? {}).filter(
        (dep) => !CORE_PEER_DEPENDENCIES.includes(dep),
      );
      if (peers.length)
        violations.push(
          `${where}: @loom/core may peer-depend only on ${CORE_PEER_DEPENDENCIES.join(', ')} (found ${peers.join(', ')})`,
        );
    }
    if (pkg.group === 'packages' && manifest.name !== '@loom/testkit') {
      for (const field of ['dependencies', 'peerDependencies']) {
        if (manifest[field]?.['@loom/testkit'])
          violations.push(`${where}: @loom/testkit belongs in devDependencies, not ${field}`);
      }
    }
    for (const file of sourceFiles(join(pkg.dir, 'src'))) {
      const at = relative(root, file);
      for (const name of importedPackages(readFileSync(file, 'utf8'))) {
        if (
          workspaceNames.has(name) &&
          name !== manifest.name &&
          !allowedWorkspaceImport(pkg, name, appNames)
        ) {
          violations.push(`${at}: ${manifest.name} must not import ${name}`);
        } else if (name !== manifest.name && !(name in runtime)) {
          violations.push(
            `${at}: imports ${name}, which ${manifest.name} does not declare in dependencies or peerDependencies`,
          );
        }
      }
    }
  }
  return violations;
}
