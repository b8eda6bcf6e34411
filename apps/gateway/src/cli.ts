import { writeFile } from 'node:fs/promises';
import { cac } from 'cac';
import { checkCommand } from './cli/check-command.js';
import { type CostsFlags, costsCommand } from './cli/costs-command.js';
import { DEMO_FLAG_HELP, demoCommand } from './cli/demo-command.js';
import { initCommand } from './cli/init-command.js';
import { newCommand } from './cli/new-command.js';
import { pluginsCommand } from './cli/plugins-command.js';
import { EXIT_NO_HEALTHY_PROVIDER, providersCommand } from './cli/providers-command.js';
import { type ReportFlags, reportCommand } from './cli/report-command.js';
import { serveCommand } from './cli/serve-command.js';
import { ConfigFileError } from './config/config-error.js';
import { configJsonSchema } from './config/json-schema.js';
import { discoverPlugins } from './plugins/discover-plugins.js';
import { pluginFolders } from './plugins/resolve-config-plugins.js';

// Exit codes scripts can rely on: 0 success, 1 invalid config, 2 any other failure.
const EXIT_CONFIG = 1;
const EXIT_FAILURE = 2;

function fail(error: unknown): never {
  if (error instanceof ConfigFileError) {
    process.stderr.write(`${error.message}\n`);
    process.exit(EXIT_CONFIG);
  }
  process.stderr.write(`loom: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(EXIT_FAILURE);
}

// `loom bench` owns its flags (repeatable --header, lists like --concurrency 1,16,64): it gets
// its arguments untouched, and its exit codes (0 ok, 1 bad input, 2 failure, 3 regression).
if (process.argv[2] === 'bench') {
  // Loaded on demand: a gateway process never needs the benchmark runner in memory.
  import('./cli/bench-command.js')
    .then(({ benchCommand }) => benchCommand(process.argv.slice(3)))
    .then(
      (code) => process.exit(code),
      (error: unknown) => fail(error),
    );
} else {
  main();
}

function main(): void {
  const cli = cac('loom');

  cli
    .command('serve', 'Start the OpenAI-compatible gateway')
    .option('--config <file>', 'Config file (YAML, or JSON when it ends in .json)', {
      default: 'loom.yaml',
    })
    .option('--port <port>', 'Port to listen on (overrides server.port; 0 picks a free one)')
    .option('--host <host>', 'Address to bind (overrides server.host; default 127.0.0.1)')
    .option('--no-watch', 'Do not reload when the config file changes (SIGHUP still reloads)')
    .action((flags: { config: string; port?: string; host?: string; watch: boolean }) =>
      serveCommand({
        config: flags.config,
        watch: flags.watch,
        ...(flags.port === undefined ? {} : { port: Number(flags.port) }),
        ...(flags.host === undefined ? {} : { host: flags.host }),
      }).catch(fail),
    );

  cli
    .command(
      'init',
      'Write a commented config for the model servers found on this machine (Ollama, LM Studio, vLLM, llama.cpp) and OPENAI_API_KEY',
    )
    .option('--config <file>', 'File to write (YAML, or JSON when it ends in .json)', {
      default: 'loom.yaml',
    })
    .option('--force', 'Overwrite the file if it exists (without it: exit 1, nothing written)')
    .option(
      '-y, --yes',
      'Write without asking; without a terminal (scripts, CI) it never asks and writes anyway',
    )
    .action((flags: { config: string; force?: boolean; yes?: boolean }) =>
      initCommand({ config: flags.config, force: flags.force === true, yes: flags.yes === true })
        .then((outcome) => {
          if (outcome.problem) process.stderr.write(`loom init: ${outcome.problem}\n`);
          process.exitCode = outcome.exitCode;
        })
        .catch(fail),
    );

  cli
    .command('demo', 'Run Loom with simulated upstreams, traffic, an outage and the dashboard')
    .option('--port <port>', DEMO_FLAG_HELP.port)
    .option('--no-traffic', DEMO_FLAG_HELP.noTraffic)
    .option('--duration <time>', DEMO_FLAG_HELP.duration)
    .option('--data <dir>', DEMO_FLAG_HELP.data)
    .action((flags: { port?: string; traffic: boolean; duration?: string; data?: string }) =>
      demoCommand({
        traffic: flags.traffic,
        ...(flags.port === undefined ? {} : { port: Number(flags.port) }),
        // cac turns a bare number into a number: a string again, read as seconds.
        ...(flags.duration === undefined ? {} : { duration: String(flags.duration) }),
        ...(flags.data === undefined ? {} : { data: String(flags.data) }),
      }).catch(fail),
    );

  cli
    .command(
      'check',
      'Validate a config file without starting; exit 0 when valid, 1 with the errors',
    )
    .option('--config <file>', 'Config file to validate', { default: 'loom.yaml' })
    .action((flags: { config: string }) =>
      checkCommand(flags.config).then((summary) => process.stdout.write(`${summary}\n`), fail),
    );

  cli
    .command('costs', 'Report spend from the ledger the config names (storage.ledger)')
    .option('--config <file>', 'Config file whose storage.ledger is read', { default: 'loom.yaml' })
    .option('--from <time>', 'Start, inclusive: ISO date (2026-01-31), date-time or epoch ms')
    .option('--to <time>', 'End, exclusive: ISO date, date-time or epoch ms')
    .option(
      '--group-by <field>',
      'provider | model | session | user | key | team | owner | day (UTC) | tag | tag:<key>',
    )
    .option('--format <format>', 'table, json or csv (csv amounts in micro-dollars)', {
      default: 'table',
    })
    .option('--compact', 'Delete what storage.retention no longer keeps, print the counts, exit')
    .action((flags: CostsFlags) =>
      costsCommand(flags).then((text) => process.stdout.write(`${text}\n`), fail),
    );

  cli
    .command(
      'report',
      'Performance report of a period: from the running gateway, or from what a stopped one kept',
    )
    .option('--config <file>', 'Config file of the gateway', { default: 'loom.yaml' })
    .option(
      '--from <time>',
      'Start, inclusive: ISO date, date-time or epoch ms (default: 24 h before --to)',
    )
    .option('--to <time>', 'End, exclusive: ISO date, date-time or epoch ms (default: now)')
    .option('--format <format>', 'md or json', { default: 'md' })
    .action((flags: ReportFlags) =>
      reportCommand(flags).then((text) => process.stdout.write(`${text}\n`), fail),
    );

  cli
    .command(
      'providers',
      `Check every provider's health; exit 0 when one is healthy, ${EXIT_NO_HEALTHY_PROVIDER} when none`,
    )
    .option('--config <file>', 'Config file listing the providers', { default: 'loom.yaml' })
    .option('--json', 'Print JSON instead of a table')
    .option(
      '--timeout <time>',
      'Time limit of each check: 5s, 1500ms, a bare number is seconds (default health.timeoutMs or 5s)',
    )
    .action((flags: { config: string; json?: boolean; timeout?: string }) =>
      providersCommand({
        config: flags.config,
        json: flags.json === true,
        ...(flags.timeout === undefined ? {} : { timeout: String(flags.timeout) }),
      }).then((outcome) => {
        process.stdout.write(`${outcome.text}\n`);
        process.exitCode = outcome.exitCode;
      }, fail),
    );

  cli
    .command('schema', "Print the config's JSON Schema, with the installed plugins' settings")
    .option('--config <file>', "Plugins resolve from this config file's folder", {
      default: 'loom.yaml',
    })
    .option('--out <file>', 'Write it to this file instead of stdout')
    .action(async (flags: { config: string; out?: string }) => {
      const plugins = await discoverPlugins(pluginFolders(flags.config)).catch(fail);
      const text = `${JSON.stringify(configJsonSchema(plugins), null, 2)}\n`;
      if (flags.out) await writeFile(flags.out, text).catch(fail);
      else process.stdout.write(text);
    });

  cli
    .command('plugins', 'List the plugin modules a config can name: built-in and installed')
    .option('--config <file>', "Plugins resolve from this config file's folder", {
      default: 'loom.yaml',
    })
    .option('--json', 'Print JSON instead of a table')
    .action((flags: { config: string; json?: boolean }) =>
      pluginsCommand({ config: flags.config, json: flags.json === true }).then(
        (text) => process.stdout.write(`${text}\n`),
        fail,
      ),
    );

  cli
    .command(
      'new <kind> <name>',
      'Write a plugin package to start from: `provider` (an HTTP provider on @loom/provider-utils, a fake upstream, the conformance test) or `alert-sink`',
    )
    .option('--dir <folder>', 'Folder to write; default the package name (loom-provider-<name>)')
    .option('--force', 'Write into a folder that is not empty')
    .action((kind: string, name: string, flags: { dir?: string; force?: boolean }) =>
      newCommand(kind, name, {
        ...(flags.dir === undefined ? {} : { dir: String(flags.dir) }),
        force: flags.force === true,
      }).then((text) => process.stdout.write(`${text}\n`), fail),
    );

  cli
    .command(
      'bench',
      'Benchmark an OpenAI-compatible URL (this gateway or any upstream) or, with --config, the providers of a config in process: concurrency sweeps, open-loop rates, baselines; `loom bench --help` lists every flag',
    )
    .allowUnknownOptions();

  cli.help();
  cli.parse();
}
