import { discoverPlugins, type InstalledPlugin } from '../plugins/discover-plugins.js';
import { pluginFolders } from '../plugins/resolve-config-plugins.js';

const COLUMNS = ['PACKAGE', 'VERSION', 'KIND', 'TYPE', 'SPEC', 'STATUS'] as const;

function row(plugin: InstalledPlugin): string[] {
  return [
    plugin.package,
    plugin.version ?? '-',
    plugin.kind ?? '-',
    plugin.type ?? '-',
    plugin.specification ?? '-',
    plugin.status,
  ];
}

function table(plugins: readonly InstalledPlugin[]): string {
  const rows = [[...COLUMNS], ...plugins.map(row)];
  const widths = COLUMNS.map((_, column) =>
    Math.max(...rows.map((cells) => cells[column]?.length ?? 0)),
  );
  return rows
    .map((cells) =>
      cells
        .map((cell, column) => cell.padEnd(widths[column] ?? 0))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

/**
 * `loom plugins`: the plugin modules a config next to `config` could name, from the config's
 * folder and from the gateway's install, with what to do about those that cannot load.
 */
export async function pluginsCommand(flags: { config: string; json: boolean }): Promise<string> {
  const plugins = await discoverPlugins(pluginFolders(flags.config));
  if (flags.json) {
    const plain = plugins.map(({ settings: _schema, ...plugin }) => plugin);
    return JSON.stringify({ plugins: plain }, null, 2);
  }
  return table(plugins);
}
