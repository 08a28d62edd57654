// Keeps only what the plan reads of each old object (the paths named in the kinds table), so that memory stays
// small on clusters with many objects. Cleanup re-reads every object whole before it backs it up or changes it.

import { valueAt, type KubeObject, type ObjectMeta } from '../kube/objects.ts';
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

/** The metadata anything in the plan, status, adopt or handover reads; timestamps and managedFields are left out. */
function projectMetadata(metadata: ObjectMeta, keepResourceVersion: boolean): ObjectMeta {
  const { name, namespace, uid, resourceVersion, labels, annotations, finalizers } = metadata;
  return {
    name,
    ...(namespace !== undefined ? { namespace } : {}),
    ...(uid !== undefined ? { uid } : {}),
    ...(keepResourceVersion && resourceVersion !== undefined ? { resourceVersion } : {}),
    ...(labels ? { labels } : {}),
    ...(annotations ? { annotations } : {}),
    ...(finalizers ? { finalizers } : {}),
  };
}

function project(object: KubeObject, paths: string[], keepResourceVersion: boolean): KubeObject {
  const projected: KubeObject = { apiVersion: object.apiVersion, kind: object.kind, metadata: projectMetadata(object.metadata, keepResourceVersion) };
  for (const path of paths) {
    const value = valueAt(object, path);
    if (value !== undefined) setAt(projected as unknown as Record<string, unknown>, path, value);
  }
  return projected;
}

export function projectForPlan(kind: OldKind, object: KubeObject, withSpec = false): KubeObject {
  return project(object, withSpec ? ['spec', ...fieldsReadBy(kind)] : fieldsReadBy(kind), false);
}

/** ACK objects: identity (annotations or spec identifiers), adoption markers and conditions are all the plan reads. */
export function projectAckObject(kind: AckKind, object: KubeObject): KubeObject {
  return project(object, [...[kind.primaryField, ...kind.additionalFields].map((field) => `spec.${field}`), 'status.conditions', 'status.ackResourceMetadata'], true);
}
