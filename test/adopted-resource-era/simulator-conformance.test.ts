// The adoption simulator against what the REAL sagemaker-controller v1.5.0 and applicationautoscaling-controller
// v1.1.1 (ACK runtime v0.52) wrote for the plugin's AdoptedResources (shared/reference/ack-observed/): the
// AdoptedResources after adoption and the ACK objects ACK created from them, field by field. Runs on the control
// plane that has those releases' CRDs.

import test from 'ava';
import { ACK_KINDS, ADOPTED_RESOURCE_TYPE, type AckKindName } from '../../src/core/ack-kinds.ts';
import { findCondition, type KubeObject } from '../../src/kube/objects.ts';
import { AdoptionSimulator } from '../support/ack-simulator.ts';
import { adminClient, closeAfter, freshNamespace } from '../support/cluster.ts';
import { adoptedResourceBeforeAdoption, asMotoDescribed, awsResourceOf, comparable, identifiersOf, recorded, RECORDINGS } from '../support/recorded-ack.ts';
import { waitForObjects } from '../support/waiting.ts';

function targetNameOf(adoptedResource: KubeObject): string {
  return (adoptedResource.spec?.['kubernetes'] as { metadata: { name: string } }).metadata.name;
}

test('AdoptedResource adoption: the simulator writes what the real v1.5.0 / v1.1.1 controllers wrote, field by field', async (t) => {
  const client = closeAfter(t, adminClient());
  const namespace = await freshNamespace(client, 'conform-ar');
  const adoptedResources = recorded(RECORDINGS.adoptedResources);
  const targets = recorded(RECORDINGS.adoptedResourceTargets);
  const aws = targets.map((target) => {
    const kind = ACK_KINDS[target.kind as AckKindName];
    return asMotoDescribed(awsResourceOf(target, identifiersOf(target, [kind.primaryField, ...kind.additionalFields])));
  });
  const simulator = new AdoptionSimulator(client, aws, { namespaces: [namespace], runtime: 'v0.52' });
  simulator.start();
  t.teardown(() => simulator.stop());

  for (const adoptedResource of adoptedResources) await client.create(ADOPTED_RESOURCE_TYPE, adoptedResourceBeforeAdoption(adoptedResource, namespace));
  const afterAdoption = await waitForObjects(client, adoptedResources, namespace, (object) => findCondition(object, 'ACK.Adopted') !== undefined);
  for (const [index, object] of afterAdoption.entries()) {
    t.deepEqual(comparable(object), comparable(adoptedResources[index]!), `AdoptedResource/${object.metadata.name}`);
  }
  // Only adopted AdoptedResources have a target made by ACK; the recorded ProcessingJob's was refused by its CRD.
  const adoptedNames = new Set(afterAdoption.filter((object) => findCondition(object, 'ACK.Adopted')?.status === 'True').map(targetNameOf));
  const expected = targets.filter((target) => adoptedNames.has(target.metadata.name));
  t.true(expected.length < targets.length && expected.length > 0);
  const created = await waitForObjects(client, expected, namespace, (object) => Boolean(object.status?.['conditions']));
  for (const [index, object] of created.entries()) {
    t.deepEqual(comparable(object), comparable(expected[index]!), `${object.kind}/${object.metadata.name}`);
  }
  t.deepEqual(await client.listAll(ACK_KINDS.ProcessingJob, { namespace }), []);
  t.deepEqual(simulator.awsWrites, []);
});

test('an AdoptedResource for a resource AWS does not have gets ACK.Adopted False "resource not found", and no target', async (t) => {
  const client = closeAfter(t, adminClient());
  const namespace = await freshNamespace(client, 'conform-ar-missing');
  const adoptedResource = recorded(RECORDINGS.adoptedResources).find((object) => (object.spec?.['kubernetes'] as { kind: string }).kind === 'Model')!;
  const simulator = new AdoptionSimulator(client, [], { namespaces: [namespace], runtime: 'v0.52' });
  simulator.start();
  t.teardown(() => simulator.stop());
  await client.create(ADOPTED_RESOURCE_TYPE, adoptedResourceBeforeAdoption(adoptedResource, namespace));
  const [after] = await waitForObjects(client, [adoptedResource], namespace, (object) => findCondition(object, 'ACK.Adopted') !== undefined);
  t.like(findCondition(after!, 'ACK.Adopted'), { status: 'False', message: 'resource not found' });
  t.deepEqual(await client.listAll(ACK_KINDS.Model, { namespace }), []);
});
