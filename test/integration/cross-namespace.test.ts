// One AWS resource, one ACK object, whatever the scope of a run: runs scoped with -n see the ACK objects of every
// namespace (where the user may list them) and treat the one found elsewhere as the adopter. The ACK side is the
// ADOPTION SIMULATOR.

import test from 'ava';
import { ACK_KINDS } from '../../src/core/model/ack-kinds.ts';
import type { KubeObject, ResourceType } from '../../src/kube/objects.ts';
import { adoptedNamespace, backupDirectory } from '../support/adopted-scenario.ts';
import { runPlugin } from '../support/cli.ts';
import { adminClient, closeAfter, freshNamespace, testKubeconfig } from '../support/cluster.ts';
import { TEST_TOKENS } from '../support/control-plane.ts';
import { tokenKubeconfig } from '../support/kubeconfigs.ts';
import { exampleObjects, seedOldObjects } from '../support/scenario.ts';

const onlyTheTrainingJob = (namespace: string): KubeObject[] => exampleObjects(namespace).filter((object) => object.metadata.name === 'xgboost-mnist');

/** The same old TrainingJob (same AWS training job) in another namespace, as when a team copied its manifests. */
function copiedInto(object: KubeObject, namespace: string): KubeObject {
  const { uid: _uid, resourceVersion: _rv, creationTimestamp: _created, managedFields: _managed, generation: _generation, ...metadata } = object.metadata;
  return { ...object, metadata: { ...metadata, namespace } };
}

test('adopt -n B makes no second ACK object for a training job already adopted in namespace A, and cleanup -n B may go on', async (t) => {
  const client = closeAfter(t, adminClient());
  const first = await adoptedNamespace(t, client, 'cross-a', onlyTheTrainingJob);
  const second = await freshNamespace(client, 'cross-b');
  await seedOldObjects(client, [copiedInto(first.seeded[0]!, second)]);

  const plan = await runPlugin(['plan', '-n', second, '-o', 'json'], { kubeconfig: testKubeconfig() });
  t.is(plan.code, 0, plan.stderr);
  const [target] = (JSON.parse(plan.stdout) as { targets: Array<{ namespace: string; state: string }> }).targets;
  t.like(target, { namespace: first.namespace, state: 'adopted' });

  const adopt = await runPlugin(['adopt', '-n', second, '-o', 'json'], { kubeconfig: testKubeconfig() });
  t.is(adopt.code, 0, adopt.stderr);
  t.deepEqual(JSON.parse(adopt.stdout), { outcomes: [] });
  t.deepEqual(await client.listAll(ACK_KINDS.TrainingJob, { namespace: second }), []);
  t.is((await client.listAll(ACK_KINDS.TrainingJob, { namespace: first.namespace })).length, 1);

  const cleanup = await runPlugin(['cleanup', '--skip-aws-check', '-n', second, '--yes', '--backup-dir', backupDirectory()], { kubeconfig: testKubeconfig() });
  t.is(cleanup.code, 0, cleanup.stderr);
});

test('a user who may list ACK objects only in their namespace is told that others could not be checked', async (t) => {
  const client = closeAfter(t, adminClient());
  const namespace = await freshNamespace(client, 'cross-limited');
  await seedOldObjects(client, onlyTheTrainingJob(namespace));
  const user = TEST_TOKENS.find((token) => token.user === 'limited-reader')!;
  const rbac = (kind: string, plural: string): ResourceType => ({ group: 'rbac.authorization.k8s.io', version: 'v1', kind, plural, namespaced: true });
  await client.create(rbac('Role', 'roles'), {
    apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: { name: 'migrator', namespace },
    rules: [{ apiGroups: ['sagemaker.aws.amazon.com', 'sagemaker.services.k8s.aws', 'applicationautoscaling.services.k8s.aws', 'services.k8s.aws'], resources: ['*'], verbs: ['get', 'list', 'watch', 'create'] }],
  } as KubeObject);
  await client.create(rbac('RoleBinding', 'rolebindings'), {
    apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding', metadata: { name: 'migrator', namespace },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'migrator' },
    subjects: [{ kind: 'User', name: user.user, apiGroup: 'rbac.authorization.k8s.io' }],
  } as KubeObject);
  const plan = await runPlugin(['plan'], { kubeconfig: tokenKubeconfig(user.token, namespace) });
  t.is(plan.code, 0, plan.stderr);
  t.regex(plan.stdout, new RegExp(`warning: ACK objects and AdoptedResources could be listed only in namespace ${namespace}: one in another namespace`));
});
