// cleanup against an old operator that is still alive but invisible to the plugin (a copy running outside the
// cluster, no Deployment): on the real API server, a small stand-in for the operator watches the old objects and does
// what the real one does with them: it puts its finalizer back on any object that lost it and is not being deleted,
// and it "deletes in AWS" (recorded here) and drops its finalizer when it sees an object being deleted that still
// has its finalizer. A proxy holds each of cleanup's deletes until the stand-in has put the finalizer back, so the
// race the product must survive happens every run, not by luck.
//
// Mutations this catches, each seen failing by hand once (cleanOne in src/core/cleanup/cleanup.ts changed, then restored):
// - a delete with only the uid precondition: the delete lands after the finalizer came back, the stand-in deletes
//   in AWS (exit 0, AWS deletions recorded, DELETED after the finalizer was back);
// - a delete before the finalizer patch: the object is marked for deletion with its finalizer on, the stand-in
//   deletes in AWS;
// - a refusal recorded as one failed object instead of stopping the run: the other writers go on taking objects
//   (exit 6, more objects touched than writers).

import { setTimeout as sleep } from 'node:timers/promises';
import test from 'ava';
import { OLD_FINALIZERS } from '../../src/core/model/kinds.ts';
import type { KubeClient } from '../../src/kube/client.ts';
import { isConflict, isNotFound } from '../../src/kube/errors.ts';
import type { KubeObject } from '../../src/kube/objects.ts';
import { backupDirectory } from '../support/adopted-scenario.ts';
import { runPlugin } from '../support/cli.ts';
import { adminClient, closeAfter, freshNamespace } from '../support/cluster.ts';
import { startHoldingProxy } from '../support/holding-proxy.ts';
import { neverCreatedModels, oldType, seedOldObjects } from '../support/scenario.ts';

const FINALIZER = OLD_FINALIZERS.resource;
const MODEL = oldType('Model');

interface LiveOperator {
  /** Objects whose finalizer it put back. */
  finalizerRestored: Set<string>;
  /** Objects it saw being deleted with its finalizer on, and so deleted in AWS. */
  deletedInAws: string[];
  /** Objects whose DELETED event it saw. */
  deleted: string[];
  /** Resolves once it has put the finalizer back on this object, or after `timeoutMs`. */
  finalizerBack(name: string, timeoutMs: number): Promise<void>;
  stop(): void;
}

function startLiveOperator(client: KubeClient, namespace: string, resourceVersion: string): LiveOperator {
  const abort = new AbortController();
  const signals = new Map<string, { promise: Promise<void>; resolve: () => void }>();
  const signalFor = (name: string): { promise: Promise<void>; resolve: () => void } => {
    let signal = signals.get(name);
    if (!signal) {
      let resolve!: () => void;
      const promise = new Promise<void>((settle) => (resolve = settle));
      signal = { promise, resolve };
      signals.set(name, signal);
    }
    return signal;
  };
  const operator: LiveOperator = {
    finalizerRestored: new Set(),
    deletedInAws: [],
    deleted: [],
    finalizerBack: (name, timeoutMs) => Promise.race([signalFor(name).promise, sleep(timeoutMs)]),
    stop: () => abort.abort(),
  };
  const act = async (type: string, object: KubeObject): Promise<void> => {
    const { name } = object.metadata;
    if (type === 'DELETED') {
      operator.deleted.push(name);
      return;
    }
    if (type !== 'ADDED' && type !== 'MODIFIED') return;
    const finalizers = object.metadata.finalizers ?? [];
    if (object.metadata.deletionTimestamp) {
      if (!finalizers.includes(FINALIZER)) return;
      operator.deletedInAws.push(name);
      await client.mergePatch(MODEL, name, namespace, { metadata: { finalizers: finalizers.filter((finalizer) => finalizer !== FINALIZER) } });
      return;
    }
    if (finalizers.includes(FINALIZER)) return;
    await client.mergePatch(MODEL, name, namespace, { metadata: { resourceVersion: object.metadata.resourceVersion, finalizers: [...finalizers, FINALIZER] } });
    operator.finalizerRestored.add(name);
    signalFor(name).resolve();
  };
  void (async () => {
    for await (const event of client.watch(MODEL, { namespace, resourceVersion }, abort.signal)) {
      // A newer version or a deletion is already on its way as the next event.
      await act(event.type, event.object).catch((error: unknown) => {
        if (!isConflict(error) && !isNotFound(error)) throw error;
      });
    }
  })().catch(() => undefined);
  return operator;
}

function content(object: KubeObject): unknown {
  const { labels, annotations, finalizers, deletionTimestamp } = object.metadata;
  return { spec: object.spec, status: object.status, labels, annotations, finalizers, deletionTimestamp };
}

test('an old operator still running outside the cluster that puts its finalizer back stops cleanup (exit 5) before it can delete anything in AWS', async (t) => {
  const client = closeAfter(t, adminClient());
  const namespace = await freshNamespace(client, 'live-operator');
  await seedOldObjects(client, neverCreatedModels(namespace, 12));
  const before = await client.listSnapshot(MODEL, { namespace });
  const operator = startLiveOperator(client, namespace, before.resourceVersion);
  t.teardown(() => operator.stop());
  const deletePath = new RegExp(`^/apis/sagemaker\\.aws\\.amazon\\.com/v1/namespaces/${namespace}/models/([^/?]+)`);
  const proxy = await startHoldingProxy((method, path) => {
    const name = method === 'DELETE' ? deletePath.exec(path)?.[1] : undefined;
    return name ? operator.finalizerBack(name, 3000) : undefined;
  });
  t.teardown(() => proxy.close());

  const result = await runPlugin(['cleanup', '--skip-aws-check', '-n', namespace, '--yes', '--concurrency', '4', '--backup-dir', backupDirectory()], { kubeconfig: proxy.kubeconfig, killAfterMs: 120_000 });
  // Whatever the run set off in the stand-in has happened by then.
  await sleep(1000);
  operator.stop();

  t.is(result.code, 5, result.stderr);
  const errors = result.stderr.split('\n').filter((line) => line.startsWith('error:'));
  t.is(errors.length, 1, result.stderr);
  t.regex(errors[0] ?? '', new RegExp(`^error: the old operator is alive: its finalizer is back on Model ${namespace}/model-\\d+, which cleanup was deleting`));
  t.true(operator.finalizerRestored.size > 0, 'the stand-in did put a finalizer back');
  t.deepEqual(operator.deletedInAws, [], 'the old operator never saw an object being deleted with its finalizer on');
  t.deepEqual(operator.deleted.filter((name) => operator.finalizerRestored.has(name)), [], 'no object was deleted after its finalizer came back');
  t.deepEqual(operator.deleted, [], 'nothing was removed');

  const after = new Map((await client.listAll(MODEL, { namespace })).map((object) => [object.metadata.name, object]));
  t.is(after.size, before.items.length);
  for (const object of before.items) {
    const now = after.get(object.metadata.name);
    t.deepEqual(now && content(now), content(object), `${object.metadata.name} is as it was, finalizer included`);
  }
  const touched = before.items.filter((object) => after.get(object.metadata.name)?.metadata.resourceVersion !== object.metadata.resourceVersion);
  t.true(touched.length >= 1 && touched.length <= 4, `only the objects the 4 writers had in hand were touched (${touched.length})`);
  t.true(touched.every((object) => operator.finalizerRestored.has(object.metadata.name)), 'each touched object is one whose finalizer the operator put back');
});

// Catches a delete without the resourceVersion precondition for an object that had no finalizer to remove (seen
// failing so: the delete marked it for deletion with the finalizer the operator had just put on, and the stand-in
// deleted in AWS). The operator puts its finalizer on any object it finds without one; here that happens while the
// proxy holds cleanup's delete.
test('an old operator that puts its finalizer on an object cleanup found without one stops cleanup (exit 5) too', async (t) => {
  const client = closeAfter(t, adminClient());
  const namespace = await freshNamespace(client, 'live-operator-bare');
  await seedOldObjects(client, neverCreatedModels(namespace, 3).map((model) => ({ ...model, metadata: { name: model.metadata.name, namespace } })));
  const before = await client.listSnapshot(MODEL, { namespace });
  t.true(before.items.every((object) => (object.metadata.finalizers ?? []).length === 0));
  const operator = startLiveOperator(client, namespace, before.resourceVersion);
  t.teardown(() => operator.stop());
  const deletePath = new RegExp(`^/apis/sagemaker\\.aws\\.amazon\\.com/v1/namespaces/${namespace}/models/([^/?]+)`);
  const proxy = await startHoldingProxy((method, path) => {
    const name = method === 'DELETE' ? deletePath.exec(path)?.[1] : undefined;
    return name ? client.mergePatch(MODEL, name, namespace, { metadata: { finalizers: [FINALIZER] } }).then(() => undefined) : undefined;
  });
  t.teardown(() => proxy.close());

  const result = await runPlugin(['cleanup', '--skip-aws-check', '-n', namespace, '--yes', '--concurrency', '1', '--backup-dir', backupDirectory()], { kubeconfig: proxy.kubeconfig, killAfterMs: 120_000 });
  await sleep(1000);
  operator.stop();

  t.is(result.code, 5, result.stderr);
  t.regex(result.stderr, new RegExp(`error: the old operator is alive: its finalizer is back on Model ${namespace}/model-0, which cleanup was deleting`));
  t.deepEqual(operator.deletedInAws, [], 'the old operator never saw an object being deleted with its finalizer on');
  t.deepEqual(operator.deleted, [], 'nothing was removed');
  const after = await client.listAll(MODEL, { namespace });
  t.deepEqual(after.map((object) => [object.metadata.name, object.metadata.finalizers ?? [], object.metadata.deletionTimestamp]), [
    ['model-0', [FINALIZER], undefined],
    ['model-1', [], undefined],
    ['model-2', [], undefined],
  ]);
});
