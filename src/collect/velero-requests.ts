// The Velero requests the collector creates, as the velero CLI does: ServerStatusRequest (versions) and DownloadRequest (logs, results).
import { gunzipSync } from 'node:zlib';
import type { KubeObject } from '../model/kube.js';
import type { KubeClient } from './client.js';
import { Priority } from './limiter.js';

const GENERATE_NAME = 'snapshot-doctor-';

/** Polls an object until `done` says so or `waitMs` passes; returns the last state seen. */
async function pollUntil(
  client: KubeClient,
  path: string,
  waitMs: number,
  done: (object: KubeObject) => boolean,
): Promise<{ object: KubeObject; done: boolean }> {
  const until = Date.now() + waitMs;
  let delay = 25;
  for (;;) {
    await new Promise((resolve) => setTimeout(resolve, Math.min(delay, Math.max(0, until - Date.now()))));
    const object = await client.getJson<KubeObject>(path, undefined, { priority: Priority.CHAIN });
    if (done(object)) return { object, done: true };
    if (Date.now() >= until) return { object, done: false };
    delay = Math.min(delay * 2, 1000);
  }
}

/** Creates an object, runs `use` on it, and deletes it whatever happens. */
async function withCreated<T>(client: KubeClient, collectionPath: string, body: KubeObject, use: (itemPath: string) => Promise<T>): Promise<T> {
  const created = await client.postJson<KubeObject>(collectionPath, body);
  const itemPath = `${collectionPath}/${encodeURIComponent(created.metadata.name)}`;
  try {
    return await use(itemPath);
  } finally {
    await client.delete(itemPath, { priority: Priority.CHAIN }).catch(() => {
      // Velero garbage-collects processed requests itself (DownloadRequests after their URL expires).
    });
  }
}

export interface ServerStatus {
  /** The request as last seen (phase Processed, or still New when the server did not answer). */
  object: KubeObject;
  processed: boolean;
  serverVersion: string | null;
  plugins: { name: string; kind: string }[];
}

/** What `velero version` and `velero plugin get` ask: the server's version and its registered plugins. */
export async function requestServerStatus(client: KubeClient, namespace: string, waitMs: number): Promise<ServerStatus> {
  const collection = `/apis/velero.io/v1/namespaces/${encodeURIComponent(namespace)}/serverstatusrequests`;
  const body = { apiVersion: 'velero.io/v1', kind: 'ServerStatusRequest', metadata: { namespace, generateName: GENERATE_NAME } } as unknown as KubeObject;
  return withCreated(client, collection, body, async (itemPath) => {
    const { object, done } = await pollUntil(client, itemPath, waitMs, (o) => o.status?.phase === 'Processed');
    return {
      object,
      processed: done,
      serverVersion: done ? (object.status?.serverVersion ?? null) : null,
      plugins: done ? ((object.status?.plugins as ServerStatus['plugins'] | undefined) ?? []) : [],
    };
  });
}

export type DownloadTargetKind = 'BackupLog' | 'BackupResults' | 'RestoreLog' | 'RestoreResults';

/** Thrown when the Velero server never filled in the download URL. */
export class DownloadNotProcessedError extends Error {}

/**
 * What `velero backup logs` does: create a DownloadRequest, wait for its pre-signed URL, fetch the
 * object (gzip in the bucket) and delete the request. Returns the decompressed content.
 */
export async function download(client: KubeClient, namespace: string, kind: DownloadTargetKind, name: string, waitMs: number, caCert?: string): Promise<Buffer> {
  const collection = `/apis/velero.io/v1/namespaces/${encodeURIComponent(namespace)}/downloadrequests`;
  const body = {
    apiVersion: 'velero.io/v1',
    kind: 'DownloadRequest',
    metadata: { namespace, generateName: GENERATE_NAME },
    spec: { target: { kind, name } },
  } as unknown as KubeObject;
  return withCreated(client, collection, body, async (itemPath) => {
    const { object, done } = await pollUntil(client, itemPath, waitMs, (o) => Boolean(o.status?.downloadURL));
    if (!done) {
      throw new DownloadNotProcessedError(
        `the Velero server did not answer the DownloadRequest within ${Math.round(waitMs / 1000)} s (phase ${object.status?.phase ?? 'New'}): is it running, and is the backup storage location available?`,
      );
    }
    let data: Buffer;
    try {
      data = await client.download(String(object.status?.downloadURL), { priority: Priority.CHAIN, ...(caCert ? { caCert } : {}) });
    } catch (error) {
      // The URL points at the bucket: its answer (NoSuchKey, AccessDenied, a DNS name only the cluster resolves) is the news.
      if (error instanceof Error) error.message = `object storage: ${error.message}`;
      throw error;
    }
    return isGzip(data) ? gunzipSync(data) : data;
  });
}

function isGzip(data: Buffer): boolean {
  return data.length >= 2 && data[0] === 0x1f && data[1] === 0x8b;
}
