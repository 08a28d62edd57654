// AdoptedResource adoption end to end, on the control plane with the CRDs and controller Deployments of
// sagemaker-controller v1.5.0 / applicationautoscaling-controller v1.1.1. The ACK side is the ADOPTION SIMULATOR
// (runtime 'v0.52', checked against the recorded real controllers by simulator-conformance.test.ts).

import test from 'ava';
import { ACK_KINDS, ADOPTED_RESOURCE_TYPE } from '../../src/core/model/ack-kinds.ts';
import { AdoptionSimulator } from '../support/ack-simulator.ts';
import { runPlugin } from '../support/cli.ts';
import { adminClient, freshNamespace, testKubeconfig } from '../support/cluster.ts';
import { exampleAwsResources, exampleObjects, seedOldObjects } from '../support/scenario.ts';

const client = adminClient();
test.after.always(() => client.close());

test('AdoptedResource adoption (controllers v1.5.0 / v1.1.1) adopts every AWS resource, and a rerun creates nothing', async (t) => {
  const namespace = await freshNamespace(client, 'adopted-resource');
  await seedOldObjects(client, exampleObjects(namespace));
  const simulator = new AdoptionSimulator(client, exampleAwsResources(namespace), { namespaces: [namespace], runtime: 'v0.52' });
  simulator.start();
  t.teardown(() => simulator.stop());

  const adopt = await runPlugin(['adopt', '-n', namespace, '--method', 'adopted-resource', '--wait', '--timeout', '60s'], { kubeconfig: testKubeconfig() });
  t.is(adopt.code, 0, adopt.stderr);
  const adoptedResources = await client.listAll(ADOPTED_RESOURCE_TYPE, { namespace });
  t.is(adoptedResources.length, 11);
  const policy = adoptedResources.find((resource) => resource.spec?.['kubernetes'] && (resource.spec['kubernetes'] as { kind: string }).kind === 'ScalingPolicy')!;
  t.deepEqual((policy.spec!['aws'] as { additionalKeys: Record<string, string> }).additionalKeys, {
    serviceNamespace: 'sagemaker',
    scalableDimension: 'sagemaker:variant:DesiredInstanceCount',
    policyName: 'SageMakerEndpointInvocationScalingPolicy',
  });
  const endpoints = await client.listAll(ACK_KINDS.Endpoint, { namespace });
  t.is(endpoints.length, 1);
  t.is(endpoints[0]!.metadata.annotations?.['services.k8s.aws/deletion-policy'], 'retain');

  const rerun = await runPlugin(['adopt', '-n', namespace, '--method', 'adopted-resource', '-o', 'json'], { kubeconfig: testKubeconfig() });
  t.is(rerun.code, 0, rerun.stderr);
  t.deepEqual(JSON.parse(rerun.stdout), { outcomes: [] });

  const status = await runPlugin(['status', '-n', namespace, '-o', 'json'], { kubeconfig: testKubeconfig() });
  t.is(status.code, 0, status.stderr);
  t.is((JSON.parse(status.stdout) as { summary: { adopted: number } }).summary.adopted, 11);
});

test('an AdoptedResource whose AWS resource does not exist is reported failed with the controller message', async (t) => {
  const namespace = await freshNamespace(client, 'ar-missing');
  await seedOldObjects(client, exampleObjects(namespace).filter((object) => object.metadata.name === 'churn-model'));
  const simulator = new AdoptionSimulator(client, [], { namespaces: [namespace], runtime: 'v0.52' });
  simulator.start();
  t.teardown(() => simulator.stop());
  const adopt = await runPlugin(['adopt', '-n', namespace, '--method', 'adopted-resource', '--wait', '--timeout', '30s'], { kubeconfig: testKubeconfig() });
  t.is(adopt.code, 6, adopt.stderr);
  t.regex(adopt.stderr, /ACK\.Adopted: resource not found/);
});

test('plan with --method adopted-resource says that no spec is sent, since ACK builds each object from AWS', async (t) => {
  const namespace = await freshNamespace(client, 'ar-plan-words');
  await seedOldObjects(client, exampleObjects(namespace).filter((object) => object.metadata.name === 'churn-model'));
  const result = await runPlugin(['plan', '-n', namespace, '--method', 'adopted-resource'], { kubeconfig: testKubeconfig() });
  t.is(result.code, 0, result.stderr);
  t.regex(result.stdout, /no spec sent \(with AdoptedResource, ACK builds each object from AWS\)/);
  t.notRegex(result.stdout, /spec translated/);
});
