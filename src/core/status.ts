// The status report (pure): every old object with its targets' adoption state, and ACK objects this tool made whose
// old objects are already gone (cleaned up).

import type { KubeObject } from '../kube/objects.ts';
import { ACK_ANNOTATIONS, ACK_KINDS, ackKindByGroupKind } from './ack-kinds.ts';
import { observeAnnotationTarget, parseAdoptionFields, type AdoptionState } from './adoption-state.ts';
import type { Inventory } from './inventory.ts';
import { MANAGED_BY_LABEL, SOURCES_ANNOTATION } from './manifests.ts';
import { sourceRef, type MigrationPlan } from './plan.ts';

export interface StatusTarget {
  ackKind: string;
  namespace: string;
  name: string;
  awsName: string;
  method: string | undefined;
  state: AdoptionState;
  synced?: string;
  readOnly?: boolean;
  message?: string;
}

export interface StatusRow {
  source: string;
  oldObject: 'present' | 'gone';
  phase?: string;
  note?: string;
  targets: StatusTarget[];
}

export interface StatusReport {
  rows: StatusRow[];
  summary: Record<AdoptionState, number>;
}

export function buildStatus(plan: MigrationPlan, inventory: Inventory): StatusReport {
  const targets = new Map(plan.targets.map((target) => [target.key, target]));
  const readOnlyByName = new Map(inventory.ackObjects.map((object) => [`${object.kind}|${object.metadata.namespace}|${object.metadata.name}`, object.metadata.annotations?.[ACK_ANNOTATIONS.readOnly] === 'true']));
  const rows: StatusRow[] = plan.sources.map((source) => ({
    source: sourceRef(source.kind, source.namespace, source.name),
    oldObject: 'present',
    ...(source.phase ? { phase: source.phase } : {}),
    ...(source.note ? { note: source.note } : {}),
    targets: source.targetKeys.map((key) => {
      const target = targets.get(key)!;
      const readOnly = readOnlyByName.get(`${ACK_KINDS[target.ackKind].kind}|${target.namespace}|${target.name}`);
      return {
        ackKind: target.ackKind,
        namespace: target.namespace,
        name: target.name,
        awsName: target.awsName,
        method: target.method,
        state: target.state,
        ...(target.synced ? { synced: target.synced } : {}),
        ...(readOnly !== undefined ? { readOnly } : {}),
        ...(target.message ? { message: target.message } : {}),
      };
    }),
  }));
  rows.push(...migratedRows(inventory.ackObjects, new Set(plan.sources.map((source) => sourceRef(source.kind, source.namespace, source.name)))));
  const summary: Record<AdoptionState, number> = { adopted: 0, pending: 0, failed: 0, 'not-started': 0 };
  const counted = new Set<string>();
  for (const row of rows) {
    for (const target of row.targets) {
      const id = `${target.ackKind}|${target.namespace}|${target.name}`;
      if (counted.has(id)) continue;
      counted.add(id);
      summary[target.state] += 1;
    }
  }
  return { rows, summary };
}

/** ACK objects made by this tool whose old objects no longer exist: the migration of those is finished. */
function migratedRows(ackObjects: KubeObject[], presentSources: Set<string>): StatusRow[] {
  const bySource = new Map<string, StatusTarget[]>();
  for (const object of ackObjects) {
    if (object.metadata.labels?.['app.kubernetes.io/managed-by'] !== MANAGED_BY_LABEL['app.kubernetes.io/managed-by']) continue;
    const kind = ackKindByGroupKind(object.apiVersion.split('/')[0] ?? '', object.kind);
    if (!kind) continue;
    const sources = (object.metadata.annotations?.[SOURCES_ANNOTATION] ?? '').split(', ').filter(Boolean);
    const observation = observeAnnotationTarget(object, kind);
    for (const source of sources.filter((candidate) => !presentSources.has(candidate))) {
      const list = bySource.get(source) ?? [];
      list.push({
        ackKind: kind.kind,
        namespace: object.metadata.namespace ?? 'default',
        name: object.metadata.name,
        awsName: parseAdoptionFields(object.metadata.annotations?.[ACK_ANNOTATIONS.adoptionFields])[kind.primaryField] ?? '',
        method: undefined,
        state: observation.state,
        ...(observation.synced ? { synced: observation.synced } : {}),
        readOnly: object.metadata.annotations?.[ACK_ANNOTATIONS.readOnly] === 'true',
        ...(observation.message ? { message: observation.message } : {}),
      });
      bySource.set(source, list);
    }
  }
  return [...bySource.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([source, targets]) => ({ source, oldObject: 'gone', targets }));
}
