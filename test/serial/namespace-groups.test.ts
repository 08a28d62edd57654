// All-namespaces runs plan one group of namespaces at a time. On the real control plane, with everything the earlier
// suites left plus namespaces tied together in every way the plan relates them: reading the cluster whole, holding
// the first read, and reading each group again (as above 10,000 objects) give the same plan and the same status.
// Serial: nothing else may change the cluster between the three reads. adopt, handed its plans group by group (as
// above 10,000 targets), sends exactly the creates the whole plan calls for (seen red with groups left out).

import test from 'ava';
import { ACK_KINDS, ADOPTED_RESOURCE_TYPE } from '../../src/core/model/ack-kinds.ts';
import { discover, discoverByNamespaceGroup, type Scope } from '../../src/core/discovery/discover.ts';
import type { Inventory } from '../../src/core/discovery/inventory.ts';
import { buildPlan, mergePlans, REPORT_PLAN_OPTIONS } from '../../src/core/plan/plan.ts';
import { buildStatus, type StatusRow } from '../../src/core/adoption/status.ts';
import { adopt, plansToAdopt } from '../../src/core/adoption/adopt.ts';
import { manifestsToCreate } from '../../src/core/plan/manifests.ts';
import type { PlanOptions } from '../../src/core/model/plan-types.ts';
import type { KubeClient } from '../../src/kube/client.ts';
import { adminClient, closeAfter, freshNamespace } from '../support/cluster.ts';
import { seedOldObjects } from '../support/scenario.ts';
import { orderless, TANGLED_NAMESPACES, tangledObjects, type TangledNamespace } from '../support/tangled.ts';

const scope: Scope = { namespace: undefined, withSpecs: false, createRights: true };

async function seedTangled(client: KubeClient): Promise<Record<TangledNamespace, string>> {
  const namespaces = {} as Record<TangledNamespace, string>;
  for (const role of TANGLED_NAMESPACES) namespaces[role] = await freshNamespace(client, role);
  const suffix = namespaces['team-a'].split('-').pop()!;
  const objects = tangledObjects((role) => namespaces[role], (name) => `${name}-${suffix}`);
  await seedOldObjects(client, objects.oldObjects);
  for (const object of objects.ackObjects) await client.create(ACK_KINDS.Model, object);
  for (const object of objects.adoptedResources) await client.create(ADOPTED_RESOURCE_TYPE, object);
  return namespaces;
}

async function inGroups(client: KubeClient, holdAtMost: number): Promise<Inventory[]> {
  const groups: Inventory[] = [];
  for await (const group of discoverByNamespaceGroup(client, scope, 'test', holdAtMost)) groups.push(group);
  return groups;
}

const sortedRows = (rows: StatusRow[]): StatusRow[] => [...rows].sort((a, b) => a.source.localeCompare(b.source));

test('the whole cluster, the held first read and the groups read again give one plan and one status', async (t) => {
  const client = closeAfter(t, adminClient());
  const namespaces = await seedTangled(client);
  const whole = await discover(client, scope, 'test');
  const held = await inGroups(client, Number.POSITIVE_INFINITY);
  const readAgain = await inGroups(client, 0);

  const expected = orderless(buildPlan(whole, REPORT_PLAN_OPTIONS));
  t.deepEqual(orderless(mergePlans(held.map((group) => buildPlan(group, REPORT_PLAN_OPTIONS)))), expected);
  t.deepEqual(orderless(mergePlans(readAgain.map((group) => buildPlan(group, REPORT_PLAN_OPTIONS)))), expected);

  const wholeStatus = buildStatus(buildPlan(whole, REPORT_PLAN_OPTIONS), whole);
  for (const groups of [held, readAgain]) {
    const parts = groups.map((group) => buildStatus(buildPlan(group, REPORT_PLAN_OPTIONS), group));
    t.deepEqual(sortedRows(parts.flatMap((part) => part.rows)), sortedRows(wholeStatus.rows));
  }

  const groupOf = (role: TangledNamespace): number => readAgain.findIndex((group) => [...group.oldObjects, ...group.ackObjects, ...group.adoptedResources].some((object) => object.metadata.namespace === namespaces[role]));
  t.is(groupOf('team-a'), groupOf('team-b'));
  t.is(groupOf('team-c'), groupOf('team-d'));
  t.is(groupOf('ar-home'), groupOf('ar-target'));
  t.not(groupOf('solo-1'), groupOf('solo-2'));
  t.true(readAgain.length > 5, `${readAgain.length} groups`);
  t.true(expected.sources.length >= 8);
});

// Catches: an adopt over groups read again that skips a group, creates one twice, or plans a group without the
// objects of the namespaces tied to it (a duplicate across namespaces created twice): its creates must be exactly
// those of the whole plan. Sent with dryRun=All, so the cluster stays as the other test finds it.
test('adopt over the groups read again, handed out one group at a time, validates exactly the creates of the whole plan', async (t) => {
  const client = closeAfter(t, adminClient());
  await seedTangled(client);
  const options: PlanOptions = { method: 'annotation', deletionPolicy: 'retain', readOnly: true, spec: 'omit', includeTuningJobChildren: false };
  const key = (manifest: { kind: string; metadata: { namespace?: string; name: string } }): string => `${manifest.kind} ${manifest.metadata.namespace}/${manifest.metadata.name}`;
  const expected = manifestsToCreate(buildPlan(await discover(client, scope, 'test'), options)).map(({ manifest }) => key(manifest)).sort();
  const sent: string[] = [];
  let batches = 0;
  for await (const { plan } of plansToAdopt(discoverByNamespaceGroup(client, scope, 'test', 0), options, 0)) {
    batches += 1;
    for (const outcome of await adopt(plan, client, { serverDryRun: true, concurrency: 4 })) {
      t.is(outcome.result, 'validated', `${key(outcome.manifest)}: ${outcome.message ?? ''}`);
      sent.push(key(outcome.manifest));
    }
  }
  t.true(batches > 5, `${batches} batches`);
  t.true(expected.length >= 8);
  t.deepEqual(sent.sort(), expected);
});
