// Hands control to ACK after cleanup (pure decisions + one patch per object): removes the observe-only annotation
// from adopted ACK objects made by this tool, once no old object stands for their AWS resource any more. Safe by
// default: an object whose origin cannot be established, or that is not proven adopted, is kept.

import type { KubeClient } from '../kube/client.ts';
import { stringAt, type KubeObject } from '../kube/objects.ts';
import { ACK_ANNOTATIONS, ACK_KINDS, type AckKind } from './ack-kinds.ts';
import { observeAnnotationTarget } from './adoption-state.ts';
import type { Inventory } from './inventory.ts';
import { OLD_KINDS } from './kinds.ts';
import { originOf, regionlessKey, type Origin } from './origin.ts';
import { sourceRef, type DeletionPolicy } from './plan.ts';
import { targetsOf } from './targets.ts';

export interface HandoverItem {
  object: KubeObject;
  kind: AckKind;
  action: 'hand-over' | 'keep';
  reason: string;
}

export interface HandoverDecision {
  items: HandoverItem[];
  /** What could not be checked, said before anything is changed. */
  warnings: string[];
}

export function decideHandover(inventory: Inventory): HandoverDecision {
  const present = new Set(inventory.oldObjects.map((object) => sourceRef(object.kind, object.metadata.namespace, object.metadata.name)));
  const standingFor = oldObjectsByAwsIdentity(inventory.oldObjects);
  const items = inventory.ackObjects
    .filter((object) => inventory.scopeNamespace === undefined || object.metadata.namespace === inventory.scopeNamespace)
    .filter((object) => object.metadata.annotations?.[ACK_ANNOTATIONS.readOnly] === 'true')
    .flatMap((object): HandoverItem[] => {
      const origin = originOf(object, inventory.adoptedResources);
      if (!origin?.madeByThisTool) return [];
      return [{ object, kind: origin.kind, ...decide(object, origin, present, standingFor) }];
    });
  const warnings = inventory.cluster?.oldObjectsClusterWide === false
    ? [`old objects could be listed only in namespace ${inventory.scopeNamespace ?? 'default'}: one elsewhere that stands for the same AWS resource would not be seen`]
    : [];
  return { items, warnings };
}

function decide(object: KubeObject, origin: Origin, present: Set<string>, standingFor: Map<string, string[]>): Pick<HandoverItem, 'action' | 'reason'> {
  const keep = (reason: string) => ({ action: 'keep' as const, reason });
  const observation = observeAnnotationTarget(object, origin.kind, origin.expected);
  if (observation.state !== 'adopted') return keep(`not adopted (${observation.state}${observation.message ? `: ${observation.message}` : ''})`);
  if (origin.sources.length === 0) {
    return keep('origin unknown: neither it nor an AdoptedResource naming it says which old objects it was made for, so they cannot be checked');
  }
  const remaining = origin.sources.filter((source) => present.has(source));
  if (remaining.length > 0) return keep(`old object still present: ${remaining.join(', ')}; run cleanup first`);
  const identifiers = { ...origin.expected };
  for (const field of [origin.kind.primaryField, ...origin.kind.additionalFields]) {
    const value = stringAt(object, `spec.${field}`);
    if (value !== undefined) identifiers[field] = value;
  }
  const others = standingFor.get(regionlessKey(origin.kind, identifiers));
  if (others) return keep(`old object still stands for the same AWS resource: ${others.join(', ')}; run cleanup first`);
  return { action: 'hand-over', reason: `adopted, and its old objects are gone${observation.syncError ? ` (ACK reports a sync error: ${observation.syncError})` : ''}` };
}

/** Every AWS resource the old objects stand for (region aside), with the old objects that stand for it. */
function oldObjectsByAwsIdentity(oldObjects: KubeObject[]): Map<string, string[]> {
  const index = new Map<string, string[]>();
  for (const object of oldObjects) {
    const kind = OLD_KINDS.find((candidate) => candidate.kind === object.kind);
    if (!kind) continue;
    for (const target of targetsOf(kind, object)) {
      const key = regionlessKey(ACK_KINDS[target.ackKind], target.identifiers);
      index.set(key, [...(index.get(key) ?? []), sourceRef(object.kind, object.metadata.namespace, object.metadata.name)]);
    }
  }
  return index;
}

export async function handOver(item: HandoverItem, client: KubeClient, deletionPolicy: DeletionPolicy | undefined): Promise<void> {
  await client.mergePatch(item.kind, item.object.metadata.name, item.object.metadata.namespace, {
    metadata: {
      resourceVersion: item.object.metadata.resourceVersion,
      annotations: { [ACK_ANNOTATIONS.readOnly]: null, ...(deletionPolicy ? { [ACK_ANNOTATIONS.deletionPolicy]: deletionPolicy } : {}) },
    },
  });
}
