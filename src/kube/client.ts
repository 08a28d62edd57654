// The one place that talks to the API server: paginated lists, guarded patches and deletes, watches, access reviews,
// with retries on throttling (429 + Retry-After) and transient 5xx answers. It is over 400 lines because each verb's
// guard, retry and error translation stay beside the request that needs them.

import https from 'node:https';
import http from 'node:http';
import { urlToHttpOptions } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import type { KubeConfig } from '@kubernetes/client-node';
import { apiErrorFromResponse, ConnectionResetError, credentialError, KubeApiError, transportError } from './errors.ts';
import { apiVersionOf, BUILTIN_TYPES, type KubeObject, type ResourceType } from './objects.ts';
import { MigrateError } from '../errors.ts';

export interface RequestLog {
  method: string;
  url: string;
  status: number;
  milliseconds: number;
}

export interface KubeClientOptions {
  /** Called once per HTTP exchange, for -v. */
  onRequest?: (entry: RequestLog) => void;
  /** Upper bound on parallel connections; matches --concurrency. */
  maxSockets?: number;
  requestTimeoutMs?: number;
  maxRetries?: number;
}

export interface ListOptions {
  namespace?: string | undefined;
  labelSelector?: string | undefined;
  fieldSelector?: string | undefined;
  /** Objects per page; by default FIRST_PAGE_SIZE then PAGE_SIZE, with lists of up to WHOLE_LIST_AT_MOST read again whole. */
  pageSize?: number;
  /** Told once how many objects the list holds, when its first page says (not with a label selector, which hides it). */
  onSize?: (objects: number) => void;
}

/**
 * The first page of a list mostly tells how long the list is: when the list is then read whole, this page is
 * dropped, so it is kept small. 4,000 old TrainingJobs: 10-15 ms for a first page of 100, 45-75 ms for one of 500,
 * the time the decision to use the whole list's answer (asked for at once beside it) waits.
 */
export const FIRST_PAGE_SIZE = 100;
export const PAGE_SIZE = 500;
/**
 * A list whose first page says it holds at most this many objects is asked for again in one page. The API server
 * answers a first page from its watch cache, while each later page (a continue token) is a read at the first page's
 * revision that cost 2 to 5 times as much per object here and grows with the writes and deletes etcd keeps until it
 * compacts (every 5 minutes by default), such as a migration's own: after rounds of 2,000 creates and deletes,
 * 4,000 old and 2,000 ACK TrainingJobs took 1.8 to 2.2 s by pages of 500, 0.4 to 0.7 s in one page each
 * (docs/benchmarks.md). Larger lists keep pages of 500: a first page of 5,000 raised adopt's peak memory over
 * 50,000 objects by 40 MiB.
 */
export const WHOLE_LIST_AT_MOST = 5000;
/**
 * A cluster-wide list of more objects than WHOLE_LIST_AT_MOST is read namespace by namespace (each namespace from the
 * watch cache, whole up to WHOLE_LIST_AT_MOST) when it holds at least this many objects per namespace on average.
 * Its later pages would otherwise be read from etcd whenever the API server has no snapshot of the list's revision:
 * always before Kubernetes 1.34, and from 1.34 on once etcd compacted past the kind's last change (every 5 minutes
 * by default), which on a quiet cluster is the usual case: 12,000 ACK TrainingJobs by pages of 500 took 1.4 to
 * 1.7 s, and 6.5 to 7.2 s after eleven minutes without a change to them; namespace by namespace 1.3 to 2.0 s either
 * way (docs/benchmarks.md). With fewer objects per namespace, the reads of many small or empty namespaces would cost
 * more than the pages.
 */
export const OBJECTS_PER_NAMESPACE_TO_SPLIT = 100;

export interface WatchEvent {
  type: 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';
  object: KubeObject;
}

export interface AccessCheck {
  verb: string;
  group: string;
  resource: string;
  namespace?: string | undefined;
}

type Query = Record<string, string | number | boolean | undefined>;

interface RequestSpec {
  method: string;
  path: string;
  query?: Query;
  body?: unknown;
  contentType?: string;
  /** The caller has no use for the answer's body: it is drained, not decoded (the object a create or delete echoes). */
  discardBody?: boolean;
}

const RETRYABLE_STATUS = new Set([429, 500, 502, 503, 504]);

export class KubeClient {
  readonly server: string;
  requestCount = 0;
  private readonly kubeConfig: KubeConfig;
  private readonly options: KubeClientOptions;
  private agent: https.Agent | http.Agent | undefined;
  /** Watches hold their connection for minutes; they get their own unpooled agent so requests never queue behind them. */
  private watchAgent: https.Agent | http.Agent | undefined;
  private staticAuthHeaders: Promise<Record<string, string>> | undefined;
  /** The current user's credentials come from an exec plugin or auth provider (asked for per request). */
  private expiringCredentials: boolean | undefined;
  private endpoint: Endpoint | undefined;

  constructor(kubeConfig: KubeConfig, options: KubeClientOptions = {}) {
    this.kubeConfig = kubeConfig;
    this.options = options;
    const cluster = kubeConfig.getCurrentCluster();
    this.server = (cluster?.server ?? '').replace(/\/+$/, '');
  }

  close(): void {
    this.agent?.destroy();
    this.watchAgent?.destroy();
  }

  // ---- typed operations -------------------------------------------------------------------------------

  async get(type: ResourceType, name: string, namespace?: string): Promise<KubeObject> {
    return (await this.request({ method: 'GET', path: objectPath(type, namespace, name) })) as KubeObject;
  }

  /**
   * Every page of a list (limit + continue), items carrying apiVersion/kind, which lists omit on items. The next page
   * is asked for before this one is handed out, so the API server prepares it while the caller works on this one;
   * it is kept as text until the caller comes back, so only one page is ever held as objects.
   */
  private async *pages(type: ResourceType, options: ListOptions, splitByNamespace = false): AsyncGenerator<{ items: KubeObject[]; resourceVersion: string }> {
    type Page = { items?: KubeObject[]; metadata?: { continue?: string; resourceVersion?: string; remainingItemCount?: number } };
    const fetchPage = (continueToken: string | undefined, limit = options.pageSize ?? (continueToken ? PAGE_SIZE : FIRST_PAGE_SIZE), signal?: AbortSignal): Promise<string> => this.requestText({
      method: 'GET',
      path: collectionPath(type, options.namespace),
      query: { limit, continue: continueToken, labelSelector: options.labelSelector, fieldSelector: options.fieldSelector },
    }, signal);
    let next: Promise<string> | undefined = fetchPage(undefined);
    // A cluster-wide list is asked for whole beside its first page: a list that page shows to be small enough is then
    // read from the answer already on its way, a round trip sooner (50-100 ms of adopt's start, the API server busy
    // with every kind's list at once). A list the first page holds whole lets that answer run out (its connection is
    // kept); a longer one cuts it off unread. A namespace's list (cleanup reads one per namespace and kind, between
    // its writes) waits for its first page instead of asking twice.
    let wholeAhead = options.pageSize === undefined && options.namespace === undefined
      ? askedAhead((signal) => fetchPage(undefined, WHOLE_LIST_AT_MOST, signal))
      : undefined;
    let firstPage = true;
    try {
      while (next) {
        const page = JSON.parse((await next) || '{}') as Page;
        const continueToken = page.metadata?.continue || undefined;
        const remaining = page.metadata?.remainingItemCount;
        const total = !continueToken ? page.items?.length ?? 0 : remaining === undefined ? undefined : (page.items?.length ?? 0) + remaining;
        if (firstPage && total !== undefined) options.onSize?.(total);
        /** A first page of a list that goes on, whose length it tells: it may be read another way than by pages. */
        const sizedAndGoingOn = firstPage && continueToken !== undefined && options.pageSize === undefined && total !== undefined;
        if (sizedAndGoingOn && total <= WHOLE_LIST_AT_MOST) {
          // Read again whole, from the cache, rather than page on through etcd; this first page is dropped unseen.
          firstPage = false;
          next = wholeAhead?.answer ?? fetchPage(undefined, WHOLE_LIST_AT_MOST);
          wholeAhead = undefined;
          continue;
        }
        if (continueToken !== undefined) wholeAhead?.cancel();
        wholeAhead = undefined;
        const namespaces = sizedAndGoingOn && splitByNamespace && type.namespaced && options.namespace === undefined
          ? await this.namespacesToSplitBy(total)
          : undefined;
        if (namespaces) {
          // Each namespace is a list of its own, read from the cache; this first page is dropped unseen.
          next = undefined;
          for (const namespace of namespaces) yield* this.pages(type, { ...options, namespace, onSize: undefined });
          return;
        }
        firstPage = false;
        next = continueToken ? fetchPage(continueToken) : undefined;
        yield {
          items: (page.items ?? []).map((item) => ({ ...item, apiVersion: apiVersionOf(type), kind: type.kind })),
          resourceVersion: page.metadata?.resourceVersion ?? '',
        };
      }
    } finally {
      // A caller that stops early leaves a page no one reads: its failure must not surface as an unhandled rejection.
      next?.catch(() => undefined);
      wholeAhead?.cancel();
    }
  }

  /**
   * Yields items page by page, so memory stays bounded on large clusters. A large cluster-wide list may be read
   * namespace by namespace (OBJECTS_PER_NAMESPACE_TO_SPLIT): each namespace is then as of its own read, not the whole
   * list as of one revision, which no caller of this method needs (listSnapshot gives one revision).
   */
  async *list(type: ResourceType, options: ListOptions = {}): AsyncGenerator<KubeObject> {
    for await (const page of this.pages(type, options, true)) yield* page.items;
  }

  /** The namespaces to read a cluster-wide list of `total` objects by, or undefined to page on as one list. */
  private async namespacesToSplitBy(total: number): Promise<string[] | undefined> {
    let names: string[];
    try {
      names = (await this.listAll(BUILTIN_TYPES.namespace)).map((namespace) => namespace.metadata.name);
    } catch (error) {
      // Without the right to list namespaces (or any answer for them), the list is read as it began.
      if (error instanceof MigrateError) return undefined;
      throw error;
    }
    return names.length > 0 && names.length * OBJECTS_PER_NAMESPACE_TO_SPLIT <= total ? names : undefined;
  }

  async listAll(type: ResourceType, options: ListOptions = {}): Promise<KubeObject[]> {
    return (await this.listSnapshot(type, options)).items;
  }

  /** All pages, and the resourceVersion of the snapshot (the first page's): a watch started from it misses no change. */
  async listSnapshot(type: ResourceType, options: ListOptions = {}): Promise<{ items: KubeObject[]; resourceVersion: string }> {
    const items: KubeObject[] = [];
    let resourceVersion = '';
    for await (const page of this.pages(type, options)) {
      resourceVersion ||= page.resourceVersion;
      items.push(...page.items);
    }
    return { items, resourceVersion };
  }

  async create(type: ResourceType, object: KubeObject, options: { dryRun?: boolean } = {}): Promise<void> {
    await this.request({
      method: 'POST',
      path: collectionPath(type, object.metadata.namespace),
      // Strict, as kubectl does by default: a field the CRD does not know is an error, not silently pruned.
      query: { dryRun: options.dryRun ? 'All' : undefined, fieldManager: 'kubectl-sagemaker-migrate', fieldValidation: 'Strict' },
      body: object,
      discardBody: true,
    });
  }

  async mergePatch(type: ResourceType, name: string, namespace: string | undefined, patch: unknown): Promise<KubeObject> {
    return (await this.request({
      method: 'PATCH',
      path: objectPath(type, namespace, name),
      query: { fieldManager: 'kubectl-sagemaker-migrate' },
      body: patch,
      contentType: 'application/merge-patch+json',
    })) as KubeObject;
  }

  async jsonPatch(type: ResourceType, name: string, namespace: string | undefined, operations: unknown[]): Promise<KubeObject> {
    return (await this.request({
      method: 'PATCH',
      path: objectPath(type, namespace, name),
      query: { fieldManager: 'kubectl-sagemaker-migrate' },
      body: operations,
      contentType: 'application/json-patch+json',
    })) as KubeObject;
  }

  async patchStatus(type: ResourceType, name: string, namespace: string | undefined, patch: unknown): Promise<KubeObject> {
    return (await this.request({
      method: 'PATCH',
      path: `${objectPath(type, namespace, name)}/status`,
      body: patch,
      contentType: 'application/merge-patch+json',
    })) as KubeObject;
  }

  /** Deletes only the object with this uid (and resourceVersion, when given): never a newer object of the same name. */
  async delete(
    type: ResourceType,
    name: string,
    namespace: string | undefined,
    preconditions: { uid?: string; resourceVersion?: string } = {},
  ): Promise<void> {
    await this.request({
      method: 'DELETE',
      path: objectPath(type, namespace, name),
      body: { apiVersion: 'v1', kind: 'DeleteOptions', preconditions },
      discardBody: true,
    });
  }

  async serverVersion(): Promise<{ gitVersion: string }> {
    return (await this.request({ method: 'GET', path: '/version' })) as { gitVersion: string };
  }

  /** The resources a group/version serves, or undefined when the API server does not serve it. */
  async groupVersionResources(group: string, version: string): Promise<Array<{ name: string; kind: string; namespaced: boolean }> | undefined> {
    try {
      const list = (await this.request({ method: 'GET', path: `/apis/${group}/${version}` })) as {
        resources?: Array<{ name: string; kind: string; namespaced: boolean }>;
      };
      return (list.resources ?? []).filter((resource) => !resource.name.includes('/'));
    } catch (error) {
      if (error instanceof KubeApiError && error.code === 404) return undefined;
      throw error;
    }
  }

  async canI(check: AccessCheck): Promise<boolean> {
    const review = (await this.request({
      method: 'POST',
      path: '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews',
      body: {
        apiVersion: 'authorization.k8s.io/v1',
        kind: 'SelfSubjectAccessReview',
        spec: { resourceAttributes: { verb: check.verb, group: check.group, resource: check.resource, namespace: check.namespace } },
      },
    })) as { status?: { allowed?: boolean } };
    return review.status?.allowed === true;
  }

  /**
   * Streams watch events from resourceVersion until the signal aborts or the server closes the stream (it does so
   * after timeoutSeconds). --request-timeout bounds only the opening of the stream, never how long it stays open.
   * An expired resourceVersion comes as an ERROR event or a 410 KubeApiError; a dropped connection as a
   * ClusterError. Resuming is the caller's: see informer.ts.
   */
  async *watch(
    type: ResourceType,
    options: { namespace?: string | undefined; resourceVersion?: string; labelSelector?: string; timeoutSeconds?: number },
    signal: AbortSignal,
  ): AsyncGenerator<WatchEvent> {
    const spec: RequestSpec = {
      method: 'GET',
      path: collectionPath(type, options.namespace),
      query: {
        watch: 'true',
        allowWatchBookmarks: 'true',
        resourceVersion: options.resourceVersion,
        labelSelector: options.labelSelector,
        timeoutSeconds: options.timeoutSeconds ?? 300,
      },
    };
    const started = Date.now();
    const response = await this.open(spec, signal, true);
    const status = response.statusCode ?? 0;
    this.options.onRequest?.({ method: 'WATCH', url: this.url(spec), status, milliseconds: Date.now() - started });
    if (status < 200 || status >= 300) throw apiErrorFromResponse('GET', this.url(spec), status, await readBody(response));
    let buffered = '';
    try {
      for await (const chunk of response) {
        buffered += (chunk as Buffer).toString('utf8');
        let newline = buffered.indexOf('\n');
        while (newline >= 0) {
          const line = buffered.slice(0, newline).trim();
          buffered = buffered.slice(newline + 1);
          if (line) yield JSON.parse(line) as WatchEvent;
          newline = buffered.indexOf('\n');
        }
      }
    } catch (error) {
      if (signal.aborted) return;
      throw transportError(this.server, error as NodeJS.ErrnoException);
    } finally {
      response.destroy();
    }
  }

  // ---- transport ---------------------------------------------------------------------------------------

  async request(spec: RequestSpec): Promise<unknown> {
    const body = await this.requestText(spec);
    return body.length > 0 ? JSON.parse(body) : {};
  }

  /** The answer's body as text (empty when drained), after retries; a failure as a typed error. */
  private async requestText(spec: RequestSpec, signal?: AbortSignal): Promise<string> {
    const maxRetries = this.options.maxRetries ?? 6;
    for (let attempt = 0; ; attempt += 1) {
      signal?.throwIfAborted();
      const started = Date.now();
      let response: http.IncomingMessage;
      let body: string;
      try {
        response = await this.open(spec, signal);
        const succeeded = (response.statusCode ?? 0) >= 200 && (response.statusCode ?? 0) < 300;
        body = succeeded && spec.discardBody ? await drainBody(response) : await readBody(response);
      } catch (error) {
        // A kept-alive socket the server closed while idle breaks under the next request; every write here is
        // guarded (AlreadyExists, resourceVersion, uid preconditions), so sending it again is safe.
        if (error instanceof ConnectionResetError && attempt < maxRetries && !signal?.aborted) {
          await sleep(retryDelayMs(undefined, attempt));
          continue;
        }
        throw error;
      }
      const status = response.statusCode ?? 0;
      this.options.onRequest?.({ method: spec.method, url: this.url(spec), status, milliseconds: Date.now() - started });
      if (status >= 200 && status < 300) return body;
      if (RETRYABLE_STATUS.has(status) && attempt < maxRetries) {
        await sleep(retryDelayMs(response.headers['retry-after'], attempt));
        continue;
      }
      throw apiErrorFromResponse(spec.method, this.url(spec), status, body);
    }
  }

  private url(spec: RequestSpec): string {
    return `${this.server}${pathAndQuery(spec)}`;
  }

  private async open(spec: RequestSpec, signal?: AbortSignal, streaming = false): Promise<http.IncomingMessage> {
    // The server's part of every URL is parsed once: a create costs no URL parse of its own (2,000 creates: about
    // 25 ms of CPU, measured).
    this.endpoint ??= endpointOf(this.server);
    const endpoint = this.endpoint;
    const headers = await this.authHeaders();
    const payload = spec.body === undefined ? undefined : JSON.stringify(spec.body);
    const agent = streaming ? await this.streamingAgent() : await this.sharedAgent();
    this.requestCount += 1;
    const transport = endpoint.protocol === 'http:' ? http : https;
    return await new Promise<http.IncomingMessage>((resolve, reject) => {
      const request = transport.request(
        {
          ...endpoint.options,
          path: `${endpoint.basePath}${pathAndQuery(spec)}`,
          method: spec.method,
          agent,
          signal,
          timeout: this.options.requestTimeoutMs ?? 60_000,
          headers: {
            ...headers,
            Accept: 'application/json',
            'User-Agent': 'kubectl-sagemaker-migrate',
            ...(payload === undefined ? {} : { 'Content-Type': spec.contentType ?? 'application/json', 'Content-Length': Buffer.byteLength(payload) }),
          },
        },
        (response) => {
          // A stream stays open and may be idle for minutes: the timeout was for establishing it only.
          if (streaming) request.setTimeout(0);
          resolve(response);
        },
      );
      request.on('timeout', () => request.destroy(Object.assign(new Error('request timed out'), { code: 'ETIMEDOUT' })));
      request.on('error', (error: NodeJS.ErrnoException) => reject(signal?.aborted ? error : transportError(this.server, error)));
      request.end(payload);
    });
  }

  private async authHeaders(): Promise<Record<string, string>> {
    // Tokens from exec plugins and auth providers expire (client-node caches them until then), so those are asked
    // for per request; static credentials are read once.
    if (this.expiringCredentials === undefined) {
      const user = this.kubeConfig.getCurrentUser();
      this.expiringCredentials = Boolean(user?.exec || user?.authProvider);
    }
    if (this.expiringCredentials) return await this.readAuthHeaders();
    this.staticAuthHeaders ??= this.readAuthHeaders();
    return await this.staticAuthHeaders;
  }

  private async readAuthHeaders(): Promise<Record<string, string>> {
    const scratch: https.RequestOptions = {};
    try {
      await this.kubeConfig.applyToHTTPSOptions(scratch);
    } catch (error) {
      if (error instanceof MigrateError) throw error;
      throw credentialError(error as Error);
    }
    const headers: Record<string, string> = {};
    for (const [key, value] of Object.entries(scratch.headers ?? {})) {
      if (typeof value === 'string') headers[key] = value;
    }
    if (scratch.auth) headers['Authorization'] = `Basic ${Buffer.from(scratch.auth).toString('base64')}`;
    return headers;
  }

  private async sharedAgent(): Promise<https.Agent | http.Agent> {
    this.agent ??= await this.createAgent({ keepAlive: true, maxSockets: this.options.maxSockets ?? 16 });
    return this.agent;
  }

  private async streamingAgent(): Promise<https.Agent | http.Agent> {
    this.watchAgent ??= await this.createAgent({ keepAlive: false, maxSockets: Infinity });
    return this.watchAgent;
  }

  private async createAgent(pool: { keepAlive: boolean; maxSockets: number }): Promise<https.Agent | http.Agent> {
    if (this.server.startsWith('http:')) return new http.Agent(pool);
    const tls: https.RequestOptions = {};
    try {
      await this.kubeConfig.applyToHTTPSOptions(tls);
    } catch (error) {
      throw credentialError(error as Error);
    }
    const cluster = this.kubeConfig.getCurrentCluster();
    return new https.Agent({
      ...pool,
      ca: tls.ca,
      cert: tls.cert,
      key: tls.key,
      ...(cluster?.skipTLSVerify ? { rejectUnauthorized: false } : {}),
      ...(cluster?.tlsServerName ? { servername: cluster.tlsServerName } : {}),
    });
  }
}

function retryDelayMs(retryAfter: string | string[] | undefined, attempt: number): number {
  const seconds = Number(Array.isArray(retryAfter) ? retryAfter[0] : retryAfter);
  if (Number.isFinite(seconds) && seconds >= 0) return Math.min(seconds, 30) * 1000;
  return Math.min(200 * 2 ** attempt, 5000);
}

/**
 * Reads an answer to its end without keeping it, so that its kept-alive socket serves the next request. An answer
 * cut off mid-body is an error, as it is for readBody.
 */
function drainBody(response: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    response.resume();
    response.on('end', () => resolve(''));
    response.on('error', (error: NodeJS.ErrnoException) => reject(transportError('the API server', error)));
    // Once settled by 'end' or 'error', a later reject is a no-op.
    response.on('close', () => {
      if (!response.complete) reject(transportError('the API server', Object.assign(new Error('the answer was cut off'), { code: 'ECONNRESET' })));
    });
  });
}

// An async iterator rather than 'data' events: read in flowing mode, 50,000 objects' pages took status -A to 15 MiB
// more peak RSS (alternating runs of both builds).
async function readBody(response: http.IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  try {
    for await (const chunk of response) chunks.push(chunk as Buffer);
  } catch (error) {
    throw transportError('the API server', error as NodeJS.ErrnoException);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** A request sent before it is known to be needed: its answer, or cancel() to cut it off (its failure then unseen). */
function askedAhead(send: (signal: AbortSignal) => Promise<string>): { answer: Promise<string>; cancel: () => void } {
  const controller = new AbortController();
  const answer = send(controller.signal);
  answer.catch(() => undefined);
  return { answer, cancel: () => controller.abort() };
}

interface Endpoint {
  protocol: string;
  /** Host, port and any user info of the server URL, as Node takes them. */
  options: http.RequestOptions;
  /** The server URL's own path (an API server behind a proxy), without its trailing slash. */
  basePath: string;
}

function endpointOf(server: string): Endpoint {
  const url = new URL(server);
  const { protocol, hostname, port, auth } = urlToHttpOptions(url);
  return {
    protocol: url.protocol,
    options: { protocol, hostname, ...(port ? { port } : {}), ...(auth ? { auth } : {}) },
    basePath: url.pathname.replace(/\/+$/, ''),
  };
}

/** A request's path, and its query without empty values. */
function pathAndQuery(spec: RequestSpec): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(spec.query ?? {})) {
    if (value !== undefined && value !== '') search.set(key, String(value));
  }
  const query = search.toString();
  return `${spec.path}${query ? `?${query}` : ''}`;
}

function collectionPath(type: ResourceType, namespace: string | undefined): string {
  const prefix = type.group === '' ? `/api/${type.version}` : `/apis/${type.group}/${type.version}`;
  return type.namespaced && namespace ? `${prefix}/namespaces/${encodeURIComponent(namespace)}/${type.plural}` : `${prefix}/${type.plural}`;
}

function objectPath(type: ResourceType, namespace: string | undefined, name: string): string {
  return `${collectionPath(type, namespace)}/${encodeURIComponent(name)}`;
}
