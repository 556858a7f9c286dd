// Loading the kubeconfig (a file, $KUBECONFIG, ~/.kube/config, or in-cluster) with one-line errors for every way it goes wrong.
import { existsSync } from 'node:fs';
import { KubeConfig } from '@kubernetes/client-node';
import { CollectError } from '../errors.js';

export interface LoadedKubeConfig {
  kubeConfig: KubeConfig;
  /** The context in use, or null in-cluster. */
  context: string | null;
  /** Where the configuration came from, for messages. */
  source: string;
}

export function loadKubeConfig(options: { kubeconfig?: string; context?: string }): LoadedKubeConfig {
  const kubeConfig = new KubeConfig();
  let source: string;
  if (options.kubeconfig) {
    source = options.kubeconfig;
    if (!existsSync(options.kubeconfig)) throw new CollectError(`${options.kubeconfig}: no such kubeconfig file`);
    try {
      kubeConfig.loadFromFile(options.kubeconfig);
    } catch (error) {
      throw new CollectError(`${options.kubeconfig}: not a valid kubeconfig: ${firstLine(error)}`, { cause: error });
    }
  } else {
    source = process.env.KUBECONFIG || '~/.kube/config';
    try {
      kubeConfig.loadFromDefault();
    } catch (error) {
      throw new CollectError(`${source}: not a valid kubeconfig: ${firstLine(error)}`, { cause: error });
    }
    // client-node's last resort is an unauthenticated http://localhost:8080: treat it as "nothing found".
    const cluster = kubeConfig.getCurrentCluster();
    if (!cluster || (cluster.server === 'http://localhost:8080' && kubeConfig.getCurrentContext() === 'loaded-context')) {
      throw new CollectError('no kubeconfig found: pass --kubeconfig, set KUBECONFIG, or run inside a cluster');
    }
    if (kubeConfig.getCurrentContext() === 'inClusterContext') source = 'the in-cluster service account';
  }
  if (options.context) {
    if (!kubeConfig.getContextObject(options.context)) {
      const known = kubeConfig.getContexts().map((c) => c.name);
      throw new CollectError(
        `${source}: no context "${options.context}"${known.length > 0 ? ` (contexts: ${known.join(', ')})` : ''}`,
      );
    }
    kubeConfig.setCurrentContext(options.context);
  }
  const current = kubeConfig.getCurrentContext();
  const contextObject = current ? kubeConfig.getContextObject(current) : null;
  if (!contextObject && current !== 'inClusterContext') {
    throw new CollectError(`${source}: the current context "${current ?? ''}" is not defined`);
  }
  const cluster = kubeConfig.getCurrentCluster();
  if (!cluster?.server) throw new CollectError(`${source}: context "${current}" names no cluster with a server address`);
  if (!/^https?:\/\//.test(cluster.server)) throw new CollectError(`${source}: the server "${cluster.server}" is not an http(s) URL`);
  return { kubeConfig, context: current === 'inClusterContext' ? null : current, source };
}

function firstLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n')[0] ?? '';
}
