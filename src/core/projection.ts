// Keeps only what the plan reads of each old object (the paths named in the kinds table), so that memory stays
// small on clusters with many objects. Cleanup re-reads every object whole before it backs it up or changes it.

import { valueAt, type KubeObject } from '../kube/objects.ts';
import type { AckKind } from './ack-kinds.ts';
import type { OldKind } from './kinds.ts';

export function fieldsReadBy(kind: OldKind): string[] {
  const paths = new Set<string>(['spec.region', kind.phasePath]);
  for (const rule of kind.targets) {
    for (const field of Object.values(rule.identifiers)) for (const path of field.paths ?? []) paths.add(path);
    if (rule.forEach) {
      paths.add(rule.forEach.list);
      if (rule.forEach.fallbackList) paths.add(rule.forEach.fallbackList.path);
    }
  }
  return [...paths];
}

function setAt(target: Record<string, unknown>, path: string, value: unknown): void {
  const keys = path.split('.');
  let node = target;
  for (const key of keys.slice(0, -1)) {
    node[key] ??= {};
    node = node[key] as Record<string, unknown>;
  }
  node[keys.at(-1)!] = value;
}

function project(object: KubeObject, paths: string[]): KubeObject {
  const { managedFields: _managedFields, ...metadata } = object.metadata;
  const projected: KubeObject = { apiVersion: object.apiVersion, kind: object.kind, metadata };
  for (const path of paths) {
    const value = valueAt(object, path);
    if (value !== undefined) setAt(projected as unknown as Record<string, unknown>, path, value);
  }
  return projected;
}

export function projectForPlan(kind: OldKind, object: KubeObject, withSpec = false): KubeObject {
  return project(object, withSpec ? ['spec', ...fieldsReadBy(kind)] : fieldsReadBy(kind));
}

/** ACK objects: identity (annotations or spec identifiers), adoption markers and conditions are all the plan reads. */
export function projectAckObject(kind: AckKind, object: KubeObject): KubeObject {
  return project(object, [...[kind.primaryField, ...kind.additionalFields].map((field) => `spec.${field}`), 'status.conditions', 'status.ackResourceMetadata']);
}
