// `collect(options)`: gather a redacted troubleshoot-layout bundle from a live cluster. Never prints, never exits.
import { readFile } from 'node:fs/promises';
import { BundleWriter } from '../bundle/writer.js';
import { loadConfig } from '../config/index.js';
import { TOOL_NAME } from '../constants.js';
import { CollectError, InputError } from '../errors.js';
import { REDACTIONS_FILE, type RedactionsFile } from '../redact/copy.js';
import { TOOL_VERSION } from '../version.js';
import { KubeApiError, KubeClient, KubeNetworkError } from './client.js';
import { Collector } from './collector.js';
import { loadKubeConfig } from './kubeconfig.js';
import { Offload } from './offload.js';
import { CLUSTER_VERSION, MANIFEST, VERSION_YAML } from './layout.js';
import { bundleBaseName, resolveOptions, type CollectManifest, type CollectOptions, type CollectResult } from './options.js';

export type { CollectOptions, CollectResult, CollectProgress, CollectManifest, CollectIssue, CollectedEntry } from './options.js';
export { parseDuration, bundleBaseName } from './options.js';

interface VersionInfo {
  major?: string;
  minor?: string;
  gitVersion?: string;
}

/**
 * A collection compresses while it collects, on the cores that also read the answers and send the
 * next requests: zlib's level 3 (its fast strategy) costs much less CPU than the default level 6 for a
 * slightly larger bundle, and the collect bench ran faster with it (bench/README.md, "Choices in the code").
 */
const COLLECT_GZIP_LEVEL = 3;

/**
 * Collects from the cluster of the kubeconfig's current (or given) context into a .tar.gz at
 * `options.output`. Throws CollectError when the cluster cannot be reached or the kubeconfig is
 * unusable; anything smaller (a kind it may not list, a log that is gone) goes into the manifest's
 * `errors` and collection goes on.
 */
export async function collect(options: CollectOptions = {}): Promise<CollectResult> {
  const clock = options.now ?? (() => new Date());
  const startedAt = clock();
  const started = Date.now();
  const resolved = resolveOptions(options, startedAt);
  const config = typeof options.config === 'string' ? await loadConfig(options.config) : options.config;
  const objectStoreCa = options.cacert === undefined ? undefined : await readCaFile(options.cacert);
  const offload = new Offload(config?.redaction, COLLECT_GZIP_LEVEL);
  const { kubeConfig, context, source } = loadKubeConfig(resolved);
  let client: KubeClient;
  try {
    client = await KubeClient.create(kubeConfig, {
      concurrency: resolved.concurrency,
      requestTimeoutMs: resolved.requestTimeoutMs,
      deadline: started + resolved.timeoutMs,
      retries: resolved.retries,
      backoffMs: resolved.backoffMs,
      objectStore: { ...(objectStoreCa ? { ca: [objectStoreCa] } : {}), insecureSkipTlsVerify: Boolean(options.insecureSkipTlsVerify) },
    });
  } catch (error) {
    throw new CollectError(`${source}: cannot use the credentials of context "${context ?? 'in-cluster'}": ${firstLine(error)}`, { cause: error });
  }
  try {
    const writer = await BundleWriter.create(resolved.output, { root: bundleBaseName(startedAt), mtime: startedAt, level: COLLECT_GZIP_LEVEL });
    try {
      const collector = new Collector(client, writer, offload, resolved);
      // /version goes with the first round of requests rather than before it: one round trip less.
      const connected = connect(client, context);
      const collected = collector.run();
      collected.catch(() => {}); // awaited below once the connection is known good
      let version: VersionInfo;
      try {
        version = await connected;
      } catch (error) {
        // Its clear one line wins over whatever the steps under way make of the same failure.
        client.close();
        await collected.catch(() => {});
        throw error;
      }
      const output = await collected;
      await collector.writeText(VERSION_YAML, versionYaml());
      await collector.writeText(CLUSTER_VERSION, `${JSON.stringify({ info: version, string: version.gitVersion ?? '' }, null, 2)}\n`);
      const manifest: CollectManifest = {
        tool: { name: TOOL_NAME, version: TOOL_VERSION },
        collectedAt: startedAt.toISOString(),
        finishedAt: clock().toISOString(),
        cluster: { server: client.server, context, kubernetesVersion: version.gitVersion ?? null },
        ...output,
        options: {
          namespace: resolved.namespace ?? null,
          context: resolved.context ?? null,
          sinceSeconds: resolved.sinceSeconds ?? null,
          noCreate: resolved.noCreate,
          maxLogLines: resolved.maxLogLines,
          maxLogBytes: resolved.maxLogBytes,
          recentFailures: resolved.recentFailures,
        },
        requests: client.requestCount,
      };
      await collector.writeText(MANIFEST, `${JSON.stringify(manifest, null, 2)}\n`);
      // Written last and not itself redacted: it holds counts only, never a secret.
      const redactions: RedactionsFile = {
        tool: { name: TOOL_NAME, version: TOOL_VERSION },
        generatedAt: clock().toISOString(),
        input: `${client.server}${context ? ` (context ${context})` : ''}`,
        ...(await offload.summary()),
        skipped: [],
      };
      // The worker has nothing left to do: it stops while the archive is finished.
      const stopping = offload.close();
      await writer.addFile(REDACTIONS_FILE, `${JSON.stringify(redactions, null, 2)}\n`);
      const written = await writer.close();
      await stopping;
      return { path: written.path, manifest, durationMs: Date.now() - started };
    } catch (error) {
      await writer.abort();
      throw error;
    }
  } finally {
    client.close();
    await offload.close();
  }
}

/** The `--cacert` file: PEM certificates, read before anything is asked of the cluster. */
async function readCaFile(path: string): Promise<string> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new InputError(path, `cannot read the CA file: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : firstLine(error)}`);
  }
  if (!text.includes('-----BEGIN CERTIFICATE-----')) throw new InputError(path, 'not a PEM CA certificate file (no "-----BEGIN CERTIFICATE-----" in it)');
  return text;
}

/** The first request: turns "no cluster there" and "not allowed in" into one clear line. */
async function connect(client: KubeClient, context: string | null): Promise<VersionInfo> {
  const where = `${client.server}${context ? ` (context "${context}")` : ''}`;
  try {
    return await client.getJson<VersionInfo>('/version');
  } catch (error) {
    if (error instanceof KubeApiError) {
      if (error.status === 401) throw new CollectError(`the cluster at ${where} refused the credentials (401 Unauthorized): log in again or check the kubeconfig user`);
      if (error.status === 403) throw new CollectError(`the cluster at ${where} denies access to /version (403 Forbidden): ${error.message}`);
      throw new CollectError(`the cluster at ${where} answered ${error.message}`);
    }
    if (error instanceof KubeNetworkError) throw new CollectError(`cannot reach the cluster at ${where}: ${error.message}`);
    throw error;
  }
}

/** troubleshoot's version.yaml; `versionNumber` is this tool's version (the manifest says which tool). */
function versionYaml(): string {
  return `apiVersion: troubleshoot.sh/v1beta2\nkind: SupportBundle\nmetadata:\n  name: ${TOOL_NAME}\nspec:\n  versionNumber: ${TOOL_VERSION}\n`;
}

function firstLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n')[0] ?? '';
}
