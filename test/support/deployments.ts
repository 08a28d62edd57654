// Controller Deployments as installers create them (no pods run: the test control plane has no scheduler), so
// detection of the old operator and of the ACK controllers' versions is tested against real Deployment objects.

import type { KubeClient } from '../../src/kube/client.ts';
import { isAlreadyExists } from '../../src/kube/errors.ts';
import { BUILTIN_TYPES, type KubeObject } from '../../src/kube/objects.ts';
import { NAMESPACE_TYPE } from './cluster.ts';
import type { AckEra } from './crds.ts';

export const DEPLOYMENT_TYPE = BUILTIN_TYPES.deployment;

export const BASELINE_ACK_NAMESPACE = 'ack-system';
export const CURRENT_ACK_IMAGES = {
  sagemaker: 'public.ecr.aws/aws-controllers-k8s/sagemaker-controller:1.9.1',
  applicationautoscaling: 'public.ecr.aws/aws-controllers-k8s/applicationautoscaling-controller:1.4.1',
};
/** The controllers each era's control plane runs, matching its CRDs (see crds.ts AckEra). */
export const BASELINE_ACK_IMAGES: Record<AckEra, typeof CURRENT_ACK_IMAGES> = {
  current: CURRENT_ACK_IMAGES,
  'adopted-resource': {
    sagemaker: 'public.ecr.aws/aws-controllers-k8s/sagemaker-controller:1.5.0',
    applicationautoscaling: 'public.ecr.aws/aws-controllers-k8s/applicationautoscaling-controller:1.1.1',
  },
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

/** The cluster-wide state every parallel test may rely on: the era's ACK controllers, no old operator. */
export async function installBaselineControllers(client: KubeClient, images = CURRENT_ACK_IMAGES): Promise<void> {
  await ensureNamespace(client, BASELINE_ACK_NAMESPACE);
  for (const [controller, image] of Object.entries(images)) {
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
