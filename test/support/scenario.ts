// Seeds a namespace with the old-operator objects of examples/cluster-dump.yaml (status written through the status
// subresource, as the old operator wrote it), and lists the AWS resources those objects stand for, written out by
// hand for the adoption simulator (not derived from the plugin's own mapping).

import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import yaml from 'js-yaml';
import type { KubeClient } from '../../src/kube/client.ts';
import type { KubeObject, ResourceType } from '../../src/kube/objects.ts';
import { inParallel } from '../../src/core/model/in-parallel.ts';
import type { SimulatedAwsResource } from './ack-simulator.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const EXAMPLE_DUMP = path.join(root, 'examples', 'cluster-dump.yaml');

const PLURALS: Record<string, string> = {
  TrainingJob: 'trainingjobs',
  HyperparameterTuningJob: 'hyperparametertuningjobs',
  BatchTransformJob: 'batchtransformjobs',
  ProcessingJob: 'processingjobs',
  Model: 'models',
  EndpointConfig: 'endpointconfigs',
  HostingDeployment: 'hostingdeployments',
  HostingAutoscalingPolicy: 'hostingautoscalingpolicies',
};

export function oldType(kind: string): ResourceType {
  const plural = PLURALS[kind];
  if (!plural) throw new Error(`not an old kind: ${kind}`);
  return { group: 'sagemaker.aws.amazon.com', version: 'v1', kind, plural, namespaced: true };
}

/**
 * The example's AWS names made unique to one test namespace (suffixed with the namespace's random part): the plugin
 * looks up existing ACK objects cluster-wide and adopts each AWS resource once per cluster, so tests that share the
 * control plane must not share AWS resources.
 */
export function uniqueAwsName(name: string, namespace: string): string {
  return `${name}-${namespace.split('-').pop()}`;
}

function withUniqueAwsNames<T>(value: T, namespace: string): T {
  let text = JSON.stringify(value);
  // Longest first, so that a name that starts another (a tuning job and its training jobs) is renamed inside it too.
  for (const name of [...EXAMPLE_AWS_NAMES].sort((a, b) => b.length - a.length)) text = text.replaceAll(name, uniqueAwsName(name, namespace));
  return JSON.parse(text) as T;
}

/** The example's objects, all moved into one namespace, with AWS names of their own (see uniqueAwsName). */
export function exampleObjects(namespace: string): KubeObject[] {
  const list = withUniqueAwsNames(yaml.load(readFileSync(EXAMPLE_DUMP, 'utf8')) as { items: KubeObject[] }, namespace);
  return list.items.map((item) => {
    const labels = item.metadata.labels?.['owner_HostingDeployment_namespace']
      ? { ...item.metadata.labels, owner_HostingDeployment_namespace: namespace }
      : item.metadata.labels;
    const { uid: _uid, ...metadata } = item.metadata;
    return { ...item, metadata: { ...metadata, namespace, ...(labels ? { labels } : {}) } };
  });
}

/** A TrainingJob that passes the real old CRD, as users wrote them; `trainingJobName` names it in AWS. */
export function oldTrainingJob(namespace: string, name: string, trainingJobName?: string): KubeObject {
  return {
    apiVersion: 'sagemaker.aws.amazon.com/v1',
    kind: 'TrainingJob',
    metadata: { name, namespace, finalizers: ['sagemaker-operator-finalizer'] },
    spec: {
      region: 'us-east-2',
      ...(trainingJobName ? { trainingJobName } : {}),
      roleArn: 'arn:aws:iam::123456789012:role/sagemaker-role',
      algorithmSpecification: { trainingImage: '433757028032.dkr.ecr.us-east-2.amazonaws.com/xgboost:1', trainingInputMode: 'File' },
      outputDataConfig: { s3OutputPath: 's3://ml-bucket/output' },
      resourceConfig: { instanceCount: 1, instanceType: 'ml.m4.xlarge', volumeSizeInGB: 5 },
      stoppingCondition: { maxRuntimeInSeconds: 86400 },
      inputDataConfig: [{ channelName: 'train', dataSource: { s3DataSource: { s3DataType: 'S3Prefix', s3Uri: 's3://ml-bucket/train' } } }],
    },
  };
}

/** Model objects with finalizers that never reached AWS (no name in status): cleanup may remove them without adoption. */
export function neverCreatedModels(namespace: string, count: number, prefix = 'model'): KubeObject[] {
  return Array.from({ length: count }, (_, index) => ({
    apiVersion: 'sagemaker.aws.amazon.com/v1',
    kind: 'Model',
    metadata: { name: `${prefix}-${index}`, namespace, finalizers: ['sagemaker-operator-finalizer'] },
    spec: { region: 'us-east-2', executionRoleArn: 'arn:aws:iam::123456789012:role/sagemaker-role' },
  }));
}

/** Creates old objects and writes their status, like the old operator did; `concurrency` at a time, in order. */
export async function seedOldObjects(client: KubeClient, objects: KubeObject[], options: { concurrency?: number } = {}): Promise<KubeObject[]> {
  return await inParallel(objects, options.concurrency ?? 1, async (object) => {
    const type = oldType(object.kind);
    const { status, ...withoutStatus } = object;
    await client.create(type, withoutStatus as KubeObject);
    const written = status ? await client.patchStatus(type, object.metadata.name, object.metadata.namespace, { status }) : await client.get(type, object.metadata.name, object.metadata.namespace);
    return { ...written, apiVersion: 'sagemaker.aws.amazon.com/v1', kind: object.kind };
  });
}

const SAGEMAKER = 'sagemaker.services.k8s.aws';
const AUTOSCALING = 'applicationautoscaling.services.k8s.aws';
const ENDPOINT = 'host-xgboost-def0e83e0d5f11eaaa450a350733ba06';

const ROLE = 'arn:aws:iam::123456789012:role/sagemaker-role';

/** The spec ACK would read back from a Describe call: complete, as AWS returns it. */
function describedSpec(kind: string, name: string): Record<string, unknown> {
  switch (kind) {
    case 'Endpoint':
      return { endpointConfigName: 'host-xgboost-1-def0e83e0d5f11e-e08f6c510d5f11eaaa450a350733ba06' };
    case 'EndpointConfig':
      return { productionVariants: [{ variantName: 'AllTraffic', modelName: 'xgboost-model', initialInstanceCount: 1, instanceType: 'ml.r5.large' }] };
    case 'Model':
      return { executionRoleARN: ROLE, primaryContainer: { image: '433757028032.dkr.ecr.us-east-2.amazonaws.com/xgboost:latest' } };
    case 'TrainingJob':
      return {
        roleARN: ROLE,
        algorithmSpecification: { trainingImage: '433757028032.dkr.ecr.us-east-2.amazonaws.com/xgboost:1', trainingInputMode: 'File' },
        outputDataConfig: { s3OutputPath: 's3://ml-bucket/output' },
        resourceConfig: { instanceCount: 1, instanceType: 'ml.m4.xlarge', volumeSizeInGB: 5 },
        stoppingCondition: { maxRuntimeInSeconds: 86400 },
      };
    case 'HyperParameterTuningJob':
      return { hyperParameterTuningJobConfig: { strategy: 'Bayesian', resourceLimits: { maxNumberOfTrainingJobs: 10, maxParallelTrainingJobs: 2 } } };
    case 'TransformJob':
      return {
        modelName: 'churn-model-6d7fa0af0bef11eab94e0a1b2c3d4e5f',
        transformInput: { dataSource: { s3DataSource: { s3DataType: 'S3Prefix', s3URI: 's3://ml-bucket/batch-input' } } },
        transformOutput: { s3OutputPath: 's3://ml-bucket/batch-output' },
        transformResources: { instanceCount: 1, instanceType: 'ml.m4.xlarge' },
      };
    case 'ProcessingJob':
      return {
        roleARN: ROLE,
        appSpecification: { imageURI: '174872318107.dkr.ecr.us-west-2.amazonaws.com/kmeans:1' },
        processingResources: { clusterConfig: { instanceCount: 1, instanceType: 'ml.m5.large', volumeSizeInGB: 20 } },
      };
    case 'ScalableTarget':
      return { minCapacity: 1, maxCapacity: 4 };
    case 'ScalingPolicy':
      return { policyType: 'TargetTrackingScaling', targetTrackingScalingPolicyConfiguration: { targetValue: 60 } };
    default:
      throw new Error(`no described spec for ${kind} ${name}`);
  }
}

/** What exists in AWS for the example in one test namespace (see uniqueAwsName). */
export function exampleAwsResources(namespace: string): SimulatedAwsResource[] {
  return withUniqueAwsNames(exampleAwsResourcesAsDumped(), namespace);
}

/** What exists in AWS for the example: every resource its objects created (the never-started job has none). */
function exampleAwsResourcesAsDumped(): SimulatedAwsResource[] {
  const sagemaker = (kind: string, field: string, name: string, region = 'us-east-2', status: Record<string, unknown> = {}): SimulatedAwsResource => ({
    group: SAGEMAKER, kind, region, identifiers: { [field]: name }, spec: describedSpec(kind, name), status,
  });
  const autoscaling = { resourceID: `endpoint/${ENDPOINT}/variant/AllTraffic`, serviceNamespace: 'sagemaker', scalableDimension: 'sagemaker:variant:DesiredInstanceCount' };
  return [
    sagemaker('Endpoint', 'endpointName', ENDPOINT, 'us-east-2', { endpointStatus: 'InService' }),
    sagemaker('EndpointConfig', 'endpointConfigName', 'host-xgboost-1-def0e83e0d5f11e-e08f6c510d5f11eaaa450a350733ba06'),
    sagemaker('Model', 'modelName', 'xgboost-model-1-def0e83e0d5f11-df5cc9fd0d5f11eaaa450a350733ba06'),
    sagemaker('Model', 'modelName', 'churn-model-6d7fa0af0bef11eab94e0a1b2c3d4e5f'),
    sagemaker('EndpointConfig', 'endpointConfigName', 'churn-config-7a8b9c0d0bef11eab94e0a1b2c3d4e5f'),
    sagemaker('TrainingJob', 'trainingJobName', 'XGBoost-MNIST-2024', 'us-east-2', { trainingJobStatus: 'Completed' }),
    sagemaker('TrainingJob', 'trainingJobName', 'a92f5e3cf07b11e9bf6c06d6-001-4c7a3059', 'us-east-2', { trainingJobStatus: 'Completed' }),
    sagemaker('HyperParameterTuningJob', 'hyperParameterTuningJobName', 'a92f5e3cf07b11e9bf6c06d6', 'us-east-2', { hyperParameterTuningJobStatus: 'Completed' }),
    sagemaker('TransformJob', 'transformJobName', 'xgboost-batch-a88fb19809b511eaac440aa8a9', 'us-east-2', { transformJobStatus: 'Completed' }),
    sagemaker('ProcessingJob', 'processingJobName', 'kmeans-processing-7410ed52fd1811eab19a165ae9f9e385', 'us-west-2', { processingJobStatus: 'InProgress' }),
    { group: AUTOSCALING, kind: 'ScalableTarget', region: 'us-east-2', identifiers: autoscaling, spec: describedSpec('ScalableTarget', ENDPOINT) },
    { group: AUTOSCALING, kind: 'ScalingPolicy', region: 'us-east-2', identifiers: { ...autoscaling, policyName: 'SageMakerEndpointInvocationScalingPolicy' }, spec: describedSpec('ScalingPolicy', ENDPOINT) },
  ];
}

/** Every AWS name the example dump uses. */
const EXAMPLE_AWS_NAMES = [...new Set(exampleAwsResourcesAsDumped().map((resource) => {
  const primary = Object.values(resource.identifiers)[0]!;
  return primary.startsWith('endpoint/') ? primary.split('/')[1]! : primary;
}))];
