// moto (PyPI moto[server], the AWS emulator) on a free loopback port for the rehearsal and aws-emulator.ts, and what tests read from
// it: every SageMaker and Application Auto Scaling resource it holds, described in full, named by the identifiers an
// ACK object would carry.

import type { ChildProcess } from 'node:child_process';
import path from 'node:path';
import { freePorts, spawnLogged, terminate, waitFor } from './control-plane.ts';

/** Fake credentials: moto checks none, and nothing here can reach AWS. */
export const FAKE_CREDENTIALS = { AWS_ACCESS_KEY_ID: 'testing', AWS_SECRET_ACCESS_KEY: 'testing' };

export interface Moto {
  endpoint: string;
  process: ChildProcess;
  stop(): Promise<void>;
}

export async function startMoto(motoServer: string, directory: string): Promise<Moto> {
  const [port] = await freePorts(1);
  const child = spawnLogged(motoServer, ['-H', '127.0.0.1', '-p', String(port)], path.join(directory, 'moto.log'), {
    PATH: process.env['PATH'] ?? '/usr/bin:/bin',
    ...FAKE_CREDENTIALS,
  });
  const endpoint = `http://127.0.0.1:${port}`;
  await waitFor(`moto on port ${port}`, 60_000, async () => (await fetch(`${endpoint}/moto-api/`)).ok, child);
  return { endpoint, process: child, stop: () => terminate(child) };
}

type Service = 'sagemaker' | 'application-autoscaling';
const TARGET_PREFIX: Record<Service, string> = { sagemaker: 'SageMaker', 'application-autoscaling': 'AnyScaleFrontendService' };

/** One AWS JSON-protocol call; the signature is not checked by moto, only the credential scope (region, service). */
export async function callAws(endpoint: string, service: Service, region: string, action: string, input: Record<string, unknown>): Promise<Record<string, unknown>> {
  const response = await fetch(endpoint, {
    method: 'POST',
    headers: {
      'Content-Type': 'application/x-amz-json-1.1',
      'X-Amz-Target': `${TARGET_PREFIX[service]}.${action}`,
      Authorization: `AWS4-HMAC-SHA256 Credential=${FAKE_CREDENTIALS.AWS_ACCESS_KEY_ID}/20260101/${region}/${service}/aws4_request, SignedHeaders=host, Signature=0`,
    },
    body: JSON.stringify(input),
  });
  const text = await response.text();
  if (!response.ok) throw new AwsError(`${service} ${action}: HTTP ${response.status} ${text}`, response.headers.get('x-amzn-errortype') ?? '', text);
  return JSON.parse(text) as Record<string, unknown>;
}

export class AwsError extends Error {
  constructor(message: string, readonly type: string, readonly body: string) {
    super(message);
  }

  /** moto's answer for a resource that does not exist (SageMaker answers 400 ValidationException, not 404). */
  get notFound(): boolean {
    return (this.type === 'ValidationException' || this.type === 'ResourceNotFound') && this.body.includes('Could not find');
  }
}

/** One AWS resource as moto describes it, with the ACK kind and identifiers that name it. */
export interface DescribedResource {
  ackKind: string;
  group: string;
  region: string;
  identifiers: Record<string, string>;
  description: Record<string, unknown>;
}

const SAGEMAKER_GROUP = 'sagemaker.services.k8s.aws';
const AUTOSCALING_GROUP = 'applicationautoscaling.services.k8s.aws';

/** [ACK kind, List action, list field, name field in AWS, Describe action, ACK identifier field] */
const SAGEMAKER_KINDS: Array<[string, string, string, string, string, string]> = [
  ['TrainingJob', 'ListTrainingJobs', 'TrainingJobSummaries', 'TrainingJobName', 'DescribeTrainingJob', 'trainingJobName'],
  ['HyperParameterTuningJob', 'ListHyperParameterTuningJobs', 'HyperParameterTuningJobSummaries', 'HyperParameterTuningJobName', 'DescribeHyperParameterTuningJob', 'hyperParameterTuningJobName'],
  ['TransformJob', 'ListTransformJobs', 'TransformJobSummaries', 'TransformJobName', 'DescribeTransformJob', 'transformJobName'],
  ['ProcessingJob', 'ListProcessingJobs', 'ProcessingJobSummaries', 'ProcessingJobName', 'DescribeProcessingJob', 'processingJobName'],
  ['Model', 'ListModels', 'Models', 'ModelName', 'DescribeModel', 'modelName'],
  ['EndpointConfig', 'ListEndpointConfigs', 'EndpointConfigs', 'EndpointConfigName', 'DescribeEndpointConfig', 'endpointConfigName'],
  ['Endpoint', 'ListEndpoints', 'Endpoints', 'EndpointName', 'DescribeEndpoint', 'endpointName'],
];

/** Every SageMaker resource and every sagemaker-namespace scalable target and scaling policy in the region. */
export async function describeAll(endpoint: string, region: string): Promise<DescribedResource[]> {
  const resources: DescribedResource[] = [];
  for (const [ackKind, listAction, listField, nameField, describeAction, identifierField] of SAGEMAKER_KINDS) {
    const listed = await callAws(endpoint, 'sagemaker', region, listAction, { MaxResults: 100 });
    if (listed['NextToken']) throw new Error(`${listAction}: more than 100 resources, the rehearsal never makes that many`);
    for (const summary of listed[listField] as Array<Record<string, string>>) {
      const name = summary[nameField]!;
      let description: Record<string, unknown>;
      try {
        description = await callAws(endpoint, 'sagemaker', region, describeAction, { [nameField]: name });
      } catch (error) {
        // Deleted between List and Describe (the old operator at work).
        if (error instanceof AwsError && error.notFound) continue;
        throw error;
      }
      resources.push({ ackKind, group: SAGEMAKER_GROUP, region, identifiers: { [identifierField]: name }, description });
    }
  }
  const targets = await callAws(endpoint, 'application-autoscaling', region, 'DescribeScalableTargets', { ServiceNamespace: 'sagemaker' });
  for (const target of targets['ScalableTargets'] as Array<Record<string, string>>) {
    resources.push({
      ackKind: 'ScalableTarget',
      group: AUTOSCALING_GROUP,
      region,
      identifiers: { resourceID: target['ResourceId']!, serviceNamespace: target['ServiceNamespace']!, scalableDimension: target['ScalableDimension']! },
      description: target,
    });
  }
  const policies = await callAws(endpoint, 'application-autoscaling', region, 'DescribeScalingPolicies', { ServiceNamespace: 'sagemaker' });
  for (const policy of policies['ScalingPolicies'] as Array<Record<string, string>>) {
    resources.push({
      ackKind: 'ScalingPolicy',
      group: AUTOSCALING_GROUP,
      region,
      identifiers: {
        resourceID: policy['ResourceId']!,
        serviceNamespace: policy['ServiceNamespace']!,
        scalableDimension: policy['ScalableDimension']!,
        policyName: policy['PolicyName']!,
      },
      description: policy,
    });
  }
  return resources;
}

/** What differs between two inventories, one line per resource field added, removed or changed (empty: identical). */
export function inventoryChanges(before: DescribedResource[], after: DescribedResource[]): string[] {
  const byKey = (resources: DescribedResource[]): Map<string, DescribedResource> =>
    new Map(resources.map((resource) => [`${resource.ackKind} ${Object.values(resource.identifiers).join(' ')}`, resource]));
  const old = byKey(before);
  const current = byKey(after);
  const changes: string[] = [];
  for (const [key, resource] of old) {
    const now = current.get(key);
    if (!now) {
      changes.push(`${key}: gone`);
      continue;
    }
    const fields = new Set([...Object.keys(resource.description), ...Object.keys(now.description)]);
    for (const field of fields) {
      const was = JSON.stringify(resource.description[field]);
      const is = JSON.stringify(now.description[field]);
      if (was !== is) changes.push(`${key}: ${field} ${was} -> ${is}`);
    }
  }
  for (const key of current.keys()) if (!old.has(key)) changes.push(`${key}: new`);
  return changes;
}
