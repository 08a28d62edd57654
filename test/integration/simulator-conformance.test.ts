// The adoption simulator against what the REAL sagemaker-controller v1.9.1 and applicationautoscaling-controller
// v1.4.1 (ACK runtime v0.62) wrote when they adopted a migration by annotations (shared/reference/ack-observed/):
// given the same AWS resources and the same objects, the simulator must leave the same objects, field by field.

import test from 'ava';
import { ACK_KINDS, type AckKindName } from '../../src/core/ack-kinds.ts';
import type { KubeObject } from '../../src/kube/objects.ts';
import { AdoptionSimulator } from '../support/ack-simulator.ts';
import { adminClient, closeAfter, freshNamespace } from '../support/cluster.ts';
import { asMotoDescribed, awsResourceOf, beforeAdoption, comparable, identifiersOf, recorded, RECORDINGS } from '../support/recorded-ack.ts';
import { waitForObjects } from '../support/waiting.ts';

test('annotation adoption: the simulator writes what the real v1.9.1 / v1.4.1 controllers wrote, field by field', async (t) => {
  const client = closeAfter(t, adminClient());
  const namespace = await freshNamespace(client, 'conform-annotation');
  const observed = recorded(RECORDINGS.annotationTargets);
  const simulator = new AdoptionSimulator(
    client,
    observed.map((object) => asMotoDescribed(awsResourceOf(object, identifiersOf(object, [])))),
    { namespaces: [namespace], runtime: 'v0.62' },
  );
  simulator.start();
  t.teardown(() => simulator.stop());

  // Generation 2 says ACK rewrote the spec: those objects start with their required fields only, so the rewrite must
  // show. Generation 1 says it did not (same spec, or a rewrite the CRD rejected): those start as recorded.
  for (const object of observed) {
    const kind = ACK_KINDS[object.kind as AckKindName];
    const rewritten = object.metadata.generation === 2;
    const spec = rewritten ? Object.fromEntries(Object.entries(object.spec ?? {}).filter(([field]) => kind.requiredSpec.includes(field))) : object.spec ?? {};
    await client.create(kind, beforeAdoption(object, namespace, spec));
  }
  const adopted = await waitForObjects(client, observed, namespace, (object) => Boolean(object.status?.['conditions']));
  for (const [index, object] of adopted.entries()) {
    t.deepEqual(comparable(object), comparable(observed[index]!), `${object.kind}/${object.metadata.name}`);
  }
  t.deepEqual(simulator.awsWrites, [], 'read-only adoption writes nothing to AWS');
});

test('annotation adoption of a resource AWS does not have leaves the object exactly as it was created', async (t) => {
  const client = closeAfter(t, adminClient());
  const namespace = await freshNamespace(client, 'conform-missing');
  const model: KubeObject = recorded(RECORDINGS.annotationTargets).find((object) => object.kind === 'Model')!;
  const simulator = new AdoptionSimulator(client, [awsResourceOf(model, identifiersOf(model, []))], { namespaces: [namespace], runtime: 'v0.62' });
  simulator.start();
  t.teardown(() => simulator.stop());
  const missing = beforeAdoption({ ...model, metadata: { ...model.metadata, name: 'missing-model' } }, namespace, { modelName: 'missing-model' });
  missing.metadata.annotations!['services.k8s.aws/adoption-fields'] = JSON.stringify({ modelName: 'missing-model' });
  const created = await client.create(ACK_KINDS.Model, missing);
  // The simulator reconciles one kind's events in order: once a Model created later is adopted, the first was seen.
  const probe = beforeAdoption(model, namespace, { modelName: model.spec!['modelName'] });
  await client.create(ACK_KINDS.Model, probe);
  await waitForObjects(client, [probe], namespace, (object) => Boolean(object.status?.['conditions']));
  const after = await client.get(ACK_KINDS.Model, created.metadata.name, namespace);
  t.is(after.metadata.resourceVersion, created.metadata.resourceVersion);
  t.is(after.status, undefined);
  t.is(after.metadata.finalizers, undefined);
});
