// Reads whether an AWS resource is adopted from the ACK objects in the cluster (pure), for both adoption methods.

import { findCondition, stringAt, type KubeObject } from '../../kube/objects.ts';
import { ACK_ANNOTATIONS, ackFinalizer, ackKindByGroupKind, type AckKind, type AckKindName } from './ack-kinds.ts';
import { targetKey } from './targets.ts';

export type AdoptionState = 'adopted' | 'pending' | 'failed' | 'not-started';

export interface Observation {
  /** Whether ACK has taken the AWS resource over: the thing cleanup and handover depend on. */
  state: AdoptionState;
  /** Why it is not adopted, in the controller's words when it said anything. */
  message?: string;
  /** ACK.ResourceSynced of the ACK object, when present. */
  synced?: string;
  /**
   * ACK.Terminal or ACK.Recoverable on an ADOPTED object: a problem syncing a resource ACK does manage (e.g. late
   * initialization on an incomplete AWS answer), not an adoption failure.
   */
  syncError?: string;
  /** No controller has written anything on it yet: no finalizer, no adopted marker, no condition. */
  untouched?: boolean;
}

/** The identifiers the AWS resource is expected to have, e.g. { modelName: 'churn-model' }. */
export type ExpectedIdentity = Record<string, string>;

function withSync(observation: Observation, synced: string | undefined): Observation {
  return synced ? { ...observation, synced } : observation;
}

function problemOf(object: KubeObject): string | undefined {
  for (const type of ['ACK.Terminal', 'ACK.Recoverable']) {
    const condition = findCondition(object, type);
    if (condition?.status === 'True') return `${type}: ${condition.message ?? condition.reason ?? type}`;
  }
  return undefined;
}

/**
 * Whether the ACK object itself names the AWS resource expected: each expected identifier in its spec, or, for a
 * SageMaker kind, an ARN in status.ackResourceMetadata that ends in its name (SageMaker lower-cases names in ARNs).
 * ACK writes both when it adopts; a status condition alone proves nothing (a stale ACK.ResourceSynced=True stays
 * on an object whose spec ACK could not write).
 */
export function carriesIdentity(object: KubeObject, kind: AckKind, expected: ExpectedIdentity): boolean {
  const wanted = Object.keys(expected).length > 0 ? expected : undefined;
  if (!wanted) return (stringAt(object, `spec.${kind.primaryField}`) ?? '') !== '';
  if (Object.entries(wanted).every(([field, value]) => stringAt(object, `spec.${field}`) === value)) return true;
  const arn = stringAt(object, 'status.ackResourceMetadata.arn');
  const name = wanted[kind.primaryField];
  return kind.controller === 'sagemaker' && arn !== undefined && name !== undefined && arn.toLowerCase().endsWith(`/${name.toLowerCase()}`);
}

function adoptedByAck(object: KubeObject, kind: AckKind): { marked: boolean; managed: boolean } {
  return {
    marked: object.metadata.annotations?.[ACK_ANNOTATIONS.adopted] === 'true',
    managed: (object.metadata.finalizers ?? []).includes(ackFinalizer(kind)),
  };
}

/** The adopted state of an ACK object that ACK marked and manages, or why it is not proof of adoption. */
function observeMarkedTarget(object: KubeObject, kind: AckKind, expected: ExpectedIdentity, synced: string | undefined): Observation {
  const problem = problemOf(object);
  if (carriesIdentity(object, kind, expected)) return withSync({ state: 'adopted', ...(problem ? { syncError: problem } : {}) }, synced);
  const found = stringAt(object, `spec.${kind.primaryField}`);
  return withSync({
    state: problem ? 'failed' : 'pending',
    message: `${problem ? `${problem}; ` : ''}marked adopted, but spec.${kind.primaryField} is ${found ? `"${found}"` : 'missing'}: ACK could not write the AWS resource's state onto it (see the controller's log)`,
  }, synced);
}

export function observeAnnotationTarget(object: KubeObject | undefined, kind: AckKind, expected: ExpectedIdentity): Observation {
  if (!object) return { state: 'not-started' };
  const synced = findCondition(object, 'ACK.ResourceSynced')?.status;
  const { marked, managed } = adoptedByAck(object, kind);
  if (marked && managed) return observeMarkedTarget(object, kind, expected, synced);
  const problem = problemOf(object);
  if (problem) return withSync({ state: 'failed', message: problem }, synced);
  if (marked || managed) return withSync({ state: 'pending', message: marked ? 'adopted annotation set, ACK finalizer missing' : "ACK finalizer set, adopted annotation missing: ACK could not write the AWS resource's state onto the spec (see the controller's log)" }, synced);
  const untouched = !(object.status?.['conditions'] as unknown[] | undefined)?.length;
  return withSync({ state: 'pending', message: 'waiting for the ACK controller', ...(untouched ? { untouched } : {}) }, synced);
}

export function observeAdoptedResource(adoptedResource: KubeObject | undefined, target: KubeObject | undefined, expected: ExpectedIdentity): Observation {
  const targetKind = target ? ackKindByGroupKind(target.apiVersion.split('/')[0] ?? '', target.kind) : undefined;
  const observeTarget = (): Observation => {
    const { marked, managed } = adoptedByAck(target!, targetKind!);
    const synced = findCondition(target!, 'ACK.ResourceSynced')?.status;
    if (marked && managed) return observeMarkedTarget(target!, targetKind!, expected, synced);
    return withSync({ state: 'pending', message: 'ACK.Adopted is True but ACK does not manage the target object (no adopted marker or finalizer)' }, synced);
  };
  if (!adoptedResource) {
    // A target whose AdoptedResource was deleted after adoption still counts when ACK manages it.
    return target && targetKind ? observeTarget() : { state: 'not-started' };
  }
  const condition = findCondition(adoptedResource, 'ACK.Adopted');
  if (condition?.status === 'True') {
    if (target && targetKind) return observeTarget();
    return { state: 'pending', message: 'ACK.Adopted is True but the target object is missing' };
  }
  if (condition?.status === 'False') return { state: 'failed', message: `ACK.Adopted: ${condition.message ?? 'False'}` };
  return { state: 'pending', message: 'waiting for the ACK controller (no ACK.Adopted condition yet)', untouched: true };
}

/** Identity keys (with and without region) under which an existing ACK object or AdoptedResource can be found. */
export interface ExistingIdentity {
  ackKind: AckKindName;
  keys: string[];
  namespace: string;
  /** The ACK target object's name. */
  targetName: string;
  adoptedResourceName?: string;
}

export function identityOfAckObject(object: KubeObject): ExistingIdentity | undefined {
  const kind = ackKindByGroupKind(object.apiVersion.split('/')[0] ?? '', object.kind);
  if (!kind) return undefined;
  const identifiers: Record<string, string> = {};
  const fields = parseAdoptionFields(object.metadata.annotations?.[ACK_ANNOTATIONS.adoptionFields]);
  for (const field of [kind.primaryField, ...kind.additionalFields]) {
    const value = fields[field] ?? stringAt(object, `spec.${field}`);
    if (value !== undefined) identifiers[field] = value;
  }
  if (identifiers[kind.primaryField] === undefined) return undefined;
  const region = object.metadata.annotations?.[ACK_ANNOTATIONS.region] ?? stringAt(object, 'status.ackResourceMetadata.region');
  return {
    ackKind: kindName(kind),
    keys: keysFor(kindName(kind), region, identifiers),
    namespace: object.metadata.namespace ?? 'default',
    targetName: object.metadata.name,
  };
}

export function identityOfAdoptedResource(adoptedResource: KubeObject): ExistingIdentity | undefined {
  const group = stringAt(adoptedResource, 'spec.kubernetes.group') ?? '';
  const kind = ackKindByGroupKind(group, stringAt(adoptedResource, 'spec.kubernetes.kind') ?? '');
  const nameOrID = stringAt(adoptedResource, 'spec.aws.nameOrID');
  if (!kind || !nameOrID) return undefined;
  const additional = (adoptedResource.spec?.['aws'] as { additionalKeys?: Record<string, string> } | undefined)?.additionalKeys ?? {};
  const identifiers: Record<string, string> = { [kind.primaryField]: nameOrID };
  for (const field of kind.additionalFields) if (typeof additional[field] === 'string') identifiers[field] = additional[field];
  const region = adoptedResource.metadata.annotations?.[ACK_ANNOTATIONS.region];
  const namespace = stringAt(adoptedResource, 'spec.kubernetes.metadata.namespace') ?? adoptedResource.metadata.namespace ?? 'default';
  return {
    ackKind: kindName(kind),
    keys: keysFor(kindName(kind), region, identifiers),
    namespace,
    targetName: stringAt(adoptedResource, 'spec.kubernetes.metadata.name') ?? adoptedResource.metadata.name,
    adoptedResourceName: adoptedResource.metadata.name,
  };
}

function keysFor(kind: AckKindName, region: string | undefined, identifiers: Record<string, string>): string[] {
  return region ? [targetKey(kind, region, identifiers)] : [targetKey(kind, undefined, identifiers)];
}

function kindName(kind: AckKind): AckKindName {
  return kind.kind as AckKindName;
}

export function parseAdoptionFields(text: string | undefined): Record<string, string> {
  if (!text) return {};
  try {
    const parsed = JSON.parse(text) as unknown;
    if (typeof parsed !== 'object' || parsed === null) return {};
    return Object.fromEntries(Object.entries(parsed).filter((entry): entry is [string, string] => typeof entry[1] === 'string'));
  } catch {
    return {};
  }
}
