// plan, adopt and status through `kubectl sagemaker-migrate`, on the real API server, with annotation adoption.
// The AWS side is the ADOPTION SIMULATOR (test/support/ack-simulator.ts), not real ACK controllers.

import test from 'ava';
import yaml from 'js-yaml';
import { ACK_KINDS } from '../../src/core/model/ack-kinds.ts';
import type { KubeClient } from '../../src/kube/client.ts';
import type { KubeObject } from '../../src/kube/objects.ts';
import { AdoptionSimulator } from '../support/ack-simulator.ts';
import { runPlugin } from '../support/cli.ts';
import { adminClient, closeAfter, freshNamespace, objectsOfKinds, testKubeconfig } from '../support/cluster.ts';
import { exampleAwsResources, exampleObjects, seedOldObjects, uniqueAwsName } from '../support/scenario.ts';

const ackObjectsIn = (client: KubeClient, namespace: string): Promise<KubeObject[]> => objectsOfKinds(client, Object.values(ACK_KINDS), namespace);

test('plan lists every old kind with the ACK objects that will adopt its AWS resources', async (t) => {
  const client = closeAfter(t, adminClient());
  const namespace = await freshNamespace(client, 'plan');
  await seedOldObjects(client, exampleObjects(namespace));
  const result = await runPlugin(['plan', '-n', namespace, '-o', 'json'], { kubeconfig: testKubeconfig() });
  t.is(result.code, 0, result.stderr);
  const plan = JSON.parse(result.stdout) as { targets: Array<{ ackKind: string; name: string; state: string; method: string }>; sources: Array<{ kind: string; note?: string }> };
  t.deepEqual([...new Set(plan.sources.map((source) => source.kind))].sort(), [
    'BatchTransformJob', 'EndpointConfig', 'HostingAutoscalingPolicy', 'HostingDeployment', 'HyperparameterTuningJob', 'Model', 'ProcessingJob', 'TrainingJob',
  ]);
  // 12 AWS resources in the example, minus the training job spawned by the tuning job, which is not adopted by default.
  t.is(plan.targets.length, 11);
  t.true(plan.targets.every((target) => target.state === 'not-started' && target.method === 'annotation'));
  t.is(plan.targets.filter((target) => target.ackKind === 'Model').length, 2, 'the HostingDeployment child Model is not adopted twice');
  t.true(plan.targets.every((target) => /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/.test(target.name)));
  t.deepEqual(await ackObjectsIn(client, namespace), [], 'plan changes nothing');
});

test('adopt --wait adopts every AWS resource once, and a rerun creates nothing', async (t) => {
  const client = closeAfter(t, adminClient());
  const namespace = await freshNamespace(client, 'adopt');
  await seedOldObjects(client, exampleObjects(namespace));
  const simulator = new AdoptionSimulator(client, exampleAwsResources(namespace), { namespaces: [namespace] });
  simulator.start();
  t.teardown(() => simulator.stop());

  const first = await runPlugin(['adopt', '-n', namespace, '--wait', '--timeout', '60s'], { kubeconfig: testKubeconfig() });
  t.is(first.code, 0, first.stderr);
  const objects = await ackObjectsIn(client, namespace);
  t.is(objects.length, 11);
  for (const object of objects) {
    t.is(object.metadata.annotations?.['services.k8s.aws/adoption-policy'], 'adopt');
    t.is(object.metadata.annotations?.['services.k8s.aws/deletion-policy'], 'retain');
    t.is(object.metadata.annotations?.['services.k8s.aws/read-only'], 'true');
    t.is(object.metadata.annotations?.['services.k8s.aws/adopted'], 'true', `${object.kind}/${object.metadata.name}`);
    t.true(Object.values(JSON.parse(object.metadata.annotations!['services.k8s.aws/adoption-fields']!) as object).every((v) => typeof v === 'string'));
  }
  t.deepEqual(simulator.awsWrites, [], 'observe-only adoption makes ACK write nothing to AWS');

  const second = await runPlugin(['adopt', '-n', namespace, '-o', 'json'], { kubeconfig: testKubeconfig() });
  t.is(second.code, 0, second.stderr);
  t.deepEqual(JSON.parse(second.stdout), { outcomes: [] });
  t.is((await ackObjectsIn(client, namespace)).length, 11);

  const status = await runPlugin(['status', '-n', namespace, '-o', 'json'], { kubeconfig: testKubeconfig() });
  t.is(status.code, 0, status.stderr);
  const report = JSON.parse(status.stdout) as { summary: Record<string, number>; rows: Array<{ oldObject: string }> };
  t.deepEqual(report.summary, { adopted: 11, pending: 0, failed: 0, 'not-started': 0 });
  t.true(report.rows.every((row) => row.oldObject === 'present'));
});

test('a rerun after an interrupted adopt creates only what is missing', async (t) => {
  const client = closeAfter(t, adminClient());
  const namespace = await freshNamespace(client, 'resume');
  await seedOldObjects(client, exampleObjects(namespace));
  const manifests = await runPlugin(['adopt', '-n', namespace, '--dry-run=client', '-o', 'json'], { kubeconfig: testKubeconfig() });
  const items = (JSON.parse(manifests.stdout) as { items: KubeObject[] }).items;
  // As if the process had been killed after creating the first three objects.
  for (const item of items.slice(0, 3)) {
    const kind = Object.values(ACK_KINDS).find((candidate) => candidate.kind === item.kind)!;
    await client.create(kind, item);
  }
  const rerun = await runPlugin(['adopt', '-n', namespace, '-o', 'json'], { kubeconfig: testKubeconfig() });
  t.is(rerun.code, 0, rerun.stderr);
  const outcomes = (JSON.parse(rerun.stdout) as { outcomes: Array<{ result: string }> }).outcomes;
  t.is(outcomes.length, items.length - 3);
  t.true(outcomes.every((outcome) => outcome.result === 'created'));
  t.is((await ackObjectsIn(client, namespace)).length, items.length);
});

test('adopt --dry-run=client prints valid manifests and creates nothing', async (t) => {
  const client = closeAfter(t, adminClient());
  const namespace = await freshNamespace(client, 'dryclient');
  await seedOldObjects(client, exampleObjects(namespace));
  const result = await runPlugin(['adopt', '-n', namespace, '--dry-run=client', '-o', 'yaml'], { kubeconfig: testKubeconfig() });
  t.is(result.code, 0, result.stderr);
  const documents = yaml.loadAll(result.stdout) as KubeObject[];
  t.is(documents.length, 11);
  t.deepEqual(await ackObjectsIn(client, namespace), []);
  // The printed manifests carry the translated spec, and the API server accepts them as they are, strictly.
  for (const document of documents) {
    const kind = Object.values(ACK_KINDS).find((candidate) => candidate.kind === document.kind)!;
    t.deepEqual(kind.requiredSpec.filter((field) => document.spec?.[field] === undefined), [], `${document.kind} ${document.metadata.name}`);
    await t.notThrowsAsync(client.create(kind, document, { dryRun: true }));
  }
  const omitted = await runPlugin(['adopt', '-n', namespace, '--dry-run=client', '--spec', 'omit', '-o', 'json'], { kubeconfig: testKubeconfig() });
  t.is(omitted.code, 0, omitted.stderr);
  t.true((JSON.parse(omitted.stdout) as { items: KubeObject[] }).items.every((item) => item.spec === undefined));
});

test('adopt --dry-run=server validates every manifest with the API server and stores nothing', async (t) => {
  const client = closeAfter(t, adminClient());
  const namespace = await freshNamespace(client, 'dryserver');
  await seedOldObjects(client, exampleObjects(namespace));
  const result = await runPlugin(['adopt', '-n', namespace, '--dry-run=server', '-o', 'json'], { kubeconfig: testKubeconfig() });
  t.is(result.code, 0, result.stderr);
  const outcomes = (JSON.parse(result.stdout) as { outcomes: Array<{ result: string }> }).outcomes;
  t.is(outcomes.length, 11);
  t.true(outcomes.every((outcome) => outcome.result === 'validated'));
  t.deepEqual(await ackObjectsIn(client, namespace), []);
});

test('a resource ACK cannot find is reported after the timeout with its likely causes', async (t) => {
  const client = closeAfter(t, adminClient());
  const namespace = await freshNamespace(client, 'missing');
  await seedOldObjects(client, exampleObjects(namespace).filter((object) => object.kind === 'Model' && object.metadata.name === 'churn-model'));
  const simulator = new AdoptionSimulator(client, [], { namespaces: [namespace] });
  simulator.start();
  t.teardown(() => simulator.stop());
  const result = await runPlugin(['adopt', '-n', namespace, '--wait', '--timeout', '3s'], { kubeconfig: testKubeconfig() });
  t.is(result.code, 7, result.stderr);
  t.regex(result.stderr, /the ACK sagemaker controller wrote nothing on any of its 1 object\(s\)/);
  t.regex(result.stderr, /Deployment ack-system\/ack-sagemaker-controller-sagemaker-chart/);
  t.regex(result.stderr, /kubectl logs -n ack-system deploy\/ack-sagemaker-controller-sagemaker-chart/);
  t.regex(result.stderr, /not in us-east-2 of the account it uses/);
});

test('status exits 6 and shows the controller message when ACK reports a terminal error', async (t) => {
  const client = closeAfter(t, adminClient());
  const namespace = await freshNamespace(client, 'terminal');
  await seedOldObjects(client, exampleObjects(namespace).filter((object) => object.metadata.name === 'churn-model'));
  const created = await runPlugin(['adopt', '-n', namespace], { kubeconfig: testKubeconfig() });
  t.is(created.code, 0, created.stderr);
  const [model] = await client.listAll(ACK_KINDS.Model, { namespace });
  await client.patchStatus(ACK_KINDS.Model, model!.metadata.name, namespace, {
    status: { conditions: [{ type: 'ACK.Terminal', status: 'True', message: 'AccessDeniedException: not authorized to perform sagemaker:DescribeModel' }] },
  });
  const status = await runPlugin(['status', '-n', namespace, '-o', 'wide'], { kubeconfig: testKubeconfig() });
  t.is(status.code, 6);
  t.regex(status.stdout, /failed/);
  t.regex(status.stdout, /AccessDeniedException/);
});

test('--jq filters JSON output like gh --jq', async (t) => {
  const client = closeAfter(t, adminClient());
  const namespace = await freshNamespace(client, 'jq');
  await seedOldObjects(client, exampleObjects(namespace));
  const result = await runPlugin(['plan', '-n', namespace, '--jq', '[.targets[] | select(.ackKind == "Endpoint") | .awsName] | .[]'], { kubeconfig: testKubeconfig() });
  t.is(result.code, 0, result.stderr);
  t.is(result.stdout, `${uniqueAwsName('host-xgboost-def0e83e0d5f11eaaa450a350733ba06', namespace)}\n`);
});
