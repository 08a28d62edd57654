// `adopt --wait` over long waits: watches that outlive --request-timeout, connections that drop, expired
// resourceVersions. The ACK side is the ADOPTION SIMULATOR, started late on purpose so the plugin has to wait.

import { setTimeout as sleep } from 'node:timers/promises';
import test from 'ava';
import { ACK_KINDS } from '../../src/core/model/ack-kinds.ts';
import type { KubeClient } from '../../src/kube/client.ts';
import { inform } from '../../src/kube/informer.ts';
import type { KubeObject } from '../../src/kube/objects.ts';
import { AdoptionSimulator } from '../support/ack-simulator.ts';
import { runPlugin } from '../support/cli.ts';
import { adminClient, closeAfter, freshNamespace, testKubeconfig } from '../support/cluster.ts';
import { adminKubeconfigVia } from '../support/kubeconfigs.ts';
import { exampleAwsResources, exampleObjects, seedOldObjects } from '../support/scenario.ts';
import { startTcpProxy } from '../support/tcp-proxy.ts';

async function namespaceWithOneModel(client: KubeClient, prefix: string): Promise<string> {
  const namespace = await freshNamespace(client, prefix);
  await seedOldObjects(client, exampleObjects(namespace).filter((object) => object.metadata.name === 'churn-model'));
  return namespace;
}

/** Resolves once the plugin has created the ACK object, so it is then waiting. */
async function ackModelCreated(client: KubeClient, namespace: string): Promise<void> {
  while ((await client.listAll(ACK_KINDS.Model, { namespace })).length === 0) await sleep(100);
}

function startSimulatorLater(client: KubeClient, namespace: string, after: Promise<void>): { stop: () => Promise<void> } {
  const simulator = new AdoptionSimulator(client, exampleAwsResources(namespace), { namespaces: [namespace] });
  void after.then(() => simulator.start());
  return { stop: () => simulator.stop() };
}

test('adopt --wait keeps its watch open past --request-timeout, sees the adoption and ends at once (exit 0)', async (t) => {
  const client = closeAfter(t, adminClient());
  const namespace = await namespaceWithOneModel(client, 'wait-idle');
  // Idle for 4 s under a 1 s request timeout; the default --timeout (10m) must not keep the process alive after.
  const simulator = startSimulatorLater(client, namespace, ackModelCreated(client, namespace).then(() => sleep(4000)));
  t.teardown(() => simulator.stop());
  const result = await runPlugin(['adopt', '-n', namespace, '--wait', '--request-timeout', '1'], { kubeconfig: testKubeconfig(), killAfterMs: 60_000 });
  t.falsy(result.killed, 'the process ended by itself');
  t.is(result.code, 0, result.stderr);
  t.regex(result.stderr, /adopted .*Model\/churn-model/);
});

test('adopt --wait resumes its watches when every connection to the API server drops', async (t) => {
  const client = closeAfter(t, adminClient());
  const namespace = await namespaceWithOneModel(client, 'wait-drop');
  const proxy = await startTcpProxy(new URL(process.env['SMM_TEST_SERVER']!));
  t.teardown(() => proxy.close());
  let connectionsAtCut = 0;
  const cut = ackModelCreated(client, namespace).then(async () => {
    await sleep(1000);
    connectionsAtCut = proxy.connections();
    proxy.severAll();
    await sleep(1000);
  });
  const simulator = startSimulatorLater(client, namespace, cut);
  t.teardown(() => simulator.stop());
  const result = await runPlugin(['adopt', '-n', namespace, '--wait', '--timeout', '60s'], { kubeconfig: adminKubeconfigVia(proxy.server), killAfterMs: 90_000 });
  t.is(result.code, 0, result.stderr);
  t.true(proxy.connections() > connectionsAtCut, 'the plugin connected again after the cut');
});

test('an informer whose resourceVersion has expired (410 Gone) lists again and carries on', async (t) => {
  const client = closeAfter(t, adminClient());
  const namespace = await freshNamespace(client, 'informer-410');
  await client.create(ACK_KINDS.Model, { apiVersion: 'sagemaker.services.k8s.aws/v1alpha1', kind: 'Model', metadata: { name: 'm', namespace }, spec: { modelName: 'm' } });
  const controller = new AbortController();
  const seen = new Promise<ReadonlyMap<string, KubeObject>>((resolve) => {
    // resourceVersion 1 is far older than the API server's watch window: the watch answers 410.
    void inform(client, ACK_KINDS.Model, namespace, (objects) => objects.size > 0 && resolve(objects), controller.signal, { resumeFrom: '1' });
  });
  const objects = await seen;
  controller.abort();
  t.deepEqual([...objects.keys()], [`${namespace}/m`]);
});

test('when no controller acts on any object of a HostingDeployment, --wait says so in one line naming the Deployment (exit 7)', async (t) => {
  const client = closeAfter(t, adminClient());
  const namespace = await freshNamespace(client, 'wait-nobody');
  await seedOldObjects(client, exampleObjects(namespace).filter((object) => object.metadata.name === 'host-xgboost' || object.metadata.labels?.['owner_HostingDeployment_name'] === 'host-xgboost'));
  const result = await runPlugin(['adopt', '-n', namespace, '--wait', '--timeout', '3s'], { kubeconfig: testKubeconfig(), killAfterMs: 60_000 });
  t.is(result.code, 7, result.stderr);
  const warnings = result.stderr.split('\n').filter((line) => line.startsWith('warning:'));
  t.is(warnings.length, 1, result.stderr);
  t.regex(warnings[0]!, /the ACK sagemaker controller wrote nothing on any of its \d+ object\(s\): check Deployment ack-system\/ack-sagemaker-controller-sagemaker-chart/);
});

test('adopt --wait that loses the API server for good says so (exit 3), not that the controllers timed out', async (t) => {
  const client = closeAfter(t, adminClient());
  const namespace = await namespaceWithOneModel(client, 'wait-lost');
  const proxy = await startTcpProxy(new URL(process.env['SMM_TEST_SERVER']!));
  void ackModelCreated(client, namespace).then(() => sleep(500)).then(() => proxy.close());
  const result = await runPlugin(['adopt', '-n', namespace, '--wait', '--timeout', '6s'], { kubeconfig: adminKubeconfigVia(proxy.server), killAfterMs: 60_000 });
  t.is(result.code, 3, result.stderr);
  t.regex(result.stderr, /lost the API server while waiting, and could not reconnect: cannot reach the API server/);
});
