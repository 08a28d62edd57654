// The KubeClient's transport against a scripted HTTP server: lists ask for the next page while the caller works on
// the current one; a list its first page shows to be small is read again in one page (the watch cache serves a
// first page, etcd the later ones), a large one pages on; a caller that stops early leaves no unhandled rejection
// behind; an answer cut off mid-body is sent again, whether its body is read (a list) or drained (a create).
// Seen red: with the next page asked for only after the caller came back (the prefetch test times out waiting for
// it), with the early-stop guard removed (ava fails on the unhandled rejection), with a cut-off answer taken as
// complete (the create resolves after one request), and with small lists paged on (the whole list is never asked).
// A large cluster-wide list is read namespace by namespace (each from the watch cache) when its namespaces hold enough
// objects, and pages on when they do not, when namespaces cannot be listed, or when one revision is asked for: seen
// red with the split turned off (the namespaces are never read) and with it made unconditional (listAll splits).
// A list tells its size once, from its first page, so that discovery never holds a cluster it knows to be large.
// A server URL with a path of its own (an API server behind a proxy) keeps it in every request: seen red with the
// server's path dropped (the requests reach /apis/... instead).
// A cluster-wide list is asked for whole beside its first page and read from that answer when the page shows the
// list small; a longer list cuts that answer off and never asks for it again: seen red with the whole list asked for
// only after the first page (the server holds that page back until the whole list is asked for) and with the answer
// never cut off (it stays open). A namespace's list still waits for its first page.

import test from 'ava';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { KubeConfig } from '@kubernetes/client-node';
import { FIRST_PAGE_SIZE, KubeClient, OBJECTS_PER_NAMESPACE_TO_SPLIT, PAGE_SIZE, WHOLE_LIST_AT_MOST } from '../../src/kube/client.ts';
import { ForbiddenError } from '../../src/errors.ts';
import type { ResourceType } from '../../src/kube/objects.ts';

const WIDGETS: ResourceType = { group: 'example.com', version: 'v1', plural: 'widgets', kind: 'Widget', namespaced: true };

type Handler = (request: http.IncomingMessage, response: http.ServerResponse, index: number) => void;

async function scriptedServer(handler: Handler, serverPath = ''): Promise<{ client: KubeClient; requests: string[]; close: () => Promise<void> }> {
  const requests: string[] = [];
  const server = http.createServer((request, response) => {
    requests.push(`${request.method} ${request.url}`);
    handler(request, response, requests.length - 1);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromOptions({
    clusters: [{ name: 'scripted', server: `http://127.0.0.1:${(server.address() as AddressInfo).port}${serverPath}`, skipTLSVerify: true }],
    users: [{ name: 'anyone', token: 'token' }],
    contexts: [{ name: 'scripted', cluster: 'scripted', user: 'anyone' }],
    currentContext: 'scripted',
  });
  const client = new KubeClient(kubeConfig, { maxRetries: 2 });
  return {
    client,
    requests,
    close: async () => {
      client.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function page(names: string[], continueToken?: string, remainingItemCount?: number): string {
  const metadata = { resourceVersion: '7', ...(continueToken ? { continue: continueToken } : {}), ...(remainingItemCount === undefined ? {} : { remainingItemCount }) };
  return JSON.stringify({ items: names.map((name) => ({ metadata: { name, namespace: 'ml' } })), metadata });
}

const limitsOf = (requests: string[]): Array<string | null> => requests.map((line) => new URL(line.split(' ')[1]!, 'http://scripted').searchParams.get('limit'));

/** The requests but the whole list asked for beside each first page (cut off, or not even sent, when not used). */
const besidesWholeAhead = (requests: string[]): string[] => requests.filter((line) => new URL(line.split(' ')[1]!, 'http://scripted').searchParams.get('limit') !== String(WHOLE_LIST_AT_MOST));

/** A moment the scripted server reaches: reach() marks it, `moment` settles then, soon() tells whether within 5 s. */
function awaitedMoment(): { reach: () => void; moment: Promise<void>; soon: () => Promise<boolean> } {
  let reach!: () => void;
  const moment = new Promise<void>((resolve) => (reach = resolve));
  const soon = (): Promise<boolean> => Promise.race([moment.then(() => true), new Promise<boolean>((resolve) => setTimeout(() => resolve(false), 5000))]);
  return { reach, moment, soon };
}

function answer(response: http.ServerResponse, status: number, body: string): void {
  response.writeHead(status, { 'Content-Type': 'application/json' });
  response.end(body);
}

test('a list yields every page in order, the first one small (it mostly tells how long the list is), and asks for the next page while the caller still works on the current one', async (t) => {
  const secondPageAsked = awaitedMoment();
  const scripted = await scriptedServer((request, response) => {
    const url = new URL(request.url!, 'http://scripted');
    const token = url.searchParams.get('continue');
    if (!token) return answer(response, 200, page(['a', 'b'], 'second'));
    secondPageAsked.reach();
    if (token === 'second') return answer(response, 200, page(['c'], 'third'));
    answer(response, 200, page(['d']));
  });
  try {
    const seen: string[] = [];
    let waitedOnFirstPage = false;
    for await (const object of scripted.client.list(WIDGETS, { namespace: 'ml' })) {
      seen.push(`${object.kind}/${object.metadata.name}`);
      if (!waitedOnFirstPage) {
        waitedOnFirstPage = true;
        // The caller has not come back for more: the second page must already be on its way.
        t.true(await secondPageAsked.soon(), 'the second page is asked for');
      }
    }
    t.deepEqual(seen, ['Widget/a', 'Widget/b', 'Widget/c', 'Widget/d']);
    t.deepEqual(limitsOf(besidesWholeAhead(scripted.requests)), [String(FIRST_PAGE_SIZE), String(PAGE_SIZE), String(PAGE_SIZE)]);
    t.true(scripted.requests.every((line) => line.startsWith('GET /apis/example.com/v1/namespaces/ml/widgets?')));
  } finally {
    await scripted.close();
  }
});

test('a list its first page shows to be small is read again whole (from the watch cache), each object once; a large one pages on', async (t) => {
  const scripted = await scriptedServer((request, response) => {
    const url = new URL(request.url!, 'http://scripted');
    const whole = url.searchParams.get('limit') === String(WHOLE_LIST_AT_MOST);
    if (url.pathname.includes('/namespaces/big/')) {
      return answer(response, 200, url.searchParams.get('continue') ? page(['z']) : page(['x', 'y'], 'more', WHOLE_LIST_AT_MOST));
    }
    answer(response, 200, whole ? page(['a', 'b', 'c']) : page(['a', 'b'], 'more', 1));
  });
  try {
    const small = await scripted.client.listAll(WIDGETS, { namespace: 'ml' });
    t.deepEqual(small.map((object) => object.metadata.name), ['a', 'b', 'c']);
    // Both at once: the whole list is asked for beside the first page, not after it.
    t.deepEqual(limitsOf(scripted.requests).sort(), [String(FIRST_PAGE_SIZE), String(WHOLE_LIST_AT_MOST)].sort());
    t.false(scripted.requests.some((line) => line.includes('continue=')));

    scripted.requests.length = 0;
    const large = await scripted.client.listAll(WIDGETS, { namespace: 'big' });
    t.deepEqual(large.map((object) => object.metadata.name), ['x', 'y', 'z']);
    t.deepEqual(limitsOf(besidesWholeAhead(scripted.requests)), [String(FIRST_PAGE_SIZE), String(PAGE_SIZE)]);
    t.true(besidesWholeAhead(scripted.requests)[1]!.includes('continue=more'));
  } finally {
    await scripted.close();
  }
});

/**
 * A cluster of WHOLE_LIST_AT_MOST + 2 widgets: cluster-wide, a first page then one more by continue; in namespaces
 * `a` and `b`, their own widgets; the namespaces themselves as `namespaces` says (a 403 when undefined).
 */
async function clusterOfWidgets(namespaces: string[] | undefined) {
  return scriptedServer((request, response) => {
    const url = new URL(request.url!, 'http://scripted');
    if (url.pathname === '/api/v1/namespaces') {
      if (!namespaces) return answer(response, 403, JSON.stringify({ kind: 'Status', status: 'Failure', reason: 'Forbidden', message: 'namespaces is forbidden', code: 403 }));
      return answer(response, 200, page(namespaces));
    }
    if (url.pathname === '/apis/example.com/v1/widgets') return answer(response, 200, url.searchParams.get('continue') ? page(['z']) : page(['x'], 'more', WHOLE_LIST_AT_MOST + 1));
    if (url.pathname === '/apis/example.com/v1/namespaces/a/widgets') return answer(response, 200, page(['a1', 'a2']));
    if (url.pathname === '/apis/example.com/v1/namespaces/b/widgets') return answer(response, 200, page(['b1']));
    answer(response, 200, page([]));
  });
}

const pathsOf = (requests: string[]): string[] => requests.map((line) => new URL(line.split(' ')[1]!, 'http://scripted').pathname);

test('a large cluster-wide list is read namespace by namespace, each from the watch cache, when its namespaces hold enough objects', async (t) => {
  const scripted = await clusterOfWidgets(['a', 'b']);
  try {
    const names: string[] = [];
    for await (const object of scripted.client.list(WIDGETS)) names.push(object.metadata.name);
    t.deepEqual(names, ['a1', 'a2', 'b1']);
    t.deepEqual(pathsOf(besidesWholeAhead(scripted.requests)), ['/apis/example.com/v1/widgets', '/api/v1/namespaces', '/apis/example.com/v1/namespaces/a/widgets', '/apis/example.com/v1/namespaces/b/widgets']);
    t.false(scripted.requests.some((line) => line.includes('continue=')));
  } finally {
    await scripted.close();
  }
});

test('a list tells its size once, from its first page: whole, re-read, paged on or split by namespace', async (t) => {
  const sizes: number[] = [];
  const onSize = (objects: number): void => void sizes.push(objects);
  const split = await clusterOfWidgets(['a', 'b']);
  try {
    for await (const _object of split.client.list(WIDGETS, { onSize })) continue;
    t.deepEqual(sizes, [WHOLE_LIST_AT_MOST + 2]);
  } finally {
    await split.close();
  }
  sizes.length = 0;
  const paged = await clusterOfWidgets(undefined);
  try {
    for await (const _object of paged.client.list(WIDGETS, { onSize })) continue;
    for await (const _object of paged.client.list(WIDGETS, { namespace: 'a', onSize })) continue;
    t.deepEqual(sizes, [WHOLE_LIST_AT_MOST + 2, 2]);
  } finally {
    await paged.close();
  }
});

test('a large cluster-wide list pages on when its namespaces hold few objects each, when namespaces cannot be listed, or when one revision is asked for', async (t) => {
  const manyNamespaces = Array.from({ length: Math.ceil((WHOLE_LIST_AT_MOST + 2) / OBJECTS_PER_NAMESPACE_TO_SPLIT) + 1 }, (_, index) => `ns-${index}`);
  for (const [why, namespaces] of [['few per namespace', manyNamespaces], ['namespaces forbidden', undefined]] as const) {
    const scripted = await clusterOfWidgets(namespaces ? [...namespaces] : undefined);
    try {
      const names: string[] = [];
      for await (const object of scripted.client.list(WIDGETS)) names.push(object.metadata.name);
      t.deepEqual(names, ['x', 'z'], why);
      t.deepEqual(pathsOf(besidesWholeAhead(scripted.requests)), ['/apis/example.com/v1/widgets', '/api/v1/namespaces', '/apis/example.com/v1/widgets'], why);
      t.true(besidesWholeAhead(scripted.requests)[2]!.includes('continue=more'), why);
    } finally {
      await scripted.close();
    }
  }
  const scripted = await clusterOfWidgets(['a', 'b']);
  try {
    const snapshot = await scripted.client.listSnapshot(WIDGETS);
    t.deepEqual(snapshot.items.map((object) => object.metadata.name), ['x', 'z']);
    t.deepEqual(pathsOf(besidesWholeAhead(scripted.requests)), ['/apis/example.com/v1/widgets', '/apis/example.com/v1/widgets']);
  } finally {
    await scripted.close();
  }
});

test('a page size asked for is used for every page, and a small list is then not read again', async (t) => {
  const scripted = await scriptedServer((request, response) => {
    const token = new URL(request.url!, 'http://scripted').searchParams.get('continue');
    answer(response, 200, token ? page(['c']) : page(['a', 'b'], 'second', 1));
  });
  try {
    t.is((await scripted.client.listAll(WIDGETS, { namespace: 'ml', pageSize: 2 })).length, 3);
    t.deepEqual(limitsOf(scripted.requests), ['2', '2']);
  } finally {
    await scripted.close();
  }
});

test('a caller that stops after the first page leaves no unhandled rejection from the page asked for ahead', async (t) => {
  const failedPageSent = awaitedMoment();
  const scripted = await scriptedServer((request, response) => {
    if (!new URL(request.url!, 'http://scripted').searchParams.get('continue')) return answer(response, 200, page(['a'], 'second'));
    answer(response, 403, JSON.stringify({ kind: 'Status', status: 'Failure', reason: 'Forbidden', message: 'widgets is forbidden', code: 403 }));
    failedPageSent.reach();
  });
  try {
    for await (const object of scripted.client.list(WIDGETS, { namespace: 'ml' })) {
      t.is(object.metadata.name, 'a');
      break;
    }
    await failedPageSent.moment;
    // The 403 reaches the client after the server sent it; a rejection nobody handles would fail this test in ava.
    await new Promise((resolve) => setTimeout(resolve, 200));
    t.is(besidesWholeAhead(scripted.requests).length, 2);
    // The same failure still reaches a caller that reads on.
    await t.throwsAsync(scripted.client.listAll(WIDGETS, { namespace: 'ml' }), { instanceOf: ForbiddenError });
  } finally {
    await scripted.close();
  }
});

for (const [name, send] of [
  // One page asked for (a page size given): no whole list beside it to take the cut.
  ['a list page (body read)', (client: KubeClient) => client.listAll(WIDGETS, { namespace: 'ml', pageSize: 10 })],
  ['a create (body drained)', (client: KubeClient) => client.create(WIDGETS, { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'a', namespace: 'ml' } })],
] as const) {
  test(`an answer cut off mid-body is sent again: ${name}`, async (t) => {
    const body = page(['a']);
    const scripted = await scriptedServer((request, response, index) => {
      const status = request.method === 'POST' ? 201 : 200;
      if (index === 0) {
        // Promises the whole body, sends half of it, then drops the connection.
        response.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) });
        response.write(body.slice(0, body.length / 2));
        setTimeout(() => response.socket?.destroy(), 20);
        return;
      }
      answer(response, status, body);
    });
    try {
      await send(scripted.client);
      t.is(scripted.requests.length, 2);
    } finally {
      await scripted.close();
    }
  });
}

test('a server URL with a path of its own (an API server behind a proxy) keeps it, before each request\'s path and query', async (t) => {
  const scripted = await scriptedServer((request, response) => answer(response, request.method === 'POST' ? 201 : 200, page(['a'])), '/k8s/clusters/c-1/');
  try {
    await scripted.client.create(WIDGETS, { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'a', namespace: 'ml' } });
    await scripted.client.listAll(WIDGETS, { namespace: 'ml', labelSelector: 'app in (x,y)' });
    t.deepEqual(besidesWholeAhead(scripted.requests), [
      'POST /k8s/clusters/c-1/apis/example.com/v1/namespaces/ml/widgets?fieldManager=kubectl-sagemaker-migrate&fieldValidation=Strict',
      `GET /k8s/clusters/c-1/apis/example.com/v1/namespaces/ml/widgets?limit=${FIRST_PAGE_SIZE}&labelSelector=app+in+%28x%2Cy%29`,
    ]);
  } finally {
    await scripted.close();
  }
});

test('a cluster-wide list is asked for whole beside its first page, before that page is answered, and read from that answer', async (t) => {
  const wholeAsked = awaitedMoment();
  const scripted = await scriptedServer((request, response) => {
    const whole = new URL(request.url!, 'http://scripted').searchParams.get('limit') === String(WHOLE_LIST_AT_MOST);
    if (whole) {
      wholeAsked.reach();
      return answer(response, 200, page(['a', 'b', 'c']));
    }
    // The first page is held back until the whole list has been asked for: a client that waited for it would hang.
    void wholeAsked.soon().then((asked) => answer(response, asked ? 200 : 500, asked ? page(['a', 'b'], 'more', 1) : '{}'));
  });
  try {
    const names = (await scripted.client.listAll(WIDGETS)).map((object) => object.metadata.name);
    t.deepEqual(names, ['a', 'b', 'c']);
    t.is(scripted.requests.length, 2);
    // A namespace's list asks for its first page alone, then the whole list.
    scripted.requests.length = 0;
    t.is((await scripted.client.listAll(WIDGETS, { namespace: 'ml' })).length, 3);
    t.deepEqual(limitsOf(scripted.requests), [String(FIRST_PAGE_SIZE), String(WHOLE_LIST_AT_MOST)]);
  } finally {
    await scripted.close();
  }
});

test('a cluster-wide list longer than one whole read cuts off the whole list asked for ahead, and never sends it again', async (t) => {
  const wholeCutOff = awaitedMoment();
  const scripted = await scriptedServer((request, response) => {
    const url = new URL(request.url!, 'http://scripted');
    if (url.searchParams.get('limit') === String(WHOLE_LIST_AT_MOST)) {
      // An answer that starts and never ends, as a long list's from a busy server.
      response.writeHead(200, { 'Content-Type': 'application/json' });
      response.write('{"items":[');
      response.on('close', () => wholeCutOff.reach());
      return;
    }
    answer(response, 200, url.searchParams.get('continue') ? page(['z']) : page(['x', 'y'], 'more', WHOLE_LIST_AT_MOST));
  });
  try {
    const names = (await scripted.client.listAll(WIDGETS)).map((object) => object.metadata.name);
    t.deepEqual(names, ['x', 'y', 'z']);
    t.true(await wholeCutOff.soon(), 'the whole list\'s answer is cut off');
    await new Promise((resolve) => setTimeout(resolve, 300));
    t.is(limitsOf(scripted.requests).filter((limit) => limit === String(WHOLE_LIST_AT_MOST)).length, 1);
  } finally {
    await scripted.close();
  }
});
