// What the REAL ACK controllers wrote (shared/reference/ack-observed/, data recorded outside this repository), read
// for the simulator's conformance tests: the AWS table those objects describe, the inputs the plugin had created, and
// a normalisation that leaves out what differs from run to run (names of the namespace, uids, timestamps, versions).

import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { KubeObject } from '../../src/kube/objects.ts';
import { simulatedKind, type SimulatedAwsResource } from './simulated-aws.ts';

const OBSERVED = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'shared', 'reference', 'ack-observed');

export const RECORDINGS = {
  annotationTargets: 'annotation-adoption-sagemaker-v1.9.1-aas-v1.4.1.json',
  adoptedResources: 'adoptedresources-sagemaker-v1.5.0-aas-v1.1.1.json',
  adoptedResourceTargets: 'adopted-targets-sagemaker-v1.5.0-aas-v1.1.1.json',
} as const;

export function recorded(file: string): KubeObject[] {
  return (JSON.parse(readFileSync(path.join(OBSERVED, file), 'utf8')) as { items: KubeObject[] }).items;
}

const ADOPTED = 'services.k8s.aws/adopted';

/** The AWS resource an adopted ACK object describes: its spec is what Describe returned, its status what AWS reported. */
export function awsResourceOf(object: KubeObject, identifiers: Record<string, string>): SimulatedAwsResource {
  const kind = simulatedKind(object.apiVersion.split('/')[0], object.kind);
  if (!kind) throw new Error(`recorded object of an unknown kind: ${object.kind}`);
  const { conditions: _conditions, ackResourceMetadata, ...status } = (object.status ?? {}) as Record<string, unknown> & { ackResourceMetadata: { arn: string; region: string } };
  return {
    group: kind.group,
    kind: kind.kind,
    region: ackResourceMetadata.region,
    identifiers,
    spec: object.spec ?? {},
    status,
    // Application Auto Scaling ARNs carry ids AWS made up; SageMaker ARNs the simulator must derive itself.
    ...(kind.arnType ? {} : { arn: ackResourceMetadata.arn }),
  };
}

/**
 * The resource as moto described it in the recorded run: its DescribeProcessingJob omits ProcessingResources,
 * Environment and NetworkConfig (shared/reference/ack-observed/README.md), which the recorded objects show.
 */
export function asMotoDescribed(resource: SimulatedAwsResource): SimulatedAwsResource {
  if (resource.kind !== 'ProcessingJob') return resource;
  const { processingResources: _resources, environment: _environment, networkConfig: _network, ...spec } = resource.spec ?? {};
  return { ...resource, spec };
}

/** The identifiers ACK was asked for: adoption-fields, or else the kind's identifier fields in spec. */
export function identifiersOf(object: KubeObject, fields: string[]): Record<string, string> {
  const annotation = object.metadata.annotations?.['services.k8s.aws/adoption-fields'];
  if (annotation) return JSON.parse(annotation) as Record<string, string>;
  return Object.fromEntries(fields.filter((field) => typeof object.spec?.[field] === 'string').map((field) => [field, object.spec![field] as string]));
}

/** An annotated ACK object as the plugin created it, before ACK adopted it: no finalizer, no marker, no status. */
export function beforeAdoption(object: KubeObject, namespace: string, spec: Record<string, unknown>): KubeObject {
  const { [ADOPTED]: _adopted, ...annotations } = object.metadata.annotations ?? {};
  return {
    apiVersion: object.apiVersion,
    kind: object.kind,
    metadata: { name: object.metadata.name, namespace, labels: object.metadata.labels ?? {}, annotations },
    spec,
  };
}

/** An AdoptedResource as the plugin created it, moved into another namespace. */
export function adoptedResourceBeforeAdoption(object: KubeObject, namespace: string): KubeObject {
  const spec = structuredClone(object.spec!) as { kubernetes: { metadata: { namespace?: string } } };
  spec.kubernetes.metadata.namespace = namespace;
  return {
    apiVersion: object.apiVersion,
    kind: object.kind,
    metadata: { name: object.metadata.name, namespace, labels: object.metadata.labels ?? {}, annotations: object.metadata.annotations ?? {} },
    spec,
  };
}

/** What is compared: everything but the namespace, uid, resourceVersion, creation and transition times. */
export function comparable(object: KubeObject): unknown {
  const { uid: _uid, resourceVersion: _rv, creationTimestamp: _created, managedFields: _managed, namespace: _namespace, ...metadata } = object.metadata;
  const copy = structuredClone({ apiVersion: object.apiVersion, kind: object.kind, metadata, spec: object.spec, status: object.status }) as Record<string, unknown>;
  const status = copy['status'] as { conditions?: Array<Record<string, unknown>> } | undefined;
  for (const condition of status?.conditions ?? []) delete condition['lastTransitionTime'];
  const kubernetes = (copy['spec'] as { kubernetes?: { metadata?: Record<string, unknown> } } | undefined)?.kubernetes;
  if (kubernetes?.metadata) delete kubernetes.metadata['namespace'];
  return copy;
}

/**
 * What is compared between a recorded run and a run of today: `comparable`, and moreover the times AWS stamps
 * (creationTime, lastModifiedTime) and the ids Application Auto Scaling makes up in its ARNs reduced to their form.
 */
export function comparableAcrossRuns(object: KubeObject): unknown {
  const copy = comparable(object) as { status?: Record<string, unknown> & { ackResourceMetadata?: { arn?: string } } };
  for (const field of ['creationTime', 'lastModifiedTime']) {
    if (typeof copy.status?.[field] === 'string') copy.status[field] = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/.test(copy.status[field] as string) ? 'a time' : copy.status[field];
  }
  const metadata = copy.status?.ackResourceMetadata;
  if (metadata?.arn) metadata.arn = metadata.arn.replace(/scalable-target\/[a-z0-9]+$/, 'scalable-target/ID').replace(/:scalingPolicy:[0-9a-f-]+:/, ':scalingPolicy:ID:');
  return copy;
}
