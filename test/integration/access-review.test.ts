// Which writes a user may not make (core/discovery/access.ts), against the real API server's RBAC: a review without a
// namespace first (allowed only through a ClusterRole binding), then namespace by namespace for what it did not allow.
// Catches: a right granted in one namespace only being reported missing (seen red with the cluster-wide answer taken
// for every namespace), and the per-namespace reviews still sent when the cluster-wide one allowed them all (seen red
// with the cluster-wide review left out: 3 reviews instead of 1).

import test from 'ava';
import { deniedAccess } from '../../src/core/discovery/access.ts';
import { KubeClient } from '../../src/kube/client.ts';
import { loadKubeConfig } from '../../src/kube/config.ts';
import type { KubeObject, ResourceType } from '../../src/kube/objects.ts';
import { adminClient, closeAfter, freshNamespace } from '../support/cluster.ts';
import { TEST_TOKENS } from '../support/control-plane.ts';
import { tokenKubeconfig } from '../support/kubeconfigs.ts';

const rbac = (kind: string, plural: string): ResourceType => ({ group: 'rbac.authorization.k8s.io', version: 'v1', kind, plural, namespaced: kind.startsWith('Role') });
const createTrainingJobs = (namespace: string) => ({ verb: 'create', group: 'sagemaker.services.k8s.aws', resource: 'trainingjobs', namespace });

test('a right granted in one namespace is missing only in the others; an administrator needs one review per verb and resource', async (t) => {
  const admin = closeAfter(t, adminClient());
  const [granted, other, third] = [await freshNamespace(admin, 'rights-a'), await freshNamespace(admin, 'rights-b'), await freshNamespace(admin, 'rights-c')];
  const user = TEST_TOKENS.find((token) => token.user === 'namespace-writer')!;
  await admin.create(rbac('Role', 'roles'), {
    apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: { name: 'create-training-jobs', namespace: granted },
    rules: [{ apiGroups: ['sagemaker.services.k8s.aws'], resources: ['trainingjobs'], verbs: ['create'] }],
  } as KubeObject);
  await admin.create(rbac('RoleBinding', 'rolebindings'), {
    apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding', metadata: { name: 'create-training-jobs', namespace: granted },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'create-training-jobs' },
    subjects: [{ kind: 'User', name: user.user, apiGroup: 'rbac.authorization.k8s.io' }],
  } as KubeObject);
  const checks = [granted, other, third].map(createTrainingJobs);

  const writer = closeAfter(t, new KubeClient(loadKubeConfig({ kubeconfig: tokenKubeconfig(user.token) }).kubeConfig));
  // RBAC caches are filled from watches: the binding may take a moment to count.
  let denied = await deniedAccess(writer, checks, 4);
  for (let attempt = 0; attempt < 50 && denied.some((check) => check.namespace === granted); attempt += 1) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    denied = await deniedAccess(writer, checks, 4);
  }
  t.deepEqual(denied.map((check) => check.namespace).sort(), [other, third].sort());

  const before = admin.requestCount;
  t.deepEqual(await deniedAccess(admin, checks, 4), []);
  t.is(admin.requestCount - before, 1, 'allowed cluster-wide: no review per namespace');
});
