// The overlap between adoption and handover, against the real control plane: an endpoint stack in moto (behind the
// AWS emulator's front), the old objects the old operator made for it, and `adopt --wait` done with the ADOPTION
// SIMULATOR reading moto. Shared by the tests of what happens after adoption: the AWS checks, undo.

import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ExecutionContext } from 'ava';
import { ACK_KINDS } from '../../src/core/model/ack-kinds.ts';
import type { KubeClient } from '../../src/kube/client.ts';
import type { KubeObject } from '../../src/kube/objects.ts';
import { AdoptionSimulator } from './ack-simulator.ts';
import { awsEnvironment as emulatorEnvironment, type AwsEmulator } from './aws-emulator.ts';
import { repointEndpoint, retunePolicy, scaleTarget, seedEndpointStack, type EndpointStack } from './aws-seed.ts';
import { runPlugin, type CliResult } from './cli.ts';
import { freshNamespace, testKubeconfig } from './cluster.ts';
import { oldType, seedOldObjects } from './scenario.ts';

export const REGION = 'us-east-2';
const ADOPTED_KINDS = [ACK_KINDS.Endpoint, ACK_KINDS.EndpointConfig, ACK_KINDS.Model, ACK_KINDS.ScalableTarget, ACK_KINDS.ScalingPolicy];
const noFiles = mkdtempSync(path.join(tmpdir(), 'smm-no-aws-config-'));

/** The user's AWS configuration as the AWS CLI would read it: moto's URL and fake keys, nothing from this machine. */
export function awsEnvironment(aws: AwsEmulator, extra: Record<string, string> = {}): Record<string, string> {
  return { ...emulatorEnvironment(aws, noFiles), ...extra };
}

export function migrate(aws: AwsEmulator, args: string[], env: Record<string, string> = awsEnvironment(aws)): Promise<CliResult> {
  return runPlugin(args, { kubeconfig: testKubeconfig(), env });
}

export function oldObjectsFor(namespace: string, stack: EndpointStack): KubeObject[] {
  const finalizers = ['sagemaker-operator-finalizer'];
  return [
    {
      apiVersion: 'sagemaker.aws.amazon.com/v1',
      kind: 'HostingDeployment',
      metadata: { name: 'host', namespace, finalizers },
      spec: {
        region: REGION,
        productionVariants: [{ variantName: stack.variant, modelName: 'model', initialInstanceCount: 1, instanceType: stack.instanceType }],
        models: [{ name: 'model', executionRoleArn: stack.role, primaryContainer: 'main', containers: [{ containerHostname: 'main', image: stack.image, modelDataUrl: stack.modelDataUrl }] }],
      },
      status: { endpointStatus: 'InService', endpointName: stack.endpoint, endpointConfigName: stack.config, modelNames: [{ name: 'model', value: stack.model }] },
    },
    {
      apiVersion: 'sagemaker.aws.amazon.com/v1',
      kind: 'HostingAutoscalingPolicy',
      metadata: { name: 'hap', namespace, finalizers },
      spec: {
        region: REGION,
        resourceId: [{ endpointName: stack.endpoint, variantName: stack.variant }],
        minCapacity: 1,
        maxCapacity: 4,
        policyName: stack.policyName,
        policyType: 'TargetTrackingScaling',
        scalableDimension: stack.scalableDimension,
        serviceNamespace: stack.serviceNamespace,
        targetTrackingScalingPolicyConfiguration: { targetValue: 60, predefinedMetricSpecification: { predefinedMetricType: 'SageMakerVariantInvocationsPerInstance' } },
      },
      status: { hostingAutoscalingPolicyStatus: 'Created', policyName: stack.policyName, resourceIDList: [stack.resourceId] },
    },
  ];
}

export interface Overlap {
  namespace: string;
  stack: EndpointStack;
  simulator: AdoptionSimulator;
}

/** An endpoint stack in moto, its old objects, and `adopt --wait` done: the overlap between adoption and handover. */
export async function duringOverlap(t: ExecutionContext, client: KubeClient, aws: AwsEmulator, prefix: string): Promise<Overlap> {
  const namespace = await freshNamespace(client, prefix);
  const stack = await seedEndpointStack(aws.endpoint, REGION, {
    model: `${namespace}-model`,
    config: `${namespace}-config`,
    endpoint: `${namespace}-endpoint`,
    minCapacity: 1,
    maxCapacity: 4,
    targetValue: 60,
  });
  await seedOldObjects(client, oldObjectsFor(namespace, stack));
  const simulator = new AdoptionSimulator(client, [], { namespaces: [namespace], aws: { endpoint: aws.endpoint }, defaultRegion: REGION });
  simulator.start();
  t.teardown(() => simulator.stop());
  const adopt = await migrate(aws, ['adopt', '-n', namespace, '--wait', '--timeout', '60s']);
  if (adopt.code !== 0) throw new Error(`adopt failed: ${adopt.stderr}`);
  // adopt --wait ends once each object is proven adopted; ACK writes status just after. Tests that compare
  // resourceVersions start once every object has its status and the simulator has seen that last write.
  const deadline = Date.now() + 30_000;
  for (;;) {
    const objects = (await Promise.all(ADOPTED_KINDS.map((kind) => client.listAll(kind, { namespace })))).flat();
    if (objects.every((object) => object.status?.['ackResourceMetadata'])) {
      await simulator.handled(objects);
      break;
    }
    if (Date.now() > deadline) throw new Error('the simulator did not write status on every adopted object within 30 s');
    await sleep(100);
  }
  return { namespace, stack, simulator };
}

/** What a person does in AWS during the overlap: a new config for the endpoint, scaled out, the policy retuned. */
export async function changeAws(aws: AwsEmulator, stack: EndpointStack): Promise<string> {
  const newConfig = `${stack.config}-v2`;
  await repointEndpoint(aws.endpoint, stack, newConfig);
  await scaleTarget(aws.endpoint, stack, 2, 8);
  await retunePolicy(aws.endpoint, stack, 80);
  return newConfig;
}

/** Removes the old objects as a finished cleanup leaves them gone (the handover tests are about handover alone). */
export async function removeOldObjects(client: KubeClient, namespace: string): Promise<void> {
  for (const kind of ['HostingDeployment', 'HostingAutoscalingPolicy']) {
    await client.mergePatch(oldType(kind), kind === 'HostingDeployment' ? 'host' : 'hap', namespace, { metadata: { finalizers: null } });
    await client.delete(oldType(kind), kind === 'HostingDeployment' ? 'host' : 'hap', namespace);
  }
}

export async function readOnlyKinds(client: KubeClient, namespace: string): Promise<string[]> {
  const kinds: string[] = [];
  for (const kind of ADOPTED_KINDS) {
    for (const object of await client.listAll(kind, { namespace })) if (object.metadata.annotations?.['services.k8s.aws/read-only'] === 'true') kinds.push(kind.kind);
  }
  return kinds.sort();
}
