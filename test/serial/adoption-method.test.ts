// How --method auto follows the ACK controllers' versions, and AdoptedResource adoption end to end.
// Runs serially: it swaps the cluster's controller Deployments. The AWS side is the ADOPTION SIMULATOR.

import test from 'ava';
import { ACK_KINDS, ADOPTED_RESOURCE_TYPE } from '../../src/core/ack-kinds.ts';
import type { KubeClient } from '../../src/kube/client.ts';
import { AdoptionSimulator } from '../support/ack-simulator.ts';
import { runPlugin } from '../support/cli.ts';
import { adminClient, freshNamespace, testKubeconfig } from '../support/cluster.ts';
import { BASELINE_ACK_NAMESPACE, CURRENT_ACK_IMAGES, DEPLOYMENT_TYPE } from '../support/deployments.ts';
import { exampleAwsResources, exampleObjects, seedOldObjects } from '../support/scenario.ts';

const SAGEMAKER_DEPLOYMENT = 'ack-sagemaker-controller-sagemaker-chart';
const AUTOSCALING_DEPLOYMENT = 'ack-applicationautoscaling-controller-applicationautoscaling-chart';

async function setControllerImages(client: KubeClient, sagemaker: string, autoscaling: string): Promise<void> {
  for (const [name, image] of [[SAGEMAKER_DEPLOYMENT, sagemaker], [AUTOSCALING_DEPLOYMENT, autoscaling]] as const) {
    await client.jsonPatch(DEPLOYMENT_TYPE, name, BASELINE_ACK_NAMESPACE, [{ op: 'replace', path: '/spec/template/spec/containers/0/image', value: image }]);
  }
}

const client = adminClient();
test.after.always(async () => {
  await setControllerImages(client, CURRENT_ACK_IMAGES.sagemaker, CURRENT_ACK_IMAGES.applicationautoscaling);
  client.close();
});

test('auto picks annotation adoption for current controllers even though the AdoptedResource CRD is installed', async (t) => {
  const namespace = await freshNamespace(client, 'auto-new');
  await seedOldObjects(client, exampleObjects(namespace).filter((object) => object.metadata.name === 'churn-model'));
  const result = await runPlugin(['plan', '-n', namespace, '-o', 'json'], { kubeconfig: testKubeconfig() });
  t.is(result.code, 0, result.stderr);
  const plan = JSON.parse(result.stdout) as { methods: Array<{ controller: string; method: string }> };
  t.deepEqual(plan.methods.map((choice) => [choice.controller, choice.method]), [['sagemaker', 'annotation'], ['applicationautoscaling', 'annotation']]);
});

test('auto picks AdoptedResource for controllers released before annotation adoption', async (t) => {
  await setControllerImages(client, 'public.ecr.aws/aws-controllers-k8s/sagemaker-controller:v1.2.9', 'public.ecr.aws/aws-controllers-k8s/applicationautoscaling-controller:v1.0.10');
  const namespace = await freshNamespace(client, 'auto-old');
  await seedOldObjects(client, exampleObjects(namespace).filter((object) => object.metadata.name === 'churn-model'));
  const result = await runPlugin(['plan', '-n', namespace, '-o', 'json'], { kubeconfig: testKubeconfig() });
  t.is(result.code, 0, result.stderr);
  const plan = JSON.parse(result.stdout) as { targets: Array<{ method: string; adoptedResourceName: string }> };
  t.deepEqual(plan.targets.map((target) => target.method), ['adopted-resource']);
  t.is(plan.targets[0]!.adoptedResourceName, 'model-churn-model-6d7fa0af0bef11eab94e0a1b2c3d4e5f');
});

test('asking for AdoptedResource from a controller that no longer serves it is refused before anything is created', async (t) => {
  await setControllerImages(client, CURRENT_ACK_IMAGES.sagemaker, CURRENT_ACK_IMAGES.applicationautoscaling);
  const namespace = await freshNamespace(client, 'refuse-ar');
  await seedOldObjects(client, exampleObjects(namespace).filter((object) => object.metadata.name === 'churn-model'));
  const result = await runPlugin(['adopt', '-n', namespace, '--method', 'adopted-resource'], { kubeconfig: testKubeconfig() });
  t.is(result.code, 5);
  t.regex(result.stderr, /sagemaker-controller 1\.9\.1 does not support --method adopted-resource/);
  t.deepEqual(await client.listAll(ADOPTED_RESOURCE_TYPE, { namespace }), []);
});

test('AdoptedResource adoption (controllers v1.5.0 / v1.1.1) adopts every AWS resource, and a rerun creates nothing', async (t) => {
  await setControllerImages(client, 'public.ecr.aws/aws-controllers-k8s/sagemaker-controller:1.5.0', 'public.ecr.aws/aws-controllers-k8s/applicationautoscaling-controller:1.1.1');
  const namespace = await freshNamespace(client, 'adopted-resource');
  await seedOldObjects(client, exampleObjects(namespace));
  const simulator = new AdoptionSimulator(client, exampleAwsResources(), { namespaces: [namespace], serves: { annotation: true, adoptedResource: true } });
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
  const simulator = new AdoptionSimulator(client, [], { namespaces: [namespace], serves: { annotation: true, adoptedResource: true } });
  simulator.start();
  t.teardown(() => simulator.stop());
  const adopt = await runPlugin(['adopt', '-n', namespace, '--method', 'adopted-resource', '--wait', '--timeout', '30s'], { kubeconfig: testKubeconfig() });
  t.is(adopt.code, 6, adopt.stderr);
  t.regex(adopt.stderr, /ACK\.Adopted: resource not found/);
});
