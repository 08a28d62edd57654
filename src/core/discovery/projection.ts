// Keeps only what the plan reads of each old object (the paths named in the kinds table), so that memory stays
// small on clusters with many objects. Cleanup re-reads every object whole before it backs it up or changes it.
// Labels and annotations are kept only where something reads them: objects applied with kubectl carry their whole
// manifest in an annotation, which would otherwise double what every object costs.

import { valueAt, type KubeObject, type ObjectMeta } from '../../kube/objects.ts';
import { type AckKind, MANAGED_BY_LABEL } from '../model/ack-kinds.ts';
import { HOSTING_DEPLOYMENT_OWNER_LABELS, type OldKind } from '../model/kinds.ts';
import { OWNERSHIP_KEYS } from '../model/ownership.ts';

const LABELS_READ = new Set<string>([...Object.values(HOSTING_DEPLOYMENT_OWNER_LABELS), ...Object.keys(MANAGED_BY_LABEL), ...OWNERSHIP_KEYS.labels]);
const ANNOTATIONS_READ = new Set<string>(OWNERSHIP_KEYS.annotations);
/** ACK's annotations (services.k8s.aws/...) and this tool's own. */
const ANNOTATION_PREFIXES_READ = ['services.k8s.aws/', 'kubectl-sagemaker-migrate/'];

function keptLabel(key: string): boolean {
  return LABELS_READ.has(key);
}

function keptAnnotation(key: string): boolean {
  return ANNOTATIONS_READ.has(key) || ANNOTATION_PREFIXES_READ.some((prefix) => key.startsWith(prefix));
}

/** The entries whose keys are read, or undefined when none is. */
function readEntries(map: Record<string, string> | undefined, kept: (key: string) => boolean): Record<string, string> | undefined {
  if (!map) return undefined;
  let result: Record<string, string> | undefined;
  for (const [key, value] of Object.entries(map)) {
    if (kept(key)) (result ??= {})[key] = value;
  }
  return result;
}

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
  const { name, namespace, uid, resourceVersion, finalizers } = metadata;
  const labels = readEntries(metadata.labels, keptLabel);
  const annotations = readEntries(metadata.annotations, keptAnnotation);
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
