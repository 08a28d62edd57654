// Hands control to ACK after cleanup (pure decisions + one patch per object): removes the observe-only annotation
// from adopted ACK objects made by this tool, once none of the old objects they came from exists any more.

import type { KubeClient } from '../kube/client.ts';
import type { KubeObject } from '../kube/objects.ts';
import { ACK_ANNOTATIONS, ackKindByGroupKind } from './ack-kinds.ts';
import { observeAnnotationTarget } from './adoption-state.ts';
import type { Inventory } from './inventory.ts';
import { MANAGED_BY_LABEL, SOURCES_ANNOTATION } from './manifests.ts';
import { sourceRef, type DeletionPolicy } from './plan.ts';

export interface HandoverItem {
  object: KubeObject;
  action: 'hand-over' | 'keep';
  reason: string;
}

export function decideHandover(inventory: Inventory): HandoverItem[] {
  const present = new Set(inventory.oldObjects.map((object) => sourceRef(object.kind, object.metadata.namespace, object.metadata.name)));
  return inventory.ackObjects
    .filter((object) => object.metadata.labels?.['app.kubernetes.io/managed-by'] === MANAGED_BY_LABEL['app.kubernetes.io/managed-by'])
    .filter((object) => object.metadata.annotations?.[ACK_ANNOTATIONS.readOnly] === 'true')
    .map((object): HandoverItem => {
      const kind = ackKindByGroupKind(object.apiVersion.split('/')[0] ?? '', object.kind)!;
      const observation = observeAnnotationTarget(object, kind);
      if (observation.state !== 'adopted') return { object, action: 'keep', reason: `not adopted (${observation.state})` };
      const remaining = (object.metadata.annotations?.[SOURCES_ANNOTATION] ?? '').split(', ').filter((source) => present.has(source));
      if (remaining.length > 0) return { object, action: 'keep', reason: `old object still present: ${remaining.join(', ')}; run cleanup first` };
      return { object, action: 'hand-over', reason: 'adopted, and its old objects are gone' };
    });
}

export async function handOver(item: HandoverItem, client: KubeClient, deletionPolicy: DeletionPolicy | undefined): Promise<void> {
  const kind = ackKindByGroupKind(item.object.apiVersion.split('/')[0] ?? '', item.object.kind)!;
  await client.mergePatch(kind, item.object.metadata.name, item.object.metadata.namespace, {
    metadata: {
      resourceVersion: item.object.metadata.resourceVersion,
      annotations: { [ACK_ANNOTATIONS.readOnly]: null, ...(deletionPolicy ? { [ACK_ANNOTATIONS.deletionPolicy]: deletionPolicy } : {}) },
    },
  });
}
