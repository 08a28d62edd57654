// The adoption simulator against what the REAL sagemaker-controller v1.5.0 and applicationautoscaling-controller
// v1.1.1 (ACK runtime v0.52) wrote (shared/reference/ack-observed/), by both methods, field by field: for the
// plugin's AdoptedResources, the AdoptedResources after adoption and the ACK objects ACK created from them; by
// annotations, the ACK objects after adoption. Runs on the control plane that has those releases' CRDs. Both sides
// are built without the recordings: AWS is moto, seeded with the recorded resources' Create calls (aws-seed.yaml in
// test/fixtures/recorded-run-adopted-resource-era/ and recorded-run-v0.52-annotations/); the starting objects are
// what today's `adopt --dry-run=client` makes of old objects carrying the recorded names. The recorded InProgress
// training job of the AdoptedResource run is left out: moto creates every job Completed.

import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import test from 'ava';
import yaml from 'js-yaml';
import { ACK_KINDS, ADOPTED_RESOURCE_TYPE } from '../../src/core/model/ack-kinds.ts';
import { findCondition, type KubeObject } from '../../src/kube/objects.ts';
import { AdoptionSimulator } from '../support/ack-simulator.ts';
import { startAwsEmulator, type AwsEmulator } from '../support/aws-emulator.ts';
import { runPlugin } from '../support/cli.ts';
import { adminClient, closeAfter, freshNamespace } from '../support/cluster.ts';
import { ROOT } from '../support/environment.ts';
import { adoptsAsRecorded, seedRecordedRun } from '../support/conformance.ts';
import { comparable, comparableAcrossRuns, recorded, RECORDINGS } from '../support/recorded-ack.ts';
import { waitForObjects } from '../support/waiting.ts';

const FIXTURES = path.join(ROOT, 'test', 'fixtures', 'recorded-run-adopted-resource-era');
const ANNOTATION_FIXTURES = path.join(ROOT, 'test', 'fixtures', 'recorded-run-v0.52-annotations');
const SOURCES = 'kubectl-sagemaker-migrate/sources';
/** The recorded job moto cannot make again (InProgress). */
const LEFT_OUT = 'resnet-train-30a1dd23fac84eed8b7a2c133206bc60';

let emulator: AwsEmulator;
let manifests: KubeObject[];
let annotationManifests: KubeObject[];

async function dryRunAdopt(method: string, fixtures: string): Promise<KubeObject[]> {
  const adopt = await runPlugin(['adopt', '--method', method, '--dry-run=client', '--from-file', path.join(fixtures, 'old-objects.yaml'), '-o', 'yaml']);
  if (adopt.code !== 0) throw new Error(`adopt --dry-run=client failed: ${adopt.stderr}`);
  return yaml.loadAll(adopt.stdout).filter(Boolean) as KubeObject[];
}

test.before(async () => {
  emulator = await startAwsEmulator(mkdtempSync(path.join(tmpdir(), 'smm-conform-ar-')));
  for (const fixtures of [FIXTURES, ANNOTATION_FIXTURES]) await seedRecordedRun(emulator.endpoint, fixtures);
  [manifests, annotationManifests] = await Promise.all([dryRunAdopt('adopted-resource', FIXTURES), dryRunAdopt('annotation', ANNOTATION_FIXTURES)]);
});
test.after.always(async () => {
  await emulator?.stop();
});

function targetNameOf(adoptedResource: KubeObject): string {
  return (adoptedResource.spec?.['kubernetes'] as { metadata: { name: string } }).metadata.name;
}

function inNamespace(adoptedResource: KubeObject, namespace: string): KubeObject {
  const spec = structuredClone(adoptedResource.spec!) as { kubernetes: { metadata: { namespace?: string } } };
  spec.kubernetes.metadata.namespace = namespace;
  return { ...adoptedResource, metadata: { ...adoptedResource.metadata, namespace }, spec };
}

/**
 * Today's adopt also names the old objects in the target's annotations (spec.kubernetes.metadata), so that the target
 * ACK creates carries its origin; the recording predates that. Compared without it, and checked to be there.
 */
function withoutSources(object: KubeObject): KubeObject {
  const copy = structuredClone(object);
  const target = (copy.spec?.['kubernetes'] as { metadata?: { annotations?: Record<string, string> } } | undefined)?.metadata;
  if (target) delete target.annotations?.[SOURCES];
  else delete copy.metadata.annotations?.[SOURCES];
  return copy;
}

// Catches: a v0.52 AdoptedResource path that writes the target from anything but AWS's answer converted as ACK
// converts it (or with metadata beyond spec.kubernetes.metadata), or that sets ACK.Adopted otherwise than the
// real controllers did (True without a message; False with the API server's words for a target the CRD refuses).
test('AdoptedResource adoption: from today\'s adopt and moto, the simulator writes what the real v1.5.0 / v1.1.1 controllers wrote, field by field', async (t) => {
  const client = closeAfter(t, adminClient());
  const namespace = await freshNamespace(client, 'conform-ar');
  const adoptedResources = recorded(RECORDINGS.adoptedResources).filter((object) => targetNameOf(object) !== LEFT_OUT);
  const targets = recorded(RECORDINGS.adoptedResourceTargets).filter((object) => object.metadata.name !== LEFT_OUT);
  const simulator = new AdoptionSimulator(client, [], { namespaces: [namespace], runtime: 'v0.52', aws: { endpoint: emulator.endpoint } });
  simulator.start();
  t.teardown(() => simulator.stop());
  t.deepEqual(manifests.map((object) => object.metadata.name).sort(), adoptedResources.map((object) => object.metadata.name).sort());

  for (const adoptedResource of manifests) await client.create(ADOPTED_RESOURCE_TYPE, inNamespace(adoptedResource, namespace));
  const afterAdoption = await waitForObjects(client, adoptedResources, namespace, (object) => findCondition(object, 'ACK.Adopted') !== undefined);
  for (const [index, object] of afterAdoption.entries()) {
    t.deepEqual(comparable(withoutSources(object)), comparable(adoptedResources[index]!), `AdoptedResource/${object.metadata.name}`);
  }
  // Only adopted AdoptedResources have a target made by ACK; the recorded ProcessingJob's was refused by its CRD.
  const adoptedNames = new Set(afterAdoption.filter((object) => findCondition(object, 'ACK.Adopted')?.status === 'True').map(targetNameOf));
  const expected = targets.filter((target) => adoptedNames.has(target.metadata.name));
  t.true(expected.length < targets.length && expected.length > 0);
  const created = await waitForObjects(client, expected, namespace, (object) => Boolean(object.status?.['conditions']));
  for (const [index, object] of created.entries()) {
    t.truthy(object.metadata.annotations?.[SOURCES], `${object.kind}/${object.metadata.name} names its old objects`);
    t.deepEqual(comparableAcrossRuns(withoutSources(object)), comparableAcrossRuns(expected[index]!), `${object.kind}/${object.metadata.name}`);
  }
  t.deepEqual(await client.listAll(ACK_KINDS.ProcessingJob, { namespace }), []);
  t.deepEqual(simulator.awsWrites, []);
});

// Catches: an AdoptedResource path that reports anything but ACK.Adopted False "resource not found" when AWS says so.
test('an AdoptedResource for a resource AWS does not have gets ACK.Adopted False "resource not found", and no target', async (t) => {
  const client = closeAfter(t, adminClient());
  const namespace = await freshNamespace(client, 'conform-ar-missing');
  const model = manifests.find((object) => (object.spec?.['kubernetes'] as { kind: string }).kind === 'Model')!;
  const missing = structuredClone(model);
  (missing.spec!['aws'] as { nameOrID: string }).nameOrID = 'missing-model';
  const simulator = new AdoptionSimulator(client, [], { namespaces: [namespace], runtime: 'v0.52', aws: { endpoint: emulator.endpoint } });
  simulator.start();
  t.teardown(() => simulator.stop());
  await client.create(ADOPTED_RESOURCE_TYPE, inNamespace(missing, namespace));
  const [after] = await waitForObjects(client, [missing], namespace, (object) => findCondition(object, 'ACK.Adopted') !== undefined);
  t.like(findCondition(after!, 'ACK.Adopted'), { status: 'False', message: 'resource not found' });
  t.deepEqual(await client.listAll(ACK_KINDS.Model, { namespace }), []);
});

// Catches: a v0.52 annotation path that marks the object `adopted` before its spec is written (v0.52 sets the marker in
// the same patch as the spec, so the ProcessingJob whose spec the CRD refused has ACK's finalizer and status but no
// marker), a spec or status converted otherwise than the real controllers did, or Ready / partition written by a
// runtime that had neither. Seen red with the v0.62 order (finalizer and marker first) forced on the v0.52 profile.
test('annotation adoption by runtime v0.52: from today\'s adopt and moto, the simulator writes what the real v1.5.0 / v1.1.1 controllers wrote, field by field', async (t) => {
  await adoptsAsRecorded(t, { runtime: 'v0.52', recording: RECORDINGS.annotationTargetsOfRuntimeV052, manifests: annotationManifests, awsEndpoint: emulator.endpoint, namespacePrefix: 'conform-v052-annotation' });
});
