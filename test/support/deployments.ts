// Controller Deployments as installers create them (no pods run: the test control plane has no scheduler), so
// detection of the old operator and of the ACK controllers' versions is tested against real Deployment objects.

import type { KubeClient } from '../../src/kube/client.ts';
import { isAlreadyExists } from '../../src/kube/errors.ts';
import { BUILTIN_TYPES, type KubeObject } from '../../src/kube/objects.ts';
import { NAMESPACE_TYPE } from './cluster.ts';

export const DEPLOYMENT_TYPE = BUILTIN_TYPES.deployment;

export const BASELINE_ACK_NAMESPACE = 'ack-system';
export const CURRENT_ACK_IMAGES = {
  sagemaker: 'public.ecr.aws/aws-controllers-k8s/sagemaker-controller:1.9.1',
  applicationautoscaling: 'public.ecr.aws/aws-controllers-k8s/applicationautoscaling-controller:1.4.1',
};

interface DeploymentOptions {
  containerName: string;
  image: string;
  args?: string[];
  env?: Record<string, string>;
  replicas?: number;
  labels?: Record<string, string>;
}

export function deployment(namespace: string, name: string, options: DeploymentOptions): KubeObject {
  const labels = options.labels ?? { 'app.kubernetes.io/name': name };
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace, labels },
    spec: {
      replicas: options.replicas ?? 1,
      selector: { matchLabels: labels },
      template: {
        metadata: { labels },
        spec: {
          containers: [{
            name: options.containerName,
            image: options.image,
            args: options.args ?? [],
            env: Object.entries(options.env ?? {}).map(([envName, value]) => ({ name: envName, value })),
          }],
        },
      },
    },
  };
}

export async function ensureNamespace(client: KubeClient, name: string): Promise<void> {
  try {
    await client.create(NAMESPACE_TYPE, { apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
  } catch (error) {
    if (!isAlreadyExists(error)) throw error;
  }
}

/** The cluster-wide state every parallel test may rely on: current ACK controllers, no old operator. */
export async function installBaselineControllers(client: KubeClient): Promise<void> {
  await ensureNamespace(client, BASELINE_ACK_NAMESPACE);
  for (const [controller, image] of Object.entries(CURRENT_ACK_IMAGES)) {
    try {
      await client.create(DEPLOYMENT_TYPE, deployment(BASELINE_ACK_NAMESPACE, `ack-${controller}-controller-${controller}-chart`, {
        containerName: 'controller',
        image,
        env: { ACK_SYSTEM_NAMESPACE: BASELINE_ACK_NAMESPACE },
        labels: { 'app.kubernetes.io/name': `${controller}-chart`, 'app.kubernetes.io/instance': `ack-${controller}-controller` },
      }));
    } catch (error) {
      if (!isAlreadyExists(error)) throw error;
    }
  }
}
