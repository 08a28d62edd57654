// The status report (pure): every old object with its targets' adoption state, and ACK objects this tool made whose
// old objects are already gone (cleaned up).

import { compareNames, stringAt } from '../../kube/objects.ts';
import { ACK_ANNOTATIONS, ACK_KINDS } from '../model/ack-kinds.ts';
import { observeAnnotationTarget, type AdoptionState } from '../model/adoption-state.ts';
import type { Inventory } from '../discovery/inventory.ts';
import { AdoptedResourceMakers, originOf } from '../model/origin.ts';
import { sourceRef, type MigrationPlan } from '../plan/plan.ts';

export interface StatusTarget {
  ackKind: string;
  namespace: string;
  name: string;
  awsName: string;
  method: string | undefined;
  state: AdoptionState;
  synced?: string;
  /** ACK reports a problem syncing this adopted resource: not an adoption failure. */
  syncError?: string;
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
  /** Adoption state of each distinct ACK object. */
  summary: Record<AdoptionState, number>;
  /** Adopted objects whose ACK sync reports an error (counted as adopted in the summary). */
  syncErrors: number;
}

/** Counts with nothing in them, to add reports of namespace groups to. */
export function emptySummary(): Pick<StatusReport, 'summary' | 'syncErrors'> {
  return { summary: { adopted: 0, pending: 0, failed: 0, 'not-started': 0 }, syncErrors: 0 };
}

/** Adds the counts of a report on one group of namespaces (groups share no ACK object, so nothing is counted twice). */
export function addCounts(total: Pick<StatusReport, 'summary' | 'syncErrors'>, part: StatusReport): void {
  for (const state of Object.keys(total.summary) as AdoptionState[]) total.summary[state] += part.summary[state];
  total.syncErrors += part.syncErrors;
}

/** The row of an ACK object whose old objects are gone and whose origin cannot be read. */
export const UNKNOWN_SOURCE = '(old object unknown)';

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
        ...(target.syncError ? { syncError: target.syncError } : {}),
        ...(readOnly !== undefined ? { readOnly } : {}),
        ...(target.message ? { message: target.message } : {}),
      };
    }),
  }));
  for (const item of migratedRows(inventory, new Set(plan.sources.map((source) => sourceRef(source.kind, source.namespace, source.name))))) rows.push(item);
  const counts = emptySummary();
  const counted = new Set<string>();
  for (const row of rows) {
    for (const target of row.targets) {
      const id = `${target.ackKind}|${target.namespace}|${target.name}`;
      if (counted.has(id)) continue;
      counted.add(id);
      counts.summary[target.state] += 1;
      if (target.syncError) counts.syncErrors += 1;
    }
  }
  return { rows, ...counts };
}

/**
 * ACK objects made by this tool (in the run's namespace) whose old objects no longer exist: their migration is
 * finished. Their origin is read from the object, or from the AdoptedResource that made it.
 */
function migratedRows(inventory: Inventory, presentSources: Set<string>): StatusRow[] {
  const bySource = new Map<string, StatusTarget[]>();
  const makers = new AdoptedResourceMakers(inventory.adoptedResources);
  for (const object of inventory.ackObjects) {
    if (inventory.scopeNamespace !== undefined && object.metadata.namespace !== inventory.scopeNamespace) continue;
    const origin = originOf(object, makers);
    if (!origin?.madeByThisTool) continue;
    const sources = origin.sources.length > 0 ? origin.sources : [UNKNOWN_SOURCE];
    if (sources.some((source) => presentSources.has(source))) continue;
    const observation = observeAnnotationTarget(object, origin.kind, origin.expected);
    for (const source of sources) {
      const list = bySource.get(source) ?? [];
      list.push({
        ackKind: origin.kind.kind,
        namespace: object.metadata.namespace ?? 'default',
        name: object.metadata.name,
        awsName: origin.expected[origin.kind.primaryField] ?? stringAt(object, `spec.${origin.kind.primaryField}`) ?? '',
        method: undefined,
        state: observation.state,
        ...(observation.synced ? { synced: observation.synced } : {}),
        ...(observation.syncError ? { syncError: observation.syncError } : {}),
        readOnly: object.metadata.annotations?.[ACK_ANNOTATIONS.readOnly] === 'true',
        ...(observation.message ? { message: observation.message } : {}),
      });
      bySource.set(source, list);
    }
  }
  return [...bySource.entries()].sort(([a], [b]) => compareNames(a, b)).map(([source, targets]) => ({ source, oldObject: 'gone', targets }));
}
