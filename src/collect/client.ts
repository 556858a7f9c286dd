// The HTTP client the collector talks to the API server with: client-node's auth and TLS, bounded concurrency, retries inside a deadline.
import http from 'node:http';
import https from 'node:https';
import { rootCertificates } from 'node:tls';
import type { KubeConfig } from '@kubernetes/client-node';
import { Limiter, type Priority, type Slot } from './limiter.js';

export interface KubeClientOptions {
  /** Requests in flight at once. */
  concurrency: number;
  /** One attempt of one request is abandoned (and retried) after this long. */
  requestTimeoutMs: number;
  /** Epoch milliseconds after which no request starts or retries. */
  deadline: number;
  /** Extra attempts for transient failures (timeouts, resets, 429 and 5xx). */
  retries: number;
  /** The first backoff delay; it doubles with each retry (with jitter). */
  backoffMs: number;
  /** TLS toward object stores (pre-signed download URLs), apart from the cluster's: `--cacert`, `--insecure-skip-tls-verify`. */
  objectStore?: ObjectStoreTls;
}

/** How object-store downloads trust servers, as `velero backup logs` does (`--cacert`, `--insecure-skip-tls-verify`). */
export interface ObjectStoreTls {
  /** PEM certificates trusted besides the system's (a private CA of MinIO or another S3-compatible store). */
  ca?: string[];
  insecureSkipTlsVerify?: boolean;
}

/** The API server answered with an error status (its Status message is kept). */
export class KubeApiError extends Error {
  constructor(
    readonly path: string,
    readonly status: number,
    readonly reason: string | undefined,
    message: string,
  ) {
    super(message);
  }
}

/** The request never got an answer: connection refused, DNS, TLS, a timeout, or the deadline. */
export class KubeNetworkError extends Error {
  constructor(
    readonly path: string,
    message: string,
    readonly code?: string,
  ) {
    super(message);
  }
}

interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  /** The body as it arrived, one Buffer per read (each owning its memory, so it can move to a worker). */
  chunks: Buffer[];
  /** The body in one Buffer, joined on first use. */
  readonly body: Buffer;
}

function answerOf(status: number, headers: http.IncomingHttpHeaders, chunks: Buffer[]): Answer {
  let body: Buffer | undefined;
  return {
    status,
    headers,
    chunks,
    get body() {
      return (body ??= chunks.length === 1 && chunks[0] ? chunks[0] : Buffer.concat(chunks));
    },
  };
}

const TRANSIENT_STATUS = new Set([429, 500, 502, 503, 504]);
const TRANSIENT_CODES = new Set(['ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ECONNABORTED', 'EAI_AGAIN', 'TIMEOUT', 'ECONNREFUSED']);

/**
 * Raw JSON and text requests against the API server. Objects are kept exactly as the server sent
 * them (the typed client-node APIs would turn timestamps into Dates and drop unknown fields, which a
 * diagnostic bundle must not do); credentials, TLS and proxies come from client-node's KubeConfig.
 */
export class KubeClient {
  /** Requests sent, including retries and object-store downloads. */
  requestCount = 0;
  readonly server: string;
  private readonly limiter: Limiter;
  private readonly agent: http.Agent;
  private closed = false;
  private readonly downloadAgents = new Map<string, https.Agent>();
  private staticAuth: http.OutgoingHttpHeaders | undefined;

  constructor(
    private readonly kubeConfig: KubeConfig,
    private readonly options: KubeClientOptions,
    baseAgentOptions: https.AgentOptions,
    proxyAgent?: http.Agent,
  ) {
    const cluster = kubeConfig.getCurrentCluster();
    this.server = (cluster?.server ?? '').replace(/\/+$/, '');
    this.limiter = new Limiter(options.concurrency);
    const agentOptions = { ...baseAgentOptions, keepAlive: true, maxSockets: options.concurrency };
    this.agent = proxyAgent ?? (this.server.startsWith('http:') ? new http.Agent(agentOptions) : new https.Agent(agentOptions));
  }

  /** Builds a client from a loaded KubeConfig (its current context). */
  static async create(kubeConfig: KubeConfig, options: KubeClientOptions): Promise<KubeClient> {
    const probe: https.RequestOptions = {};
    await kubeConfig.applyToHTTPSOptions(probe);
    const tls: https.AgentOptions = {};
    for (const key of ['ca', 'cert', 'key', 'pfx', 'passphrase', 'rejectUnauthorized', 'servername'] as const) {
      if (probe[key] !== undefined) (tls as Record<string, unknown>)[key] = probe[key];
    }
    const cluster = kubeConfig.getCurrentCluster();
    if (cluster?.skipTLSVerify) tls.rejectUnauthorized = false;
    if (cluster?.tlsServerName) tls.servername = cluster.tlsServerName;
    // Proxies need client-node's own agent; otherwise a keep-alive agent sized to the concurrency.
    return new KubeClient(kubeConfig, options, tls, cluster?.proxyUrl ? (probe.agent as http.Agent) : undefined);
  }

  /** Ends every request under way and refuses new ones (no retries): collection is over. */
  close(): void {
    this.closed = true;
    this.agent.destroy();
    for (const agent of this.downloadAgents.values()) agent.destroy();
  }

  /**
   * The credentials' headers. Exec plugins, auth providers and token files (in-cluster service
   * accounts rotate theirs) are asked before every request, as client-node does; a static token,
   * client certificate or password once.
   */
  private async authHeaders(): Promise<http.OutgoingHttpHeaders> {
    if (this.staticAuth) return this.staticAuth;
    const opts: https.RequestOptions = { headers: {} };
    await this.kubeConfig.applyToHTTPSOptions(opts);
    const headers: http.OutgoingHttpHeaders = { ...(opts.headers as http.OutgoingHttpHeaders) };
    if (opts.auth) headers.authorization = `Basic ${Buffer.from(opts.auth).toString('base64')}`;
    const user = this.kubeConfig.getCurrentUser();
    const inCluster = this.kubeConfig.getCurrentContext() === 'inClusterContext';
    if (user && !user.exec && !user.authProvider && !inCluster) this.staticAuth = headers;
    return headers;
  }

  // Every request waits for a concurrency slot, by priority (see limiter.ts), unless it is sent in a
  // slot its caller holds (withSlot).

  async getJson<T>(path: string, query?: Query, how?: KubeRequestOptions): Promise<T> {
    return parseJson<T>(path, await this.getBody(path, query, how));
  }

  /** The raw JSON bytes of a GET. */
  async getBody(path: string, query?: Query, how?: KubeRequestOptions): Promise<Buffer> {
    return (await this.get(path, query, how)).body;
  }

  /**
   * The raw JSON bytes of a GET as they arrived, not joined: a big list page goes to the worker as it
   * is, rather than joined on the main thread, which sends the requests (bench/README.md, "Choices in the code").
   */
  async getChunks(path: string, query?: Query, how?: KubeRequestOptions): Promise<Buffer[]> {
    return (await this.get(path, query, how)).chunks;
  }

  private get(path: string, query: Query | undefined, how: KubeRequestOptions | undefined): Promise<Answer> {
    return this.request('GET', withQuery(path, query), undefined, how?.accept ?? 'application/json', how);
  }

  async getText(path: string, query?: Query, how?: KubeRequestOptions): Promise<string> {
    const answer = await this.request('GET', withQuery(path, query), undefined, 'text/plain', how);
    return answer.body.toString('utf8');
  }

  async postJson<T>(path: string, body: unknown, how?: KubeRequestOptions): Promise<T> {
    const answer = await this.request('POST', path, JSON.stringify(body), 'application/json', how);
    return parseJson<T>(path, answer.body);
  }

  async delete(path: string, how?: KubeRequestOptions): Promise<void> {
    await this.request('DELETE', path, undefined, 'application/json', how);
  }

  /**
   * GETs a pre-signed object-store URL (no cluster credentials are sent to it). `caCert` is the
   * location's `spec.objectStorage.caCert` (PEM), trusted for this download on top of the system's
   * roots and `--cacert`.
   */
  async download(url: string, how?: KubeRequestOptions & { caCert?: string }): Promise<Buffer> {
    const agent = url.startsWith('https:') ? this.objectStoreAgent(how?.caCert) : undefined;
    const answer = await this.attempts(url, () => this.send('GET', url, undefined, undefined, false, agent), how);
    return answer.body;
  }

  /** One keep-alive agent per set of trusted CAs; undefined (Node's global agent) when nothing differs from the defaults. */
  private objectStoreAgent(caCert: string | undefined): https.Agent | undefined {
    const tls = this.options.objectStore ?? {};
    const extra = [...(tls.ca ?? []), ...(caCert ? [caCert] : [])];
    if (extra.length === 0 && !tls.insecureSkipTlsVerify) return undefined;
    const key = `${tls.insecureSkipTlsVerify ? 'insecure' : ''}\0${extra.join('\0')}`;
    let agent = this.downloadAgents.get(key);
    if (!agent) {
      agent = new https.Agent({
        keepAlive: true,
        maxSockets: this.options.concurrency,
        rejectUnauthorized: !tls.insecureSkipTlsVerify,
        ...(extra.length > 0 ? { ca: [...rootCertificates, ...extra] } : {}),
      });
      this.downloadAgents.set(key, agent);
    }
    return agent;
  }

  /**
   * Runs `use` holding one concurrency slot, for requests it makes one after another with `{ slot }`:
   * the pages of a list, each asked for the moment the last arrives rather than queued again
   * behind requests that started meanwhile (bench/collect.bench.ts).
   */
  async withSlot<T>(priority: Priority, use: (slot: Slot) => Promise<T>): Promise<T> {
    const slot = await this.limiter.acquire(priority);
    try {
      return await use(slot);
    } finally {
      slot.release();
    }
  }

  private async request(method: string, path: string, body: string | undefined, accept: string, how?: KubeRequestOptions): Promise<Answer> {
    return this.attempts(path, () => this.send(method, this.server + path, body, accept, true), how);
  }

  /** Runs one request with retries for transient failures, each attempt inside the concurrency bound. */
  private async attempts(label: string, send: () => Promise<Answer>, how: KubeRequestOptions = {}): Promise<Answer> {
    for (let attempt = 0; ; attempt += 1) {
      let failure: unknown;
      try {
        const answer = await (how.slot ? how.slot.run(send) : this.limiter.run(send, how.priority));
        if (answer.status < 400) return answer;
        failure = apiError(label, answer);
        if (!TRANSIENT_STATUS.has(answer.status)) throw failure;
        const retryAfter = Number(answer.headers['retry-after']);
        if (retryAfter > 0) await this.wait(label, Math.min(retryAfter * 1000, 10_000), failure);
      } catch (error) {
        if (error instanceof KubeApiError && !TRANSIENT_STATUS.has(error.status)) throw error;
        if (error instanceof KubeNetworkError && !TRANSIENT_CODES.has(error.code ?? '')) throw error;
        failure = error;
      }
      if (attempt >= this.options.retries) throw failure;
      const backoff = this.options.backoffMs * 2 ** attempt * (0.75 + Math.random() / 2);
      await this.wait(label, backoff, failure);
    }
  }

  private async wait(label: string, ms: number, failure: unknown): Promise<void> {
    if (Date.now() + ms >= this.options.deadline) {
      const last = failure instanceof Error ? `: ${failure.message}` : '';
      throw new KubeNetworkError(label, `gave up when the collection deadline was reached${last}`, 'DEADLINE');
    }
    await new Promise((resolve) => setTimeout(resolve, ms));
  }

  private async send(method: string, url: string, body: string | undefined, accept: string | undefined, auth: boolean, downloadAgent?: http.Agent): Promise<Answer> {
    if (this.closed) throw new KubeNetworkError(url, 'collection was stopped', 'STOPPED');
    const remaining = this.options.deadline - Date.now();
    if (remaining <= 0) throw new KubeNetworkError(url, 'the collection deadline was reached', 'DEADLINE');
    const timeout = Math.min(this.options.requestTimeoutMs, remaining);
    const headers: http.OutgoingHttpHeaders = { 'user-agent': 'snapshot-doctor' };
    if (accept) headers.accept = accept;
    if (body !== undefined) {
      headers['content-type'] = 'application/json';
      headers['content-length'] = Buffer.byteLength(body);
    }
    const target = new URL(url);
    let agent: http.Agent | undefined = this.agent;
    if (auth) {
      Object.assign(headers, await this.authHeaders());
    } else {
      agent = downloadAgent;
    }
    this.requestCount += 1;
    const transport = target.protocol === 'http:' ? http : https;
    return new Promise<Answer>((resolve, reject) => {
      const req = transport.request(target, { method, headers, agent }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve(answerOf(res.statusCode ?? 0, res.headers, chunks)));
        res.on('error', (error) => reject(networkError(url, error)));
      });
      req.setTimeout(timeout, () => req.destroy(Object.assign(new Error(`no answer within ${timeout} ms`), { code: 'TIMEOUT' })));
      req.on('error', (error) => reject(networkError(url, error)));
      req.end(body);
    });
  }
}

type Query = Record<string, string | number | boolean | undefined>;

export interface KubeRequestOptions {
  /** When the request may start: when the limiter gives it a slot, by priority (OPENS unless said)… */
  priority?: Priority;
  /** …or at once, in a slot its caller holds (withSlot). */
  slot?: Slot;
  /** The Accept header of a JSON request. */
  accept?: string;
}

function withQuery(path: string, query?: Query): string {
  if (!query) return path;
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) if (value !== undefined && value !== '') params.set(key, String(value));
  const text = params.toString();
  return text ? `${path}?${text}` : path;
}

export function parseJson<T>(path: string, body: Buffer | string): T {
  try {
    return JSON.parse(typeof body === 'string' ? body : body.toString('utf8')) as T;
  } catch {
    throw new KubeApiError(path, 200, undefined, 'the answer is not JSON');
  }
}

function apiError(path: string, answer: Answer): KubeApiError {
  let message = `HTTP ${answer.status}`;
  let reason: string | undefined;
  try {
    const status = JSON.parse(answer.body.toString('utf8')) as { message?: string; reason?: string };
    if (status.message) message = `${status.message} (HTTP ${answer.status})`;
    reason = status.reason;
  } catch {
    const text = answer.body.toString('utf8').trim();
    const code = /<Code>([^<]+)<\/Code>/.exec(text)?.[1];
    if (code) message = `${code} (HTTP ${answer.status})`;
    else if (text) message = `${text.split('\n')[0]?.slice(0, 200)} (HTTP ${answer.status})`;
  }
  return new KubeApiError(path.replace(/\?.*$/, ''), answer.status, reason, message);
}

function networkError(url: string, error: Error & { code?: string }): KubeNetworkError {
  const message = error.code && !error.message.includes(error.code) ? `${error.code}: ${error.message}` : error.message;
  return new KubeNetworkError(url.replace(/\?.*$/, ''), message, error.code);
}
