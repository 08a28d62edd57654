// Where an ACK object came from: the AdoptedResource that made it is found by what its spec.kubernetes names, and
// undo keeps an ACK object and its maker together. Catches a lookup that finds the wrong AdoptedResource (another
// kind, group or namespace, or the second of two naming one object), which would make status, handover and undo
// judge an object by someone else's AdoptedResource.

import test from 'ava';
import type { Inventory } from '../../src/core/discovery/inventory.ts';
import { MANAGED_BY_LABEL, SOURCES_ANNOTATION } from '../../src/core/model/ack-kinds.ts';
import { AdoptedResourceMakers, originOf } from '../../src/core/model/origin.ts';
import { decideUndo } from '../../src/core/undo/undo.ts';
import type { KubeObject } from '../../src/kube/objects.ts';

function ackTrainingJob(name: string, namespace = 'ml'): KubeObject {
  return { apiVersion: 'sagemaker.services.k8s.aws/v1alpha1', kind: 'TrainingJob', metadata: { name, namespace }, spec: { trainingJobName: name } };
}

function adoptedResource(name: string, target: { group?: string; kind?: string; name?: string; namespace?: string }, options: { namespace?: string; ours?: boolean; sources?: string } = {}): KubeObject {
  return {
    apiVersion: 'services.k8s.aws/v1alpha1',
    kind: 'AdoptedResource',
    metadata: {
      name,
      namespace: options.namespace ?? 'ml',
      ...(options.ours ? { labels: { ...MANAGED_BY_LABEL } } : {}),
      ...(options.sources ? { annotations: { [SOURCES_ANNOTATION]: options.sources } } : {}),
    },
    spec: {
      aws: { nameOrID: `aws-${name}` },
      kubernetes: {
        group: target.group ?? 'sagemaker.services.k8s.aws',
        kind: target.kind ?? 'TrainingJob',
        ...(target.name || target.namespace ? { metadata: { ...(target.name ? { name: target.name } : {}), ...(target.namespace ? { namespace: target.namespace } : {}) } } : {}),
      },
    },
  };
}

test('the maker of an ACK object is the AdoptedResource whose spec.kubernetes names its group, kind, namespace and name', (t) => {
  const job = ackTrainingJob('job-1');
  const makers = new AdoptedResourceMakers([
    adoptedResource('other-kind', { kind: 'Model', name: 'job-1' }),
    adoptedResource('other-group', { group: 'applicationautoscaling.services.k8s.aws', name: 'job-1' }),
    adoptedResource('other-namespace', { name: 'job-1', namespace: 'elsewhere' }),
    adoptedResource('other-name', { name: 'job-2' }),
    adoptedResource('the-maker', { name: 'job-1' }),
    adoptedResource('a-second-one', { name: 'job-1' }),
  ]);
  t.is(makers.makerOf(job)?.metadata.name, 'the-maker');
  t.is(makers.makerOf(ackTrainingJob('job-3')), undefined);
});

test('an AdoptedResource that names no object makes the one of its own name, in its own namespace', (t) => {
  const makers = new AdoptedResourceMakers([adoptedResource('job-1', {}, { namespace: 'team-a' })]);
  t.is(makers.makerOf(ackTrainingJob('job-1', 'team-a'))?.metadata.name, 'job-1');
  t.is(makers.makerOf(ackTrainingJob('job-1', 'team-b')), undefined);
});

test('an ACK object without annotations of its own takes its origin from its maker', (t) => {
  const makers = new AdoptedResourceMakers([adoptedResource('adopt-job-1', { name: 'job-1' }, { ours: true, sources: 'TrainingJob ml/old-job-1' })]);
  const origin = originOf(ackTrainingJob('job-1'), makers);
  t.true(origin?.madeByThisTool);
  t.deepEqual(origin?.sources, ['TrainingJob ml/old-job-1']);
  t.deepEqual(origin?.expected, { trainingJobName: 'aws-adopt-job-1' });
  t.false(originOf(ackTrainingJob('job-2'), makers)?.madeByThisTool);
});

test('undo removes an ACK object with its own AdoptedResource, and lists an AdoptedResource of its own only when it made nothing', (t) => {
  const oldJob: KubeObject = { apiVersion: 'sagemaker.aws.amazon.com/v1', kind: 'TrainingJob', metadata: { name: 'old-job-1', namespace: 'ml' }, spec: {} };
  const inventory: Inventory = {
    oldObjects: [oldJob],
    ackObjects: [ackTrainingJob('job-1')],
    adoptedResources: [
      adoptedResource('adopt-job-1', { name: 'job-1' }, { ours: true, sources: 'TrainingJob ml/old-job-1' }),
      adoptedResource('adopt-job-9', { name: 'job-9' }, { ours: true, sources: 'TrainingJob ml/old-job-9' }),
    ],
    scopeNamespace: 'ml',
  };
  const items = decideUndo(inventory);
  t.deepEqual(items.map((item) => [item.object.kind, item.object.metadata.name, item.action, item.maker?.metadata.name]), [
    ['TrainingJob', 'job-1', 'remove', 'adopt-job-1'],
    ['AdoptedResource', 'adopt-job-9', 'remove', undefined],
  ]);
});
