// Planning namespace groups one at a time must give what planning everything at once gives.

import { readFileSync } from 'node:fs';
import test from 'ava';
import { parseDump } from '../../src/core/discovery/dump.ts';
import type { ClusterFacts, Inventory } from '../../src/core/discovery/inventory.ts';
import { groupInventory, NamespaceRelevance } from '../../src/core/discovery/namespace-groups.ts';
import { compareNames } from '../../src/kube/objects.ts';
import { OLD_KINDS } from '../../src/core/model/kinds.ts';
import { buildPlan, mergePlans, REPORT_PLAN_OPTIONS, type PlanOptions } from '../../src/core/plan/plan.ts';
import { addCounts, buildStatus, emptySummary } from '../../src/core/adoption/status.ts';
import { jsonArrayItems, jsonPiecesWithArrayParts } from '../../src/ui/output.ts';
import { orderless, tangledObjects } from '../support/tangled.ts';

const example = (): Inventory => parseDump(readFileSync(new URL('../../examples/cluster-dump.yaml', import.meta.url), 'utf8'), 'example');

const cluster: ClusterFacts = {
  contextName: 'prod',
  deploymentsKnown: true,
  oldOperators: [],
  ackControllers: [],
  servedAckKinds: ['Model', 'Endpoint', 'EndpointConfig', 'TrainingJob', 'ProcessingJob', 'TransformJob', 'HyperParameterTuningJob'],
  adoptedResourceCrdServed: true,
  ackObjectsClusterWide: true,
  oldObjectsClusterWide: true,
  missingPermissions: [],
};

/** The example, plus every way namespaces can be tied together, plus namespaces tied to nothing. */
function tangled(): Inventory {
  const whole = example();
  const more = tangledObjects((role) => role);
  return {
    ...whole,
    cluster,
    oldObjects: [...whole.oldObjects, ...more.oldObjects],
    ackObjects: [...whole.ackObjects, ...more.ackObjects],
    adoptedResources: [...whole.adoptedResources, ...more.adoptedResources.map((object) => ({ ...object, status: { conditions: [{ type: 'ACK.Adopted', status: 'True' }] } }))],
  };
}

const sortedRows = (rows: ReturnType<typeof buildStatus>['rows']) => [...rows].sort((a, b) => a.source.localeCompare(b.source));

test('namespaces tied by an AWS resource, an adopting object, its sources, an AdoptedResource or a parent share a group', (t) => {
  const groups = groupInventory(tangled()).map((group) => [...new Set([...group.oldObjects, ...group.ackObjects, ...group.adoptedResources].map((object) => object.metadata.namespace))].sort());
  const together = (a: string, b: string): boolean => groups.some((group) => group.includes(a) && group.includes(b));
  t.true(together('team-a', 'team-b'), 'the same AWS model named in both');
  t.true(together('team-c', 'team-d'), 'adopted by an ACK object in another namespace');
  t.true(together('gone', 'team-e'), "an ACK object's sources annotation");
  t.true(together('ar-home', 'ar-target'), 'an AdoptedResource and its target');
  t.false(together('solo-1', 'solo-2'));
  t.false(together('team-a', 'team-c'));
  t.true(groups.length >= 8, `${groups.length} groups`);
});

for (const options of [REPORT_PLAN_OPTIONS, { ...REPORT_PLAN_OPTIONS, method: 'adopted-resource' } satisfies PlanOptions]) {
  test(`planning each group alone gives the plan of everything (method ${options.method})`, (t) => {
    const inventory = tangled();
    const whole = buildPlan(inventory, options);
    const merged = mergePlans(groupInventory(inventory).map((group) => buildPlan(group, options)));
    t.deepEqual(orderless(merged), orderless(whole));
    t.true(whole.targets.length > 10);
  });
}

test('status built group by group has the rows and counts of status built at once', (t) => {
  const inventory = tangled();
  const whole = buildStatus(buildPlan(inventory, REPORT_PLAN_OPTIONS), inventory);
  const parts = groupInventory(inventory).map((group) => buildStatus(buildPlan(group, REPORT_PLAN_OPTIONS), group));
  t.deepEqual(sortedRows(parts.flatMap((part) => part.rows)), sortedRows(whole.rows));
  for (const state of ['adopted', 'pending', 'failed', 'not-started'] as const) {
    t.is(parts.reduce((sum, part) => sum + part.summary[state], 0), whole.summary[state], state);
  }
  t.true(whole.rows.some((row) => row.oldObject === 'gone'), 'a migrated object is among the rows');
  t.true(whole.summary.adopted >= 2);
});

test('one plan merged from nothing but itself is that plan, its blockers of adopt first', (t) => {
  const plan = buildPlan(example(), REPORT_PLAN_OPTIONS);
  t.deepEqual(mergePlans([plan]), { ...plan, blockers: [...plan.blockers].sort((a, b) => (a.step === b.step ? 0 : a.step === 'adopt' ? -1 : 1)) });
});

test('status JSON written group by group is the JSON of the report with those rows', (t) => {
  const parts = groupInventory(tangled()).map((group) => buildStatus(buildPlan(group, REPORT_PLAN_OPTIONS), group));
  const total = { rows: parts.flatMap((part) => part.rows), ...emptySummary() };
  for (const part of parts) addCounts(total, part);
  const text = jsonPiecesWithArrayParts('rows', parts.map((part) => jsonArrayItems(part.rows)), { summary: total.summary, syncErrors: total.syncErrors }).join('');
  t.is(text, `${JSON.stringify(total, null, 2)}\n`);
  t.true(total.rows.length > 10);
  t.is(jsonPiecesWithArrayParts('rows', [jsonArrayItems([]), ''], { summary: {}, syncErrors: 0 }).join(''), `${JSON.stringify({ rows: [], summary: {}, syncErrors: 0 }, null, 2)}\n`);
});

test('a run on one namespace plans and reports the same with only the ACK objects and AdoptedResources it can read', (t) => {
  const inventory = tangled();
  let dropped = 0;
  for (const namespace of [...new Set(inventory.oldObjects.map((object) => object.metadata.namespace!)), 'gone', 'team-d']) {
    const scoped: Inventory = { ...inventory, oldObjects: inventory.oldObjects.filter((object) => object.metadata.namespace === namespace), scopeNamespace: namespace };
    const relevance = new NamespaceRelevance(namespace, scoped.oldObjects);
    const adoptedResources = scoped.adoptedResources.filter((object) => relevance.keepsAdoptedResource(object));
    const trimmed: Inventory = { ...scoped, adoptedResources, ackObjects: scoped.ackObjects.filter((object) => relevance.keepsAckObject(object)) };
    dropped += scoped.ackObjects.length - trimmed.ackObjects.length;
    for (const options of [REPORT_PLAN_OPTIONS, { ...REPORT_PLAN_OPTIONS, method: 'adopted-resource' } satisfies PlanOptions]) {
      t.deepEqual(buildPlan(trimmed, options), buildPlan(scoped, options), namespace);
    }
    t.deepEqual(buildStatus(buildPlan(trimmed, REPORT_PLAN_OPTIONS), trimmed), buildStatus(buildPlan(scoped, REPORT_PLAN_OPTIONS), scoped), namespace);
  }
  t.true(dropped > 10, `${dropped} ACK objects left out in all`);
});

test('names, namespace/name references and `Kind namespace/name` sources sort by code point exactly as localeCompare sorts them', (t) => {
  // Kubernetes names use lower-case letters, digits, '-' and '.'; references add '/'. A fixed pseudo-random draw.
  const alphabet = 'abcxyz0189-./';
  let seed = 7;
  const next = (): number => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  const names = Array.from({ length: 2000 }, () => Array.from({ length: 1 + Math.floor(next() * 8) }, () => alphabet[Math.floor(next() * alphabet.length)]).join(''));
  t.deepEqual([...names].sort(compareNames), [...names].sort((a, b) => a.localeCompare(b)));
  const sources = names.map((name, index) => `${OLD_KINDS[index % OLD_KINDS.length]!.kind} ${name}`);
  t.deepEqual([...sources].sort(compareNames), [...sources].sort((a, b) => a.localeCompare(b)));
});
