// What the REAL ACK controllers wrote (shared/reference/ack-observed/, data recorded outside this repository), read
// for the simulator's conformance tests as their expected result only, and a normalisation that leaves out what
// differs from run to run (names of the namespace, uids, timestamps, versions, ids AWS makes up).

import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { KubeObject } from '../../src/kube/objects.ts';

const OBSERVED = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'shared', 'reference', 'ack-observed');

export const RECORDINGS = {
  annotationTargets: 'annotation-adoption-sagemaker-v1.9.1-aas-v1.4.1.json',
  annotationTargetsOfRuntimeV052: 'annotation-adoption-sagemaker-v1.5.0-aas-v1.1.1.json',
  adoptedResources: 'adoptedresources-sagemaker-v1.5.0-aas-v1.1.1.json',
  adoptedResourceTargets: 'adopted-targets-sagemaker-v1.5.0-aas-v1.1.1.json',
} as const;

export function recorded(file: string): KubeObject[] {
  return (JSON.parse(readFileSync(path.join(OBSERVED, file), 'utf8')) as { items: KubeObject[] }).items;
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
