// Plain shapes of Kubernetes objects as the plugin reads them, and the resource coordinates used to address them.

export interface ObjectMeta {
  name: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  generation?: number;
  creationTimestamp?: string;
  deletionTimestamp?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  finalizers?: string[];
  ownerReferences?: Array<{ apiVersion: string; kind: string; name: string; uid: string }>;
  managedFields?: unknown[];
}

export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: ObjectMeta;
  spec?: Record<string, unknown>;
  status?: Record<string, unknown>;
  [key: string]: unknown;
}

export interface Condition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
  lastTransitionTime?: string;
}

/** Where a kind lives in the API: enough to build its URL paths. */
export interface ResourceType {
  group: string;
  version: string;
  kind: string;
  plural: string;
  namespaced: boolean;
}

export function apiVersionOf(type: ResourceType): string {
  return type.group === '' ? type.version : `${type.group}/${type.version}`;
}

/** Built-in kinds the plugin and its tests read or write. */
export const BUILTIN_TYPES = {
  namespace: { group: '', version: 'v1', kind: 'Namespace', plural: 'namespaces', namespaced: false },
  pod: { group: '', version: 'v1', kind: 'Pod', plural: 'pods', namespaced: true },
  deployment: { group: 'apps', version: 'v1', kind: 'Deployment', plural: 'deployments', namespaced: true },
  horizontalPodAutoscaler: { group: 'autoscaling', version: 'v2', kind: 'HorizontalPodAutoscaler', plural: 'horizontalpodautoscalers', namespaced: true },
  customResourceDefinition: { group: 'apiextensions.k8s.io', version: 'v1', kind: 'CustomResourceDefinition', plural: 'customresourcedefinitions', namespaced: false },
} as const satisfies Record<string, ResourceType>;

export function objectRef(object: KubeObject): string {
  const namespace = object.metadata.namespace;
  return namespace ? `${namespace}/${object.metadata.name}` : object.metadata.name;
}

/**
 * Orders Kubernetes names, `namespace/name` references and `Kind namespace/name` sources, for which code-point
 * order is the order localeCompare gives (test/unit/namespace-groups.test.ts). localeCompare's first call loads the
 * locale's collation: 10–35 ms measured, paid before adopt's first create.
 */
export function compareNames(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function conditionsOf(object: KubeObject): Condition[] {
  const conditions = object.status?.['conditions'];
  if (!Array.isArray(conditions)) return [];
  return conditions.filter(
    (c): c is Condition => typeof c === 'object' && c !== null && typeof c.type === 'string' && typeof c.status === 'string',
  );
}

export function findCondition(object: KubeObject, type: string): Condition | undefined {
  return conditionsOf(object).find((c) => c.type === type);
}

/** Reads a string at a dotted path (`status.endpointName`), or undefined when absent or not a non-empty string. */
export function stringAt(object: unknown, path: string): string | undefined {
  const value = valueAt(object, path);
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}

export function valueAt(object: unknown, path: string): unknown {
  let current: unknown = object;
  for (const key of keysOf(path)) {
    if (typeof current !== 'object' || current === null) return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

/**
 * The paths read are mostly the few dozen of the kinds tables, each read for every object: each is split once. Some
 * are made of field names an annotation gives, so only the first PATHS_KEPT are kept.
 */
const PATH_KEYS = new Map<string, string[]>();
const PATHS_KEPT = 256;

function keysOf(path: string): string[] {
  let keys = PATH_KEYS.get(path);
  if (keys === undefined) {
    keys = path.split('.');
    if (PATH_KEYS.size < PATHS_KEPT) PATH_KEYS.set(path, keys);
  }
  return keys;
}

export function isKubeObject(value: unknown): value is KubeObject {
  if (typeof value !== 'object' || value === null) return false;
  const candidate = value as Record<string, unknown>;
  const metadata = candidate['metadata'];
  return (
    typeof candidate['apiVersion'] === 'string' &&
    typeof candidate['kind'] === 'string' &&
    typeof metadata === 'object' &&
    metadata !== null &&
    typeof (metadata as Record<string, unknown>)['name'] === 'string'
  );
}
