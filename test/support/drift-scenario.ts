// An endpoint stack that exists in moto and is adopted, read-only, by ACK objects as the plugin's annotation adoption
// makes them (annotations, labels, required spec), with the ADOPTION SIMULATOR reading moto: the starting point of
// every "handover over drift" test.

import { randomBytes } from 'node:crypto';
import type { ExecutionContext } from 'ava';
import { ACK_KINDS } from '../../src/core/model/ack-kinds.ts';
import type { KubeClient } from '../../src/kube/client.ts';
import type { KubeObject } from '../../src/kube/objects.ts';
import { AdoptionSimulator } from './ack-simulator.ts';
import { seedEndpointStack, type EndpointStack } from './aws-seed.ts';
import { freshNamespace } from './cluster.ts';
import { waitForObjects } from './waiting.ts';

export const DRIFT_REGION = 'us-west-2';

export interface AdoptedEndpointStack {
  namespace: string;
  stack: EndpointStack;
  simulator: AdoptionSimulator;
  /** The five ACK objects as the simulator left them after adoption: Model, EndpointConfig, Endpoint, ScalableTarget, ScalingPolicy. */
  adopted: KubeObject[];
}

/** Seeds the stack in AWS (min 1, max 4, TargetValue 60), creates its ACK objects and waits until all are adopted. */
export async function adoptedEndpointStack(t: ExecutionContext, client: KubeClient, awsEndpoint: string, prefix: string, options: { resyncMs?: number } = {}): Promise<AdoptedEndpointStack> {
  const namespace = await freshNamespace(client, prefix);
  const id = randomBytes(4).toString('hex');
  const stack = await seedEndpointStack(awsEndpoint, DRIFT_REGION, { model: `model-${id}`, config: `config-${id}`, endpoint: `endpoint-${id}`, minCapacity: 1, maxCapacity: 4, targetValue: 60 });
  const simulator = new AdoptionSimulator(client, [], { namespaces: [namespace], aws: { endpoint: awsEndpoint }, defaultRegion: DRIFT_REGION, ...options });
  simulator.start();
  t.teardown(() => simulator.stop());
  const target = { resourceID: stack.resourceId, serviceNamespace: stack.serviceNamespace, scalableDimension: stack.scalableDimension };
  // The old objects they were made for, as `adopt` names them; none exists here, as after `cleanup`.
  const hosting = `HostingDeployment ${namespace}/${stack.endpoint}`;
  const autoscaling = `HostingAutoscalingPolicy ${namespace}/${stack.endpoint}-autoscaling`;
  const objects = [
    ackObject('Model', stack.model, namespace, hosting, { modelName: stack.model }),
    ackObject('EndpointConfig', stack.config, namespace, hosting, { endpointConfigName: stack.config }, {
      productionVariants: [{ variantName: stack.variant, modelName: stack.model, initialInstanceCount: 1, instanceType: stack.instanceType }],
    }),
    ackObject('Endpoint', stack.endpoint, namespace, hosting, { endpointName: stack.endpoint }, { endpointConfigName: stack.config }),
    ackObject('ScalableTarget', `${stack.endpoint}-target`, namespace, autoscaling, target),
    ackObject('ScalingPolicy', `${stack.endpoint}-policy`, namespace, autoscaling, { ...target, policyName: stack.policyName }),
  ];
  for (const object of objects) await client.create(ACK_KINDS[object.kind as keyof typeof ACK_KINDS], object);
  const adopted = await waitForObjects(client, objects, namespace, (object) => Boolean(object.status?.['conditions']));
  return { namespace, stack, simulator, adopted };
}

/** An ACK object as `adopt` writes it for annotation adoption: read-only, retain, the identifiers as adoption-fields. */
function ackObject(kind: string, name: string, namespace: string, sources: string, identifiers: Record<string, string>, required: Record<string, unknown> = {}): KubeObject {
  const group = kind.startsWith('Scal') ? 'applicationautoscaling.services.k8s.aws' : 'sagemaker.services.k8s.aws';
  return {
    apiVersion: `${group}/v1alpha1`,
    kind,
    metadata: {
      name,
      namespace,
      labels: { 'app.kubernetes.io/managed-by': 'kubectl-sagemaker-migrate' },
      annotations: {
        'services.k8s.aws/adoption-policy': 'adopt',
        'services.k8s.aws/adoption-fields': JSON.stringify(identifiers),
        'services.k8s.aws/deletion-policy': 'retain',
        'services.k8s.aws/read-only': 'true',
        'services.k8s.aws/region': DRIFT_REGION,
        'kubectl-sagemaker-migrate/sources': sources,
      },
    },
    spec: { ...identifiers, ...required },
  };
}

/** What ACK's spec holds for each object now, by kind. */
export async function specsByKind(client: KubeClient, objects: KubeObject[], namespace: string): Promise<Record<string, { spec: unknown; generation: number | undefined }>> {
  const live: Record<string, { spec: unknown; generation: number | undefined }> = {};
  for (const object of objects) {
    const current = await client.get(ACK_KINDS[object.kind as keyof typeof ACK_KINDS], object.metadata.name, namespace);
    live[object.kind] = { spec: current.spec, generation: current.metadata.generation };
  }
  return live;
}

/**
 * Removes read-only, as `handover` does (metadata only: no new generation, so ACK acts at its next resync); returns
 * the patched objects, for AdoptionSimulator.handled().
 */
export async function release(client: KubeClient, objects: KubeObject[], namespace: string, deletionPolicy?: string): Promise<KubeObject[]> {
  const released: KubeObject[] = [];
  for (const object of objects) {
    released.push(
      await client.mergePatch(ACK_KINDS[object.kind as keyof typeof ACK_KINDS], object.metadata.name, namespace, {
        metadata: { annotations: { 'services.k8s.aws/read-only': null, ...(deletionPolicy ? { 'services.k8s.aws/deletion-policy': deletionPolicy } : {}) } },
      }),
    );
  }
  return released;
}
