// undo, the way back after adopt: exactly what this tool made is removed, each object set to retain and read-only
// and read back first, the old objects and AWS untouched. ACK is the ADOPTION SIMULATOR reading moto, whose delete
// path calls moto's Delete* for an object deleted without retain, as ACK does.
//
// What each test catches (each seen failing with its guard broken by hand, 2026-12-07):
// - undo deleting without making the object safe first: the endpoint edited to deletion-policy delete is deleted in
//   moto (the negative control shows the simulator would);
// - undo removing an ACK object it did not make: the hand-made Model is gone;
// - undo after cleanup not refused: the ACK objects of a cleaned-up namespace are removed;
// - a rerun that does not converge after a kill: objects are left behind, or a second run fails.

import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import test from 'ava';
import { ACK_KINDS } from '../../src/core/model/ack-kinds.ts';
import { OLD_KINDS } from '../../src/core/model/kinds.ts';
import type { KubeObject } from '../../src/kube/objects.ts';
import { startAwsEmulator, type AwsEmulator } from '../support/aws-emulator.ts';
import { describeEndpointStack, type EndpointStack } from '../support/aws-seed.ts';
import { adminClient, objectVersions, testKubeconfig } from '../support/cluster.ts';
import { callAws } from '../support/moto.ts';
import { awsEnvironment, duringOverlap, migrate, REGION, removeOldObjects } from '../support/overlap.ts';

const client = adminClient();
const directory = mkdtempSync(path.join(tmpdir(), 'smm-undo-'));
let aws: AwsEmulator;
const ACK_TYPES = [ACK_KINDS.Endpoint, ACK_KINDS.EndpointConfig, ACK_KINDS.Model, ACK_KINDS.ScalableTarget, ACK_KINDS.ScalingPolicy];

test.before(async () => {
  aws = await startAwsEmulator(directory);
});

test.after.always(async () => {
  await aws?.stop();
  client.close();
});

async function ackObjects(namespace: string): Promise<string[]> {
  const found: string[] = [];
  for (const type of ACK_TYPES) for (const object of await client.listAll(type, { namespace })) found.push(`${type.kind}/${object.metadata.name}`);
  return found.sort();
}

/** Every AWS resource of the stack, as moto describes it: what must not change. */
async function awsState(stack: EndpointStack): Promise<unknown> {
  const model = await callAws(aws.endpoint, 'sagemaker', REGION, 'DescribeModel', { ModelName: stack.model }).catch(() => 'gone');
  const config = await callAws(aws.endpoint, 'sagemaker', REGION, 'DescribeEndpointConfig', { EndpointConfigName: stack.config }).catch(() => 'gone');
  return { ...(await describeEndpointStack(aws.endpoint, stack).catch(() => ({ endpoint: 'gone' }))), model, config };
}

/** A Model ACK object a person made by hand in the same namespace (read-only, so ACK creates nothing): undo must leave it. */
function handMadeModel(namespace: string): KubeObject {
  return {
    apiVersion: `${ACK_KINDS.Model.group}/v1alpha1`,
    kind: 'Model',
    metadata: { name: 'hand-made', namespace, annotations: { 'services.k8s.aws/read-only': 'true' } },
    spec: { modelName: 'hand-made' },
  };
}

test('undo removes every ACK object adopt made, and nothing else: the old objects and AWS are untouched, and status shows them not adopted', async (t) => {
  const { namespace, stack, simulator } = await duringOverlap(t, client, aws, 'undo');
  await client.create(ACK_KINDS.Model, handMadeModel(namespace));
  const oldBefore = await objectVersions(client, OLD_KINDS, namespace);
  const awsBefore = await awsState(stack);

  const dryRun = await migrate(aws, ['undo', '-n', namespace, '--dry-run']);
  t.is(dryRun.code, 0, dryRun.stderr);
  t.regex(dryRun.stderr, /Model\/hand-made +keep +not made by this tool/);
  t.is((await ackObjects(namespace)).length, 6, 'a dry run changes nothing');

  const undo = await migrate(aws, ['undo', '-n', namespace, '--yes']);
  t.is(undo.code, 0, undo.stderr);
  t.deepEqual(await ackObjects(namespace), ['Model/hand-made']);
  t.deepEqual(await objectVersions(client, OLD_KINDS, namespace), oldBefore, 'no old object was written to');
  t.deepEqual(await awsState(stack), awsBefore);
  t.deepEqual(simulator.awsWrites, [], 'ACK wrote nothing to AWS');

  const status = await migrate(aws, ['status', '-n', namespace, '-o', 'json']);
  const states = (JSON.parse(status.stdout) as { rows: Array<{ targets: Array<{ state: string }> }> }).rows.flatMap((row) => row.targets.map((target) => target.state));
  t.true(states.length > 0 && states.every((state) => state === 'not-started'), states.join(', '));
  const again = await migrate(aws, ['undo', '-n', namespace, '--yes']);
  t.is(again.code, 0, again.stderr);
});

test('an adopted endpoint edited to deletion-policy delete and no longer read-only is made safe by undo first, and AWS keeps it; deleted without undo, it is deleted in AWS', async (t) => {
  const { namespace, stack, simulator } = await duringOverlap(t, client, aws, 'undo-delete-policy');
  const [endpoint] = await client.listAll(ACK_KINDS.Endpoint, { namespace });
  const dangerous = { metadata: { annotations: { 'services.k8s.aws/deletion-policy': 'delete', 'services.k8s.aws/read-only': null } } };
  await client.mergePatch(ACK_KINDS.Endpoint, endpoint!.metadata.name, namespace, dangerous);
  const undo = await migrate(aws, ['undo', '-n', namespace, '--yes']);
  t.is(undo.code, 0, undo.stderr);
  t.deepEqual(await ackObjects(namespace), []);
  t.is((await describeEndpointStack(aws.endpoint, stack)).endpoint['EndpointStatus'], 'InService');
  t.false(simulator.awsWrites.some((write) => write.startsWith('DeleteEndpoint')), simulator.awsWrites.join('\n'));

  // Negative control: the same simulator, the same edit, a plain kubectl delete.
  const control = await duringOverlap(t, client, aws, 'undo-control');
  const [controlEndpoint] = await client.listAll(ACK_KINDS.Endpoint, { namespace: control.namespace });
  await client.mergePatch(ACK_KINDS.Endpoint, controlEndpoint!.metadata.name, control.namespace, dangerous);
  await client.delete(ACK_KINDS.Endpoint, controlEndpoint!.metadata.name, control.namespace);
  const deadline = Date.now() + 30_000;
  while (!control.simulator.awsWrites.some((write) => write.startsWith('DeleteEndpoint')) && Date.now() < deadline) await sleep(200);
  t.true(control.simulator.awsWrites.some((write) => write.startsWith('DeleteEndpoint')), 'ACK deletes in AWS what is deleted without retain');
  // A write is recorded as it is sent: moto may take it a moment later.
  let gone = false;
  while (!gone && Date.now() < deadline) {
    gone = await describeEndpointStack(aws.endpoint, control.stack).then(() => false, () => true);
    if (!gone) await sleep(200);
  }
  t.true(gone, 'the endpoint is gone from AWS');
});

test('after cleanup undo refuses (exit 5) and changes nothing: the old operator would create new AWS resources from restored objects', async (t) => {
  const { namespace } = await duringOverlap(t, client, aws, 'undo-after-cleanup');
  await removeOldObjects(client, namespace);
  const before = await objectVersions(client, ACK_TYPES, namespace);
  const undo = await migrate(aws, ['undo', '-n', namespace, '--yes']);
  t.is(undo.code, 5, undo.stderr);
  t.regex(undo.stderr, /its old objects are gone .*cleanup ran.*would create new ones/);
  t.deepEqual(await objectVersions(client, ACK_TYPES, namespace), before);
});

test('undo killed whenever it has just changed something, and run again, converges: everything adopt made is gone, AWS untouched', async (t) => {
  const { namespace, stack, simulator } = await duringOverlap(t, client, aws, 'undo-killed');
  const awsBefore = await awsState(stack);
  const env = { ...process.env, ...awsEnvironment(aws), KUBECONFIG: testKubeconfig(), NO_COLOR: '1' };
  let kills = 0;
  for (let round = 0; round < 3; round += 1) {
    const before = JSON.stringify(await objectVersions(client, ACK_TYPES, namespace));
    const child = spawn('node', ['bin/kubectl-sagemaker_migrate.js', 'undo', '-n', namespace, '--yes', '--concurrency', '1'], { env, stdio: 'ignore' });
    const exited = new Promise((resolve) => child.once('exit', resolve));
    // Killed as soon as the cluster shows its first write: retain and read-only just set, or a deletion begun.
    while (child.exitCode === null && JSON.stringify(await objectVersions(client, ACK_TYPES, namespace)) === before) await sleep(10);
    if (child.exitCode === null) kills += 1;
    child.kill('SIGKILL');
    await exited;
  }
  t.true(kills > 0, 'at least one run was killed part-way');
  const rerun = await migrate(aws, ['undo', '-n', namespace, '--yes']);
  t.is(rerun.code, 0, rerun.stderr);
  t.deepEqual(await ackObjects(namespace), []);
  t.deepEqual(await awsState(stack), awsBefore);
  t.deepEqual(simulator.awsWrites, []);
});
