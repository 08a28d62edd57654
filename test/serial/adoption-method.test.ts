// How --method auto follows the ACK controllers' versions. Runs serially: it swaps the cluster's controller Deployments.

import test from 'ava';
import { ADOPTED_RESOURCE_TYPE } from '../../src/core/model/ack-kinds.ts';
import type { KubeClient } from '../../src/kube/client.ts';
import { runPlugin } from '../support/cli.ts';
import { adminClient, freshNamespace, testKubeconfig } from '../support/cluster.ts';
import { BASELINE_ACK_NAMESPACE, CURRENT_ACK_IMAGES, DEPLOYMENT_TYPE } from '../support/deployments.ts';
import { exampleObjects, seedOldObjects, uniqueAwsName } from '../support/scenario.ts';

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
  t.is(plan.targets[0]!.adoptedResourceName, `model-${uniqueAwsName('churn-model-6d7fa0af0bef11eab94e0a1b2c3d4e5f', namespace)}`);
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
