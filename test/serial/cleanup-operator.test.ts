// cleanup refuses while the old operator can act, and removes the old CRDs only when nothing of theirs remains.
// Runs serially: it creates old-operator Deployments and deletes CRDs, which every other test would see.
// The AWS side is the ADOPTION SIMULATOR.

import { setTimeout as sleep } from 'node:timers/promises';
import test from 'ava';
import { OLD_KINDS } from '../../src/core/model/kinds.ts';
import type { KubeObject } from '../../src/kube/objects.ts';
import { adoptedNamespace, backupDirectory } from '../support/adopted-scenario.ts';
import { runPlugin } from '../support/cli.ts';
import { adminClient, objectVersions, testKubeconfig } from '../support/cluster.ts';
import { collectCrds } from '../support/crds.ts';
import { BUILTIN_TYPES } from '../../src/kube/objects.ts';
import { DEPLOYMENT_TYPE, deployment, ensureNamespace } from '../support/deployments.ts';
import { CRD_TYPE, installCrds } from '../support/install-crds.ts';

const OPERATOR_NAMESPACE = 'sagemaker-k8s-operator-system';
const OPERATOR = 'sagemaker-k8s-operator-controller-manager';
const client = adminClient();

function oldOperator(namespace: string, options: { replicas?: number; watch?: string } = {}): KubeObject {
  return deployment(namespace, OPERATOR, {
    containerName: 'manager',
    image: '957583890962.dkr.ecr.us-east-1.amazonaws.com/amazon-sagemaker-operator-for-k8s:v1',
    args: ['--metrics-addr=127.0.0.1:8080', ...(options.watch ? [`--namespace=${options.watch}`] : [])],
    env: { AWS_DEFAULT_SAGEMAKER_ENDPOINT: '' },
    replicas: options.replicas ?? 1,
    labels: { 'control-plane': 'controller-manager' },
  });
}

async function removeOperator(namespace: string): Promise<void> {
  try {
    await client.delete(DEPLOYMENT_TYPE, OPERATOR, namespace);
  } catch {
    // already gone
  }
}

const versions = (namespace: string): ReturnType<typeof objectVersions> => objectVersions(client, OLD_KINDS, namespace);

async function oldObjectCount(namespace: string): Promise<number> {
  let count = 0;
  for (const kind of OLD_KINDS) count += (await client.listAll(kind, { namespace })).length;
  return count;
}

test.after.always(async () => {
  await removeOperator(OPERATOR_NAMESPACE);
  // Put back any old CRD a test removed, so the suite leaves the cluster as it found it.
  await installCrds(client, collectCrds().crds);
  client.close();
});

test('cleanup refuses while a cluster-wide old operator runs, names it, and changes nothing', async (t) => {
  const { namespace } = await adoptedNamespace(t, client, 'op-running');
  await ensureNamespace(client, OPERATOR_NAMESPACE);
  await client.create(DEPLOYMENT_TYPE, oldOperator(OPERATOR_NAMESPACE));
  t.teardown(() => removeOperator(OPERATOR_NAMESPACE));
  const before = await versions(namespace);
  const result = await runPlugin(['cleanup', '--skip-aws-check', '-n', namespace, '--yes', '--force', '--backup-dir', backupDirectory()], { kubeconfig: testKubeconfig() });
  t.is(result.code, 5);
  t.regex(result.stderr, /the old operator is still running: deployment sagemaker-k8s-operator-system\/sagemaker-k8s-operator-controller-manager \(scaled to 1 replica\(s\)\)/);
  t.deepEqual(await versions(namespace), before, 'no object was written to, finalizers included');
  const plan = await runPlugin(['plan', '-n', namespace, '-o', 'json'], { kubeconfig: testKubeconfig() });
  t.regex(plan.stdout, /uninstall it first/);
});

test('an old operator scaled to zero with no pods counts as stopped', async (t) => {
  const { namespace } = await adoptedNamespace(t, client, 'op-scaled');
  await ensureNamespace(client, OPERATOR_NAMESPACE);
  await client.create(DEPLOYMENT_TYPE, oldOperator(OPERATOR_NAMESPACE, { replicas: 0 }));
  t.teardown(() => removeOperator(OPERATOR_NAMESPACE));
  const result = await runPlugin(['cleanup', '--skip-aws-check', '--skip-aws-check', '-n', namespace, '--yes', '--backup-dir', backupDirectory()], { kubeconfig: testKubeconfig() });
  t.is(result.code, 0, result.stderr);
  t.is(await oldObjectCount(namespace), 0);
});

// Catches a running check that reads only the Deployment's replicas (seen failing with livePods ignored in
// src/core/discovery/controllers.ts): the test control plane runs no kubelet, so the pod is an API object whose status says
// Running, which is all the plugin can see of a pod anyway. Once the pod has ended, the same cleanup goes ahead.
test('an old operator scaled to zero whose pod still runs blocks cleanup (exit 5), and nothing is written until the pod has ended', async (t) => {
  const { namespace } = await adoptedNamespace(t, client, 'op-pod');
  await ensureNamespace(client, OPERATOR_NAMESPACE);
  await client.create(DEPLOYMENT_TYPE, oldOperator(OPERATOR_NAMESPACE, { replicas: 0 }));
  t.teardown(() => removeOperator(OPERATOR_NAMESPACE));
  const pod = `${OPERATOR}-7d4b9c6f5-x2x8q`;
  await client.create(BUILTIN_TYPES.pod, {
    apiVersion: 'v1', kind: 'Pod',
    metadata: { name: pod, namespace: OPERATOR_NAMESPACE, labels: { 'control-plane': 'controller-manager' } },
    spec: { containers: [{ name: 'manager', image: '957583890962.dkr.ecr.us-east-1.amazonaws.com/amazon-sagemaker-operator-for-k8s:v1' }] },
  });
  t.teardown(() => client.delete(BUILTIN_TYPES.pod, pod, OPERATOR_NAMESPACE).catch(() => undefined));
  await client.patchStatus(BUILTIN_TYPES.pod, pod, OPERATOR_NAMESPACE, { status: { phase: 'Running' } });
  const before = await versions(namespace);
  const blocked = await runPlugin(['cleanup', '--skip-aws-check', '-n', namespace, '--yes', '--backup-dir', backupDirectory()], { kubeconfig: testKubeconfig() });
  t.is(blocked.code, 5, blocked.stderr);
  t.regex(blocked.stderr, /the old operator is still running: deployment sagemaker-k8s-operator-system\/sagemaker-k8s-operator-controller-manager \(1 pod\(s\) alive\)/);
  t.deepEqual(await versions(namespace), before, 'no object was written to, finalizers included');

  await client.patchStatus(BUILTIN_TYPES.pod, pod, OPERATOR_NAMESPACE, { status: { phase: 'Succeeded' } });
  const allowed = await runPlugin(['cleanup', '--skip-aws-check', '-n', namespace, '--yes', '--backup-dir', backupDirectory()], { kubeconfig: testKubeconfig() });
  t.is(allowed.code, 0, allowed.stderr);
  t.is(await oldObjectCount(namespace), 0);
});

test('a namespaced old operator blocks only the namespace it watches', async (t) => {
  const watched = await adoptedNamespace(t, client, 'op-watched');
  const other = await adoptedNamespace(t, client, 'op-other');
  await client.create(DEPLOYMENT_TYPE, oldOperator(watched.namespace, { watch: watched.namespace }));
  t.teardown(() => removeOperator(watched.namespace));
  const before = await versions(watched.namespace);
  const blocked = await runPlugin(['cleanup', '--skip-aws-check', '-n', watched.namespace, '--yes', '--backup-dir', backupDirectory()], { kubeconfig: testKubeconfig() });
  t.is(blocked.code, 5);
  t.deepEqual(await versions(watched.namespace), before, 'no object in the watched namespace was written to');
  const allowed = await runPlugin(['cleanup', '--skip-aws-check', '-n', other.namespace, '--yes', '--backup-dir', backupDirectory()], { kubeconfig: testKubeconfig() });
  t.is(allowed.code, 0, allowed.stderr);
  t.is(await oldObjectCount(other.namespace), 0);
});

test('the old CRDs are kept while any object of theirs remains anywhere, and removed (backed up) when none does', async (t) => {
  const { namespace } = await adoptedNamespace(t, client, 'crds');
  const elsewhere = await oldObjectCountEverywhere();
  t.true(elsewhere > 0, 'other test namespaces still hold old objects');
  const refused = await runPlugin(['cleanup', '--skip-aws-check', '--skip-aws-check', '-n', namespace, '--yes', '--delete-crds', '--backup-dir', backupDirectory()], { kubeconfig: testKubeconfig() });
  t.is(refused.code, 5, refused.stderr);
  t.regex(refused.stderr, /old-operator objects remain in the cluster/);
  t.truthy(await client.get(CRD_TYPE, 'trainingjobs.sagemaker.aws.amazon.com'));

  const everything = await runPlugin(['cleanup', '--skip-aws-check', '--skip-aws-check', '-A', '--yes', '--force', '--delete-crds', '--backup-dir', backupDirectory()], { kubeconfig: testKubeconfig() });
  t.is(everything.code, 0, everything.stderr);
  t.regex(everything.stderr, /deleted CRDs: trainingjobs\.sagemaker\.aws\.amazon\.com/);
  // The API server finishes a CRD deletion asynchronously, after its own cleanup finalizer.
  let left = Infinity;
  for (let waited = 0; waited < 30_000 && left > 0; waited += 200) {
    left = (await client.listAll(CRD_TYPE)).filter((crd) => crd.metadata.name.endsWith('.sagemaker.aws.amazon.com')).length;
    if (left > 0) await sleep(200);
  }
  t.is(left, 0);
});

async function oldObjectCountEverywhere(): Promise<number> {
  let count = 0;
  for (const kind of OLD_KINDS) count += (await client.listAll(kind)).length;
  return count;
}
