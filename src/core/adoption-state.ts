// Reads whether an AWS resource is adopted from the ACK objects in the cluster (pure), for both adoption methods.

import { findCondition, stringAt, type KubeObject } from '../kube/objects.ts';
import { ACK_ANNOTATIONS, ackFinalizer, ackKindByGroupKind, type AckKind, type AckKindName } from './ack-kinds.ts';
import { targetKey } from './targets.ts';

export type AdoptionState = 'adopted' | 'pending' | 'failed' | 'not-started';

export interface Observation {
  state: AdoptionState;
  /** The controller's words, when it said anything. */
  message?: string;
  /** ACK.ResourceSynced of the ACK object, when present. */
  synced?: string;
}

function withSync(observation: Observation, synced: string | undefined): Observation {
  return synced ? { ...observation, synced } : observation;
}

export function observeAnnotationTarget(object: KubeObject | undefined, kind: AckKind): Observation {
  if (!object) return { state: 'not-started' };
  const synced = findCondition(object, 'ACK.ResourceSynced')?.status;
  const terminal = findCondition(object, 'ACK.Terminal');
  if (terminal?.status === 'True') return withSync({ state: 'failed', message: `ACK.Terminal: ${terminal.message ?? terminal.reason ?? 'terminal'}` }, synced);
  const recoverable = findCondition(object, 'ACK.Recoverable');
  if (recoverable?.status === 'True') return withSync({ state: 'failed', message: `ACK.Recoverable: ${recoverable.message ?? recoverable.reason ?? 'recoverable error'}` }, synced);
  const adopted = object.metadata.annotations?.[ACK_ANNOTATIONS.adopted] === 'true';
  const managed = (object.metadata.finalizers ?? []).includes(ackFinalizer(kind));
  if (adopted && managed) return withSync({ state: 'adopted' }, synced);
  return withSync({ state: 'pending', message: adopted ? 'adopted annotation set, ACK finalizer missing' : 'waiting for the ACK controller' }, synced);
}

export function observeAdoptedResource(adoptedResource: KubeObject | undefined, target: KubeObject | undefined): Observation {
  if (!adoptedResource) {
    // A target created some other way (or whose AdoptedResource was deleted after adoption) still counts when ACK manages it.
    if (target) {
      const kind = ackKindByGroupKind(target.apiVersion.split('/')[0] ?? '', target.kind);
      if (kind && (target.metadata.finalizers ?? []).includes(ackFinalizer(kind))) {
        return withSync({ state: 'adopted' }, findCondition(target, 'ACK.ResourceSynced')?.status);
      }
    }
    return { state: 'not-started' };
  }
  const synced = target ? findCondition(target, 'ACK.ResourceSynced')?.status : undefined;
  const condition = findCondition(adoptedResource, 'ACK.Adopted');
  if (condition?.status === 'True') {
    return withSync(target ? { state: 'adopted' } : { state: 'pending', message: 'ACK.Adopted is True but the target object is missing' }, synced);
  }
  if (condition?.status === 'False') return withSync({ state: 'failed', message: `ACK.Adopted: ${condition.message ?? 'False'}` }, synced);
  return withSync({ state: 'pending', message: 'waiting for the ACK controller (no ACK.Adopted condition yet)' }, synced);
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
