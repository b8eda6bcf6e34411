import { BENCH_HELP, type BenchCliIo, createKernelTarget, EXIT, runBenchCli } from '@loom/bench';
import { ConfigFileError } from '../config/config-error.js';
import { loadConfig } from '../config/load-config.js';
import { buildGeneration } from '../runtime/generation.js';
import { openSharedState } from '../runtime/shared-state.js';

const CONFIG_HELP = `
In process (no server)
  --config <file>          Bench the providers and aliases of a Loom config in this process: the
                           kernel, router and cost plugin (priced per 1,000 requests), without HTTP.
                           --model names an alias or provider/model of that config; --url is then
                           not used. Ledger and metrics stay in memory: nothing is written.
`;

const stdio: BenchCliIo = { stdout: process.stdout, stderr: process.stderr };

/** `loom bench`: against a URL (see @loom/bench), or in process against a config's kernel. */
export async function benchCommand(
  argv: readonly string[],
  io: BenchCliIo = stdio,
): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    io.stdout.write(BENCH_HELP + CONFIG_HELP);
    return EXIT.ok;
  }
  const at = argv.indexOf('--config');
  if (at === -1) return runBenchCli(argv, io);
  const file = argv[at + 1];
  const rest = [...argv.slice(0, at), ...argv.slice(at + 2)];
  if (!file || file.startsWith('--') || rest.includes('--url')) {
    io.stderr.write('loom bench: give --config <file> or --url <baseURL>, not both\n');
    return EXIT.badInput;
  }
  let config: Awaited<ReturnType<typeof loadConfig>>;
  try {
    config = await loadConfig(file);
  } catch (error) {
    if (!(error instanceof ConfigFileError)) throw error;
    io.stderr.write(`${error.message}\n`);
    return EXIT.badInput;
  }
  // A benchmark must not write its synthetic spend into the real ledger or budgets.
  const isolated = { ...config, storage: { ledger: 'memory' }, monitor: { enabled: false } };
  const opened = await openSharedState(isolated, file, 'memory');
  const { kernel } = await buildGeneration(isolated, file, opened.shared);
  await kernel.start();
  try {
    return await runBenchCli(rest, io, {
      target: (flags) => createKernelTarget(kernel, flags.model),
    });
  } finally {
    await kernel.stop();
    await opened.close();
  }
}
