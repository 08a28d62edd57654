// Proves the test foundation: a real API server with the real CRDs, reached through the plugin's own client.

import test from 'ava';
import { adminClient, closeAfter, freshNamespace } from '../support/cluster.ts';
import { isConflict, isNotFound } from '../../src/kube/errors.ts';
import type { ResourceType } from '../../src/kube/objects.ts';
import { oldTrainingJob } from '../support/scenario.ts';

const OLD_TRAINING_JOB: ResourceType = { group: 'sagemaker.aws.amazon.com', version: 'v1', kind: 'TrainingJob', plural: 'trainingjobs', namespaced: true };
const ACK_ENDPOINT: ResourceType = { group: 'sagemaker.services.k8s.aws', version: 'v1alpha1', kind: 'Endpoint', plural: 'endpoints', namespaced: true };
const ADOPTED_RESOURCE: ResourceType = { group: 'services.k8s.aws', version: 'v1alpha1', kind: 'AdoptedResource', plural: 'adoptedresources', namespaced: true };

test('the real old-operator TrainingJob CRD rejects an object that misses required fields', async (t) => {
  const client = closeAfter(t, adminClient());
  const namespace = await freshNamespace(client);
  const invalid = oldTrainingJob(namespace, 'invalid');
  delete invalid.spec!['roleArn'];
  const error = await t.throwsAsync(client.create(OLD_TRAINING_JOB, invalid));
  t.regex(error!.message, /roleArn/);
});

test('old-operator objects are created, listed page by page, patched with merge patch and deleted', async (t) => {
  const client = closeAfter(t, adminClient());
  const namespace = await freshNamespace(client);
  for (let index = 0; index < 7; index += 1) await client.create(OLD_TRAINING_JOB, oldTrainingJob(namespace, `job-${index}`));

  const listed = await client.listAll(OLD_TRAINING_JOB, { namespace, pageSize: 3 });
  t.deepEqual(listed.map((job) => job.metadata.name).sort(), ['job-0', 'job-1', 'job-2', 'job-3', 'job-4', 'job-5', 'job-6']);
  t.true(listed.every((job) => job.apiVersion === 'sagemaker.aws.amazon.com/v1' && job.kind === 'TrainingJob'));
  // 7 items in pages of 3 take 3 list requests.
  const before = client.requestCount;
  await client.listAll(OLD_TRAINING_JOB, { namespace, pageSize: 3 });
  t.is(client.requestCount - before, 3);

  const patched = await client.mergePatch(OLD_TRAINING_JOB, 'job-0', namespace, { metadata: { finalizers: null } });
  t.is(patched.metadata.finalizers, undefined);

  await client.delete(OLD_TRAINING_JOB, 'job-0', namespace, { uid: patched.metadata.uid! });
  const gone = await t.throwsAsync(client.get(OLD_TRAINING_JOB, 'job-0', namespace));
  t.true(isNotFound(gone));
});

test('a delete that names a stale uid is refused with a conflict and the object stays', async (t) => {
  const client = closeAfter(t, adminClient());
  const namespace = await freshNamespace(client);
  await client.create(OLD_TRAINING_JOB, oldTrainingJob(namespace, 'guarded'));
  const error = await t.throwsAsync(client.delete(OLD_TRAINING_JOB, 'guarded', namespace, { uid: '00000000-0000-0000-0000-000000000000' }));
  t.true(isConflict(error));
  t.is((await client.get(OLD_TRAINING_JOB, 'guarded', namespace)).metadata.name, 'guarded');
});

test('a delete of an object with finalizers only marks it for deletion', async (t) => {
  const client = closeAfter(t, adminClient());
  const namespace = await freshNamespace(client);
  await client.create(OLD_TRAINING_JOB, oldTrainingJob(namespace, 'held'));
  await client.delete(OLD_TRAINING_JOB, 'held', namespace);
  const held = await client.get(OLD_TRAINING_JOB, 'held', namespace);
  t.truthy(held.metadata.deletionTimestamp);
  t.deepEqual(held.metadata.finalizers, ['sagemaker-operator-finalizer']);
});

test('ACK objects and AdoptedResources are served with their status subresources', async (t) => {
  const client = closeAfter(t, adminClient());
  const namespace = await freshNamespace(client);
  await client.create(ACK_ENDPOINT, {
    apiVersion: 'sagemaker.services.k8s.aws/v1alpha1',
    kind: 'Endpoint',
    metadata: { name: 'my-endpoint', namespace, annotations: { 'services.k8s.aws/adoption-policy': 'adopt' } },
  });
  await client.patchStatus(ACK_ENDPOINT, 'my-endpoint', namespace, { status: { ackResourceMetadata: { region: 'us-east-2', ownerAccountID: '123456789012' } } });
  const endpoint = await client.get(ACK_ENDPOINT, 'my-endpoint', namespace);
  t.is((endpoint.status?.['ackResourceMetadata'] as { region: string }).region, 'us-east-2');

  await client.create(ADOPTED_RESOURCE, {
    apiVersion: 'services.k8s.aws/v1alpha1',
    kind: 'AdoptedResource',
    metadata: { name: 'adopt-endpoint', namespace },
    spec: { aws: { nameOrID: 'my-endpoint' }, kubernetes: { group: 'sagemaker.services.k8s.aws', kind: 'Endpoint' } },
  });
  await client.patchStatus(ADOPTED_RESOURCE, 'adopt-endpoint', namespace, { status: { conditions: [{ type: 'ACK.Adopted', status: 'True' }] } });
  const adopted = await client.get(ADOPTED_RESOURCE, 'adopt-endpoint', namespace);
  t.deepEqual(adopted.status?.['conditions'], [{ type: 'ACK.Adopted', status: 'True' }]);
});

test('the real AdoptedResource CRD requires spec.kubernetes.group and kind', async (t) => {
  const client = closeAfter(t, adminClient());
  const namespace = await freshNamespace(client);
  const error = await t.throwsAsync(client.create(ADOPTED_RESOURCE, {
    apiVersion: 'services.k8s.aws/v1alpha1',
    kind: 'AdoptedResource',
    metadata: { name: 'incomplete', namespace },
    spec: { aws: { nameOrID: 'x' }, kubernetes: { group: 'sagemaker.services.k8s.aws' } },
  }));
  t.regex(error!.message, /kind/);
});
