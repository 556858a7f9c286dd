// `snapshot-doctor collect`: gather a redacted bundle from a live cluster (a thin layer over collect()).
import type { Argv } from 'yargs';
import type { CollectOptions, CollectProgress, CollectResult } from '../../collect/index.js';
import { printError } from '../io.js';
import type { CommandModule } from './types.js';
import { plural } from '../../util/words.js';

export interface CollectArgs {
  kubeconfig?: string;
  context?: string;
  namespace?: string;
  output?: string;
  since?: string;
  create: boolean;
  timeout?: number;
  concurrency?: number;
  config?: string;
  cacert?: string;
  insecureSkipTlsVerify?: boolean;
  quiet?: boolean;
}

/** The flags `collect` and `diagnose` share. */
export function collectOptions(yargs: Argv): Argv {
  return yargs
    .option('kubeconfig', { type: 'string', describe: 'Kubeconfig file (default: $KUBECONFIG, ~/.kube/config, or in-cluster)' })
    .option('context', { type: 'string', describe: 'Kubeconfig context to use instead of the current one' })
    .option('namespace', { alias: 'n', type: 'string', describe: 'The Velero namespace (default: found from the Velero Deployment)' })
    .option('since', { type: 'string', describe: 'Only log lines newer than this (e.g. 90m, 24h, 7d)' })
    .option('create', {
      type: 'boolean',
      default: true,
      describe: 'Create (and delete) a ServerStatusRequest and DownloadRequests; --no-create makes the run strictly read-only',
    })
    .option('timeout', { type: 'number', describe: 'Give up collecting after this many seconds (default 300)' })
    .option('concurrency', { type: 'number', describe: 'API requests in flight at once (default 8)' })
    .option('config', { type: 'string', describe: 'A config file: redaction patterns, ignores, budgets' })
    .option('cacert', { type: 'string', describe: 'CA certificates (PEM) trusted for downloads from the object store, as velero backup logs --cacert' })
    .option('insecure-skip-tls-verify', { type: 'boolean', describe: 'Do not verify the object store’s TLS certificate for downloads (not the cluster’s)' });
}

export function collectOptionsFrom(args: CollectArgs, onProgress: (p: CollectProgress) => void): CollectOptions {
  return {
    kubeconfig: args.kubeconfig,
    context: args.context,
    namespace: args.namespace,
    since: args.since,
    noCreate: !args.create,
    timeoutSeconds: args.timeout,
    concurrency: args.concurrency,
    config: args.config,
    ...(args.cacert !== undefined ? { cacert: args.cacert } : {}),
    ...(args.insecureSkipTlsVerify ? { insecureSkipTlsVerify: true } : {}),
    onProgress,
  };
}

/** A progress bar on stderr while collecting: only on a terminal, never with --quiet. */
export async function createCollectProgress(quiet: boolean): Promise<{ update: (p: CollectProgress) => void; stop: () => void }> {
  const stream = process.stderr;
  if (quiet || !stream.isTTY) return { update: () => {}, stop: () => {} };
  const { default: cliProgress } = await import('cli-progress');
  const bar = new cliProgress.SingleBar(
    { stream, format: 'collecting [{bar}] {value}/{total} steps | {requests} requests | {phase}', hideCursor: true, clearOnComplete: true },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  return {
    update(p) {
      if (!started) {
        bar.start(Math.max(1, p.total), p.done, { phase: p.phase, requests: p.requests });
        started = true;
      } else {
        bar.setTotal(Math.max(1, p.total));
        bar.update(p.done, { phase: p.phase, requests: p.requests });
      }
    },
    stop() {
      if (started) bar.stop();
    },
  };
}

/** Runs collect() with a progress display that is always taken down, even on failure. */
export async function runCollect(options: CollectOptions, quiet: boolean): Promise<CollectResult> {
  // The Kubernetes client is loaded only by the commands that talk to a cluster (it costs half a second).
  const { collect } = await import('../../collect/index.js');
  const progress = await createCollectProgress(quiet);
  try {
    return await collect({ ...options, onProgress: progress.update });
  } finally {
    progress.stop();
  }
}

/** Lines for stderr: what went into the bundle and what could not be collected. */
export function collectSummary(result: CollectResult): string[] {
  const m = result.manifest;
  const count = (what: string) => m.collected.find((c) => c.what === what)?.count ?? 0;
  const lines = [
    `collected from ${m.cluster.server}${m.cluster.context ? ` (context ${m.cluster.context})` : ''} in ${(result.durationMs / 1000).toFixed(1)} s, ${m.requests} requests`,
    `  Velero namespace: ${m.veleroNamespace ?? 'none found'}${m.serverStatus?.serverVersion ? `, server ${m.serverStatus.serverVersion}` : ''}`,
    `  ${count('backups.velero.io')} backups, ${count('restores.velero.io')} restores, ${count('pod logs')} pod logs, ${count('backup logs') + count('restore logs')} backup/restore logs`,
  ];
  if (m.errors.length > 0) {
    lines.push(`  ${plural(m.errors.length, 'item')} could not be collected (listed in snapshot-doctor/manifest.json):`);
    for (const e of m.errors.slice(0, 5)) lines.push(`    ${e.source}: ${e.message}`);
    if (m.errors.length > 5) lines.push(`    … and ${m.errors.length - 5} more`);
  }
  return lines;
}

/** The summary on stderr; with --quiet only the warning that no Velero was found where it was looked for. */
export function printCollectSummary(result: CollectResult, quiet: boolean): void {
  if (!quiet) {
    for (const line of collectSummary(result)) process.stderr.write(`${line}\n`);
    return;
  }
  const noVelero = result.manifest.errors.find((e) => e.source === 'velero namespace');
  if (noVelero) printError(`warning: ${noVelero.message}`);
}

export const collectCommand: CommandModule<CollectArgs> = {
  name: 'collect',
  describe: 'Gather a redacted bundle (troubleshoot layout) from a live cluster',
  builder: (yargs) =>
    collectOptions(yargs).option('output', {
      alias: 'o',
      type: 'string',
      describe: 'The bundle to write (default: ./snapshot-doctor-<timestamp>.tar.gz)',
    }),
  async run(args) {
    const quiet = Boolean(args.quiet);
    const result = await runCollect({ ...collectOptionsFrom(args, () => {}), output: args.output }, quiet);
    // The findings go into the bundle as troubleshoot's analysis.json, for the tools that open such bundles.
    const [{ analyze }, { writeBundleAnalysis }] = await Promise.all([import('../../analyze.js'), import('../../bundle/analysis.js')]);
    await writeBundleAnalysis(result.path, await analyze(result.path, { config: args.config }));
    printCollectSummary(result, quiet);
    process.stdout.write(`${result.path}\n`);
    return 0;
  },
};
