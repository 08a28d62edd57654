// The adoption simulator against what the REAL sagemaker-controller v1.9.1 and applicationautoscaling-controller
// v1.4.1 (ACK runtime v0.62) wrote when they adopted a migration by annotations (shared/reference/ack-observed/). The
// two sides are built independently of that recording: AWS is moto, seeded with the Create calls of the recorded
// resources in AWS's own shapes (test/fixtures/recorded-run/aws-seed.yaml); the starting objects are what today's
// `adopt --dry-run=client` makes of old objects carrying the recorded names (old-objects.yaml). The recorded objects
// are only the expected result, compared field by field (times and made-up ARN ids by their form).

import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import test from 'ava';
import yaml from 'js-yaml';
import { ACK_KINDS } from '../../src/core/model/ack-kinds.ts';
import type { KubeObject } from '../../src/kube/objects.ts';
import { AdoptionSimulator } from '../support/ack-simulator.ts';
import { startAwsEmulator, type AwsEmulator } from '../support/aws-emulator.ts';
import { runPlugin } from '../support/cli.ts';
import { adminClient, closeAfter, freshNamespace } from '../support/cluster.ts';
import { ROOT } from '../support/environment.ts';
import { adoptsAsRecorded, seedRecordedRun } from '../support/conformance.ts';
import { RECORDINGS } from '../support/recorded-ack.ts';
import { waitForObjects } from '../support/waiting.ts';

const FIXTURES = path.join(ROOT, 'test', 'fixtures', 'recorded-run');

let emulator: AwsEmulator;
let manifests: KubeObject[];
test.before(async () => {
  emulator = await startAwsEmulator(mkdtempSync(path.join(tmpdir(), 'smm-conform-')));
  await seedRecordedRun(emulator.endpoint, FIXTURES);
  const adopt = await runPlugin(['adopt', '--dry-run=client', '--from-file', path.join(FIXTURES, 'old-objects.yaml'), '-o', 'yaml']);
  if (adopt.code !== 0) throw new Error(`adopt --dry-run=client failed: ${adopt.stderr}`);
  manifests = yaml.loadAll(adopt.stdout).filter(Boolean) as KubeObject[];
});
test.after.always(async () => {
  await emulator?.stop();
});

const inNamespace = (object: KubeObject, namespace: string): KubeObject => ({ ...object, metadata: { ...object.metadata, namespace } });

// Catches: a conversion of AWS's answers that differs from ACK's (a field name, a value, spec against status, empty
// structs and lists), an adoption that loses the tags of the desired spec, and a plugin whose manifests no longer
// give what ACK made of the recorded ones (names, annotations, labels, translated spec).
test('annotation adoption: from today\'s adopt and moto, the simulator writes what the real v1.9.1 / v1.4.1 controllers wrote, field by field', async (t) => {
  await adoptsAsRecorded(t, { runtime: 'v0.62', recording: RECORDINGS.annotationTargets, manifests, awsEndpoint: emulator.endpoint, namespacePrefix: 'conform-annotation' });
});

// Catches: an adoption that writes anything (finalizer, marker, status, condition) when AWS answers "not found".
test('annotation adoption of a resource AWS does not have leaves the object exactly as it was created', async (t) => {
  const client = closeAfter(t, adminClient());
  const namespace = await freshNamespace(client, 'conform-missing');
  const simulator = new AdoptionSimulator(client, [], { namespaces: [namespace], runtime: 'v0.62', aws: { endpoint: emulator.endpoint } });
  simulator.start();
  t.teardown(() => simulator.stop());
  const model = manifests.find((object) => object.kind === 'Model')!;
  const missing = inNamespace({ ...model, metadata: { ...model.metadata, name: 'missing-model' }, spec: { ...model.spec, modelName: 'missing-model' } }, namespace);
  missing.metadata.annotations = { ...missing.metadata.annotations, 'services.k8s.aws/adoption-fields': JSON.stringify({ modelName: 'missing-model' }) };
  await client.create(ACK_KINDS.Model, missing);
  const created = await client.get(ACK_KINDS.Model, missing.metadata.name, namespace);
  // The simulator reconciles one event at a time, in order: once a Model created later is adopted, the first was seen.
  const probe = inNamespace(model, namespace);
  await client.create(ACK_KINDS.Model, probe);
  await waitForObjects(client, [probe], namespace, (object) => Boolean(object.status?.['conditions']));
  const after = await client.get(ACK_KINDS.Model, created.metadata.name, namespace);
  // Any write of the simulator's (a finalizer, a status) moves the resourceVersion; only ours is on the object.
  t.is(after.metadata.resourceVersion, created.metadata.resourceVersion);
  t.deepEqual((after.metadata.managedFields as Array<{ manager?: string }> | undefined)?.map((entry) => entry.manager), ['kubectl-sagemaker-migrate']);
  t.is(after.status, undefined);
  t.is(after.metadata.finalizers, undefined);
});
