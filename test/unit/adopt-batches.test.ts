// How adopt hands out its plans when it reads a cluster one namespace group at a time (core/adoption/adopt.ts,
// plansToAdopt). Catches: a blocker in a later group no longer stopping the run before anything is created while
// the plans are checked together (seen red with the blockers checked per group only), a large cluster held whole
// instead of group by group (seen red with the held plans never released), and a blocked group still handed out.

import test from 'ava';
import { plansToAdopt, type AdoptionBatch } from '../../src/core/adoption/adopt.ts';
import type { ClusterFacts, Inventory } from '../../src/core/discovery/inventory.ts';
import type { PlanOptions } from '../../src/core/model/plan-types.ts';
import { oldTrainingJob } from '../support/scenario.ts';

const OPTIONS: PlanOptions = { method: 'annotation', deletionPolicy: 'retain', readOnly: true, spec: 'omit', includeTuningJobChildren: false };

function facts(missingIn?: string): ClusterFacts {
  return {
    contextName: 'test', deploymentsKnown: true, oldOperators: [], ackControllers: [], servedAckKinds: ['TrainingJob'], adoptedResourceCrdServed: false,
    ackObjectsClusterWide: true, oldObjectsClusterWide: true,
    missingPermissions: missingIn ? [{ verb: 'create', resource: 'trainingjobs.sagemaker.services.k8s.aws', namespace: missingIn }] : [],
  };
}

/** A namespace group of `count` old TrainingJobs; `blocked`: the user may not create ACK objects there. */
function group(namespace: string, count: number, blocked = false): Inventory {
  const oldObjects = Array.from({ length: count }, (_, index) => oldTrainingJob(namespace, `job-${index}`, `${namespace}-job-${index}`));
  return { oldObjects, ackObjects: [], adoptedResources: [], cluster: facts(blocked ? namespace : undefined), scopeNamespace: undefined };
}

async function* inventories(groups: Inventory[], read: string[]): AsyncGenerator<Inventory> {
  for (const inventory of groups) {
    read.push(inventory.oldObjects[0]!.metadata.namespace!);
    yield inventory;
  }
}

async function handedOut(groups: Inventory[], checkedTogether: number): Promise<{ batches: AdoptionBatch[]; read: string[]; error?: Error }> {
  const batches: AdoptionBatch[] = [];
  const read: string[] = [];
  try {
    for await (const batch of plansToAdopt(inventories(groups, read), OPTIONS, checkedTogether)) batches.push(batch);
  } catch (error) {
    return { batches, read, error: error as Error };
  }
  return { batches, read };
}

test('up to the limit, every group is planned and checked before one merged plan is handed out', async (t) => {
  const { batches, error } = await handedOut([group('a', 3), group('b', 2), group('c', 4)], 100);
  t.is(error, undefined);
  t.is(batches.length, 1);
  t.is(batches[0]!.plan.targets.length, 9);
});

test('up to the limit, a blocker in the last group stops the run before any plan is handed out', async (t) => {
  const { batches, error } = await handedOut([group('a', 3), group('b', 2), group('c', 4, true)], 100);
  t.is(batches.length, 0);
  t.regex(error?.message ?? '', /cannot adopt: missing permission: create trainingjobs\.sagemaker\.services\.k8s\.aws in namespace c/);
});

test('beyond the limit, the groups read so far go out together, then each group alone, as it is read', async (t) => {
  const { batches, read, error } = await handedOut([group('a', 3), group('b', 3), group('c', 3), group('d', 3)], 5);
  t.is(error, undefined);
  t.deepEqual(batches.map((batch) => batch.plan.targets.length), [6, 3, 3]);
  t.deepEqual(read, ['a', 'b', 'c', 'd']);
});

test('beyond the limit, a blocked group stops the run: it and later groups are not handed out', async (t) => {
  const { batches, read, error } = await handedOut([group('a', 3), group('b', 3), group('c', 3, true), group('d', 3)], 5);
  t.deepEqual(batches.map((batch) => batch.plan.targets.map((target) => target.namespace)[0]), ['a']);
  t.deepEqual(read, ['a', 'b', 'c']);
  t.regex(error?.message ?? '', /in namespace c/);
});
