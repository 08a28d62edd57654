// What counts as adopted, read on the objects the REAL ACK controllers left (shared/reference/ack-observed/): every
// object they adopted reads as adopted, and the v1.5.0 ProcessingJob whose spec rewrite the CRD refused (ACK's
// finalizer and a synced status, but no `adopted` marker and the plugin's spec) reads as pending, so cleanup keeps
// its old object. Seen red with the finalizer alone accepted as proof, and with the marker no longer required.

import test from 'ava';
import { ackKindByGroupKind } from '../../src/core/model/ack-kinds.ts';
import { observeAnnotationTarget, parseAdoptionFields } from '../../src/core/model/adoption-state.ts';
import type { KubeObject } from '../../src/kube/objects.ts';
import { recorded, RECORDINGS } from '../support/recorded-ack.ts';

function observe(object: KubeObject) {
  const kind = ackKindByGroupKind(object.apiVersion.split('/')[0]!, object.kind)!;
  return observeAnnotationTarget(object, kind, parseAdoptionFields(object.metadata.annotations?.['services.k8s.aws/adoption-fields']));
}

test('every object the v1.9.1 / v1.4.1 controllers adopted by annotations reads as adopted', (t) => {
  const objects = recorded(RECORDINGS.annotationTargets);
  t.is(objects.length, 12);
  for (const object of objects) t.is(observe(object).state, 'adopted', `${object.kind}/${object.metadata.name}`);
});

test('runtime v0.52: the ProcessingJob ACK manages but could not mark adopted reads as pending, with why; the rest as adopted', (t) => {
  const objects = recorded(RECORDINGS.annotationTargetsOfRuntimeV052);
  const processingJob = objects.find((object) => object.kind === 'ProcessingJob')!;
  t.truthy(processingJob.metadata.finalizers?.length, 'the recording has the case: ACK finalizer set');
  t.is(processingJob.metadata.annotations?.['services.k8s.aws/adopted'], undefined);
  const observation = observe(processingJob);
  t.is(observation.state, 'pending');
  t.is(observation.synced, 'True', 'a synced status is not taken as proof');
  t.regex(observation.message ?? '', /adopted annotation missing.*controller's log/);
  for (const object of objects.filter((candidate) => candidate !== processingJob)) t.is(observe(object).state, 'adopted', `${object.kind}/${object.metadata.name}`);
});
