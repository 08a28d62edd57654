// After AdoptedResource adoption (controllers v1.5.0 / v1.1.1): ACK copies only spec.kubernetes.metadata onto the
// objects it creates, so what status and handover need must travel there, and handover must prove, not assume,
// that the old objects are gone. The ACK side is the ADOPTION SIMULATOR (runtime 'v0.52').

import test, { type ExecutionContext } from 'ava';
import { ACK_KINDS, ADOPTED_RESOURCE_TYPE } from '../../src/core/model/ack-kinds.ts';
import type { KubeClient } from '../../src/kube/client.ts';
import type { KubeObject } from '../../src/kube/objects.ts';
import { backupDirectory } from '../support/adopted-scenario.ts';
import { AdoptionSimulator } from '../support/ack-simulator.ts';
import { runPlugin } from '../support/cli.ts';
import { adminClient, closeAfter, freshNamespace, objectsOfKinds, testKubeconfig } from '../support/cluster.ts';
import { exampleAwsResources, exampleObjects, seedOldObjects } from '../support/scenario.ts';
import { waitForObjects } from '../support/waiting.ts';

const ACK_TYPES = Object.values(ACK_KINDS);

async function adoptedByAdoptedResources(t: ExecutionContext, client: KubeClient, prefix: string): Promise<string> {
  const namespace = await freshNamespace(client, prefix);
  await seedOldObjects(client, exampleObjects(namespace).filter((object) => ['HostingDeployment', 'Model', 'EndpointConfig'].includes(object.kind)));
  const simulator = new AdoptionSimulator(client, exampleAwsResources(namespace), { namespaces: [namespace], runtime: 'v0.52' });
  simulator.start();
  t.teardown(() => simulator.stop());
  const adopt = await runPlugin(['adopt', '-n', namespace, '--method', 'adopted-resource', '--wait', '--timeout', '60s'], { kubeconfig: testKubeconfig() });
  if (adopt.code !== 0) throw new Error(`adopt failed: ${adopt.stderr}`);
  return namespace;
}

const readOnly = (object: KubeObject): string | undefined => object.metadata.annotations?.['services.k8s.aws/read-only'];

test('handover before cleanup keeps every object ACK created from an AdoptedResource: their old objects are still there', async (t) => {
  const client = closeAfter(t, adminClient());
  const namespace = await adoptedByAdoptedResources(t, client, 'ar-handover-early');
  const handover = await runPlugin(['handover', '--skip-aws-check', '-n', namespace, '--yes', '-o', 'json'], { kubeconfig: testKubeconfig() });
  t.is(handover.code, 0, handover.stderr);
  const items = (JSON.parse(handover.stdout) as { items: Array<{ action: string; reason: string }> }).items;
  t.true(items.length >= 4);
  for (const item of items) t.like(item, { action: 'keep' });
  t.regex(items[0]!.reason, /old object still present/);
  for (const object of await objectsOfKinds(client, ACK_TYPES, namespace)) t.is(readOnly(object), 'true', `${object.kind}/${object.metadata.name} is still observe-only`);
});

test('after cleanup, status shows each migrated object with its old object gone, and handover then hands them over', async (t) => {
  const client = closeAfter(t, adminClient());
  const namespace = await adoptedByAdoptedResources(t, client, 'ar-after-cleanup');
  const targets = await objectsOfKinds(client, ACK_TYPES, namespace);
  for (const target of targets) t.is(target.metadata.annotations?.['kubectl-sagemaker-migrate/sources']?.length ? 'carried' : 'missing', 'carried', `${target.kind}/${target.metadata.name} names its old objects`);
  t.is((await runPlugin(['cleanup', '--skip-aws-check', '-n', namespace, '--yes', '--backup-dir', backupDirectory()], { kubeconfig: testKubeconfig() })).code, 0);

  const status = await runPlugin(['status', '-n', namespace, '-o', 'json'], { kubeconfig: testKubeconfig() });
  t.is(status.code, 0, status.stderr);
  const report = JSON.parse(status.stdout) as { rows: Array<{ source: string; oldObject: string }>; summary: { adopted: number } };
  t.true(report.rows.length > 0);
  t.true(report.rows.every((row) => row.oldObject === 'gone'));
  t.true(report.rows.some((row) => row.source === `HostingDeployment ${namespace}/host-xgboost`));
  t.is(report.summary.adopted, targets.length);

  const handover = await runPlugin(['handover', '--skip-aws-check', '-n', namespace, '--yes'], { kubeconfig: testKubeconfig() });
  t.is(handover.code, 0, handover.stderr);
  for (const object of await objectsOfKinds(client, ACK_TYPES, namespace)) t.is(readOnly(object), undefined);
});

test('handover keeps an object whose origin cannot be established (made before sources travelled, its AdoptedResource deleted)', async (t) => {
  const client = closeAfter(t, adminClient());
  const namespace = await freshNamespace(client, 'ar-unknown-origin');
  const [model] = exampleAwsResources(namespace).filter((resource) => resource.kind === 'Model');
  const simulator = new AdoptionSimulator(client, [model!], { namespaces: [namespace], runtime: 'v0.52' });
  simulator.start();
  t.teardown(() => simulator.stop());
  // An AdoptedResource as the plugin wrote it before this fix: the sources annotation only on itself.
  const adoptedResource: KubeObject = {
    apiVersion: 'services.k8s.aws/v1alpha1',
    kind: 'AdoptedResource',
    metadata: { name: 'model-old-style', namespace, labels: { 'app.kubernetes.io/managed-by': 'kubectl-sagemaker-migrate' }, annotations: { 'kubectl-sagemaker-migrate/sources': `Model ${namespace}/gone-model`, 'services.k8s.aws/region': model!.region } },
    spec: {
      aws: { nameOrID: model!.identifiers['modelName'] },
      kubernetes: { group: 'sagemaker.services.k8s.aws', kind: 'Model', metadata: { name: 'old-style', namespace, labels: { 'app.kubernetes.io/managed-by': 'kubectl-sagemaker-migrate' }, annotations: { 'services.k8s.aws/read-only': 'true', 'services.k8s.aws/deletion-policy': 'retain', 'services.k8s.aws/region': model!.region } } },
    },
  };
  await client.create(ADOPTED_RESOURCE_TYPE, adoptedResource);
  await waitForObjects(client, [{ apiVersion: 'sagemaker.services.k8s.aws/v1alpha1', kind: 'Model', metadata: { name: 'old-style' } }], namespace, (object) => Boolean(object.status?.['conditions']));
  await client.delete(ADOPTED_RESOURCE_TYPE, 'model-old-style', namespace);

  const handover = await runPlugin(['handover', '--skip-aws-check', '-n', namespace, '--yes', '-o', 'json'], { kubeconfig: testKubeconfig() });
  t.is(handover.code, 0, handover.stderr);
  const [item] = (JSON.parse(handover.stdout) as { items: Array<{ action: string; reason: string }> }).items;
  t.like(item, { action: 'keep' });
  t.regex(item!.reason, /origin unknown/);
  t.is(readOnly(await client.get(ACK_KINDS.Model, 'old-style', namespace)), 'true');
});
