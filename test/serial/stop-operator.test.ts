// stop-operator: the old operator's Deployment scaled to 0 with its replicas recorded, a wait until no pod of it can
// act, its CRDs, namespace and objects untouched, and --restore. Runs serially: old-operator Deployments are seen
// cluster-wide. The test control plane runs no kubelet, so the operator's pod is an API object whose status says
// Running, which is all the plugin can see of a pod anyway.
//
// What it catches (each seen failing with the guard broken by hand): a stop that deletes instead of scaling (the
// Deployment is gone); a wait that reads only replicas (exit 0 while the pod runs); a rerun that overwrites the
// recorded replicas with 0 (--restore then restores 0).

import test from 'ava';
import { OLD_KINDS } from '../../src/core/model/kinds.ts';
import { BUILTIN_TYPES, type KubeObject } from '../../src/kube/objects.ts';
import { runPlugin } from '../support/cli.ts';
import { adminClient, freshNamespace, objectVersions, testKubeconfig } from '../support/cluster.ts';
import { DEPLOYMENT_TYPE, deployment } from '../support/deployments.ts';
import { CRD_TYPE } from '../support/install-crds.ts';
import { exampleObjects, seedOldObjects } from '../support/scenario.ts';

const client = adminClient();
const OPERATOR = 'sagemaker-k8s-operator-controller-manager';
const LABELS = { 'control-plane': 'controller-manager' };

test.after.always(() => client.close());

function oldOperator(namespace: string, replicas: number, annotations: Record<string, string> = {}): KubeObject {
  const object = deployment(namespace, OPERATOR, {
    containerName: 'manager',
    image: '957583890962.dkr.ecr.us-east-1.amazonaws.com/amazon-sagemaker-operator-for-k8s:v1',
    args: ['--metrics-addr=127.0.0.1:8080'],
    replicas,
    labels: LABELS,
  });
  return { ...object, metadata: { ...object.metadata, annotations } };
}

async function crdVersions(): Promise<Record<string, string | undefined>> {
  const versions: Record<string, string | undefined> = {};
  for (const kind of OLD_KINDS) versions[kind.plural] = (await client.get(CRD_TYPE, `${kind.plural}.${kind.group}`)).metadata.resourceVersion;
  return versions;
}

const stop = (args: string[]) => runPlugin(['stop-operator', ...args], { kubeconfig: testKubeconfig() });

test('stop-operator scales the old operator to 0, waits for its pod, keeps everything else, and --restore puts the replicas back', async (t) => {
  const operatorNamespace = await freshNamespace(client, 'operator-system');
  const objects = await freshNamespace(client, 'stop-objects');
  await seedOldObjects(client, exampleObjects(objects));
  await client.create(DEPLOYMENT_TYPE, oldOperator(operatorNamespace, 2, { 'meta.helm.sh/release-name': 'sagemaker-operator' }));
  t.teardown(() => client.delete(DEPLOYMENT_TYPE, OPERATOR, operatorNamespace).catch(() => undefined));
  const pod = `${OPERATOR}-5f7c9-abcde`;
  await client.create(BUILTIN_TYPES.pod, {
    apiVersion: 'v1', kind: 'Pod',
    metadata: { name: pod, namespace: operatorNamespace, labels: LABELS },
    spec: { containers: [{ name: 'manager', image: 'x/amazon-sagemaker-operator-for-k8s:v1' }] },
  });
  await client.patchStatus(BUILTIN_TYPES.pod, pod, operatorNamespace, { status: { phase: 'Running' } });
  const objectsBefore = await objectVersions(client, OLD_KINDS, objects);
  const crdsBefore = await crdVersions();

  const refused = await stop([]);
  t.is(refused.code, 5, 'without a terminal and without --yes nothing is scaled');
  t.is((await client.get(DEPLOYMENT_TYPE, OPERATOR, operatorNamespace)).spec?.['replicas'], 2);

  const dryRun = await stop(['--dry-run']);
  t.is(dryRun.code, 0, dryRun.stderr);
  t.regex(dryRun.stderr, new RegExp(`${operatorNamespace} +${OPERATOR} +all namespaces +2 +would scale to 0`));
  t.regex(dryRun.stderr, /Helm release "sagemaker-operator": the next helm upgrade puts its replicas back unless the release's values say 0/);

  const waiting = await stop(['--yes', '--timeout', '3s']);
  t.is(waiting.code, 7, waiting.stderr);
  t.regex(waiting.stderr, new RegExp(`the old operator still has 1 pod\\(s\\) after 3s: ${operatorNamespace}/${pod}`));
  const scaled = await client.get(DEPLOYMENT_TYPE, OPERATOR, operatorNamespace);
  t.is(scaled.spec?.['replicas'], 0);
  t.is(scaled.metadata.annotations?.['kubectl-sagemaker-migrate/previous-replicas'], '2');

  await client.patchStatus(BUILTIN_TYPES.pod, pod, operatorNamespace, { status: { phase: 'Succeeded' } });
  const done = await stop(['--yes']);
  t.is(done.code, 0, done.stderr);
  t.regex(done.stderr, /already at 0/);
  t.regex(done.stderr, /the old operator is stopped/);
  t.is((await client.get(DEPLOYMENT_TYPE, OPERATOR, operatorNamespace)).metadata.annotations?.['kubectl-sagemaker-migrate/previous-replicas'], '2', 'a rerun keeps the first record');
  const cleanup = await runPlugin(['cleanup', '--skip-aws-check', '-n', objects, '--dry-run'], { kubeconfig: testKubeconfig() });
  t.is(cleanup.code, 0, cleanup.stderr);

  t.deepEqual(await objectVersions(client, OLD_KINDS, objects), objectsBefore, 'no old object was written to');
  t.deepEqual(await crdVersions(), crdsBefore, 'no old CRD was touched');

  const restored = await stop(['--restore', '--yes']);
  t.is(restored.code, 0, restored.stderr);
  const back = await client.get(DEPLOYMENT_TYPE, OPERATOR, operatorNamespace);
  t.is(back.spec?.['replicas'], 2);
  t.is(back.metadata.annotations?.['kubectl-sagemaker-migrate/previous-replicas'], undefined);
  const again = await stop(['--restore', '--yes']);
  t.is(again.code, 0, again.stderr);
  t.regex(again.stderr, /not stopped by this tool: left alone/);
  t.is((await client.get(DEPLOYMENT_TYPE, OPERATOR, operatorNamespace)).spec?.['replicas'], 2);
});
