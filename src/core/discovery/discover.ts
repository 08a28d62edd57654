// Reads what the plan needs from a cluster: old objects, existing ACK objects, controllers, and missing rights.

import type { AccessCheck, KubeClient } from '../../kube/client.ts';
import { favourMemoryOverSpeed } from '../../lean-memory.ts';
import { ForbiddenError } from '../../errors.ts';
import { BUILTIN_TYPES, stringAt, type KubeObject, type ResourceType } from '../../kube/objects.ts';
import { ACK_CORE_GROUP, ACK_KINDS, ADOPTED_RESOURCE_TYPE, AUTOSCALING_GROUP, SAGEMAKER_GROUP, type AckKindName } from '../model/ack-kinds.ts';
import { findAckControllers, findOldOperators, type DeploymentFacts } from './controllers.ts';
import type { ClusterFacts, Inventory, MissingPermission } from './inventory.ts';
import { OLD_GROUP, OLD_KINDS, OLD_VERSION, type OldKind } from '../model/kinds.ts';
import { groupInventory, NamespaceLinks, NamespaceRelevance } from './namespace-groups.ts';
import { projectAckObject, projectForPlan } from './projection.ts';
import { targetsOf } from '../model/targets.ts';
import { deniedAccess } from './access.ts';

export interface Scope {
  /** undefined means all namespaces. */
  namespace: string | undefined;
  labelSelector?: string | undefined;
  kinds?: OldKind[] | undefined;
  /** Keep each old object's whole spec, to translate it into the ACK spec; otherwise only the fields the plan reads. */
  withSpecs?: boolean;
  /** Read old objects in every namespace (where allowed), not only the scope: handover checks them all. */
  oldObjectsEverywhere?: boolean;
  /** Ask which creates adopt may send (access reviews per namespace): only plan and adopt report them. */
  createRights?: boolean;
}

const DEPLOYMENT_TYPE = BUILTIN_TYPES.deployment;
const ACK_KIND_NAMES = Object.keys(ACK_KINDS) as AckKindName[];
/** One SelfSubjectAccessReview per namespace and resource: dozens over a large cluster, asked for together. */
const ACCESS_REVIEWS_IN_FLIGHT = 16;
const POD_TYPE = BUILTIN_TYPES.pod;

interface ServedTypes {
  oldKinds: OldKind[];
  ackKinds: AckKindName[];
  adoptedResourceCrdServed: boolean;
}

async function servedTypes(client: KubeClient, scope: Scope): Promise<ServedTypes> {
  const [servedOld, servedSageMaker, servedAutoscaling, servedCore] = await Promise.all([
    servedPlurals(client, OLD_GROUP, OLD_VERSION),
    servedPlurals(client, SAGEMAKER_GROUP, 'v1alpha1'),
    servedPlurals(client, AUTOSCALING_GROUP, 'v1alpha1'),
    servedPlurals(client, ACK_CORE_GROUP, 'v1alpha1'),
  ]);
  return {
    oldKinds: (scope.kinds ?? OLD_KINDS).filter((kind) => servedOld.has(kind.plural)),
    ackKinds: ACK_KIND_NAMES.filter((name) => {
      const kind = ACK_KINDS[name];
      return (kind.group === SAGEMAKER_GROUP ? servedSageMaker : servedAutoscaling).has(kind.plural);
    }),
    adoptedResourceCrdServed: servedCore.has(ADOPTED_RESOURCE_TYPE.plural),
  };
}

async function clusterFacts(client: KubeClient, scope: Scope, contextName: string, served: ServedTypes, clusterWide: { ack: boolean; old: boolean }, oldObjects: KubeObject[], deploymentsRead = deploymentFacts(client)): Promise<ClusterFacts> {
  const [{ deployments, deploymentsKnown }, missingPermissions] = await Promise.all([
    deploymentsRead,
    scope.createRights === false ? [] : missingCreatePermissions(client, oldObjects, served.ackKinds, served.adoptedResourceCrdServed),
  ]);
  return {
    contextName,
    deploymentsKnown,
    oldOperators: findOldOperators(deployments),
    ackControllers: findAckControllers(deployments),
    servedAckKinds: served.ackKinds,
    adoptedResourceCrdServed: served.adoptedResourceCrdServed,
    ackObjectsClusterWide: clusterWide.ack,
    oldObjectsClusterWide: clusterWide.old,
    missingPermissions,
  };
}

/** How each old object of `kind` is kept: what the plan reads, and the whole spec when it is translated. */
function oldProjection(kind: OldKind, scope: Pick<Scope, 'withSpecs'>): (object: KubeObject) => KubeObject {
  return (object) => projectForPlan(kind, object, scope.withSpecs ?? false);
}

function ackProjection(name: AckKindName): (object: KubeObject) => KubeObject {
  return (object) => projectAckObject(ACK_KINDS[name], object);
}

export async function discover(client: KubeClient, scope: Scope, contextName: string): Promise<Inventory> {
  const served = await servedTypes(client, scope);
  // Asked for while the objects are read; a failure is raised where it is awaited, in clusterFacts.
  const deploymentsRead = askedNow(deploymentFacts(client));
  const oldObjects: KubeObject[] = [];
  let oldObjectsClusterWide = true;
  for (const kind of served.oldKinds) {
    const listed = await listWidely(client, kind, scope.oldObjectsEverywhere ? undefined : scope.namespace, scope.namespace, { labelSelector: scope.labelSelector, project: oldProjection(kind, scope) });
    oldObjectsClusterWide &&= listed.clusterWide;
    for (const item of listed.items) oldObjects.push(item);
  }
  // One AWS resource must never get two ACK objects, so existing ones are looked up in every namespace, whatever the
  // scope of the run, wherever the user may list them. A run on one namespace keeps only those its plan can read.
  const relevance = scope.namespace !== undefined && !scope.oldObjectsEverywhere ? new NamespaceRelevance(scope.namespace, oldObjects) : undefined;
  let ackObjectsClusterWide = true;
  const adoptedResources: KubeObject[] = [];
  if (served.adoptedResourceCrdServed) {
    const listed = await listWidely(client, ADOPTED_RESOURCE_TYPE, undefined, scope.namespace, { keep: relevance && ((object) => relevance.keepsAdoptedResource(object)) });
    ackObjectsClusterWide &&= listed.clusterWide;
    for (const item of listed.items) adoptedResources.push(item);
  }
  const ackObjects: KubeObject[] = [];
  // Most ACK kinds have no object at all: their lists are asked for together, and kept in the kinds' order.
  const ackLists = await Promise.all(served.ackKinds.map((name) => listWidely(client, ACK_KINDS[name], undefined, scope.namespace, {
    keep: relevance && ((object) => relevance.keepsAckObject(object)),
    project: ackProjection(name),
  })));
  for (const listed of ackLists) {
    ackObjectsClusterWide &&= listed.clusterWide;
    for (const item of listed.items) ackObjects.push(item);
  }
  const cluster = await clusterFacts(client, scope, contextName, served, { ack: ackObjectsClusterWide, old: oldObjectsClusterWide }, oldObjects, deploymentsRead);
  return { oldObjects, ackObjects, adoptedResources, cluster, scopeNamespace: scope.namespace };
}

/** Below this many objects a cluster is held whole and read once; above, each namespace group is read again. */
export const HELD_WHOLE_AT_MOST = 10_000;

/**
 * An all-namespaces discovery, one group of namespaces at a time (namespace-groups.ts), so that a cluster with tens of
 * thousands of objects is never held whole. A first pass reads every object once, keeping what ties namespaces
 * together and which kinds each namespace holds, and the objects themselves only while they number at most
 * `holdAtMost`. Beyond that, each group is read again: an object created between the two reads may then be missed
 * by this run, which can only make it keep or report less, never remove more.
 */
export async function* discoverByNamespaceGroup(client: KubeClient, scope: Omit<Scope, 'namespace'>, contextName: string, holdAtMost = HELD_WHOLE_AT_MOST): AsyncGenerator<Inventory> {
  const everywhere: Scope = { ...scope, namespace: undefined };
  // Every type the run may read is listed at once with the question which of them are served: one round trip less
  // before the lists (about 35 ms of adopt's). The list of a type not served ends in 404, or is dropped unseen.
  const servedAnswer = askedNow(servedTypes(client, everywhere));
  const ifServed = async (isServed: (served: ServedTypes) => boolean, reading: Promise<KubeObject[]>): Promise<KubeObject[]> => {
    askedNow(reading);
    return isServed(await servedAnswer) ? await reading : [];
  };
  const asIs = (object: KubeObject): KubeObject => object;

  const links = new NamespaceLinks();
  const holders = new Map<ResourceType, Set<string>>();
  let held: Pick<Inventory, 'oldObjects' | 'ackObjects' | 'adoptedResources'> | undefined = { oldObjects: [], ackObjects: [], adoptedResources: [] };
  let count = 0;
  /** Objects the lists' first pages announced: a cluster known to be too large is never held, not even in part. */
  let announced = 0;
  const letGo = (): void => {
    held = undefined;
    favourMemoryOverSpeed();
  };
  /** Reads every object of a type once, linking it; returns the projected objects while the cluster is held whole. */
  const read = async (type: ResourceType, link: (object: KubeObject) => void, project: (object: KubeObject) => KubeObject, labelSelector?: string): Promise<KubeObject[]> => {
    const namespaces = new Set<string>();
    const kept: KubeObject[] = [];
    const onSize = (objects: number): void => {
      if (held && (announced += objects) > holdAtMost) letGo();
    };
    for await (const object of client.list(type, { labelSelector, onSize })) {
      link(object);
      namespaces.add(object.metadata.namespace ?? 'default');
      if (held && (count += 1) > holdAtMost) letGo();
      if (held) kept.push(project(object));
      else if (kept.length > 0) kept.length = 0;
    }
    holders.set(type, namespaces);
    return held ? kept : [];
  };
  const keep = (into: KubeObject[] | undefined, objects: KubeObject[]): void => {
    for (const object of objects) into?.push(object);
  };
  // Every type is read at once (most ACK kinds have no object at all), and kept in the types' order: the groups do
  // not depend on the order objects are linked in. The facts that hold cluster-wide (controllers, served kinds, even
  // when there is no object at all) need none of the objects: they are asked for meanwhile.
  const deploymentsRead = askedNow(deploymentFacts(client));
  const [oldObjects, ackObjects, adoptedResources, served, cluster] = await Promise.all([
    Promise.all((everywhere.kinds ?? OLD_KINDS).map((kind) => ifServed(
      (served) => served.oldKinds.includes(kind),
      read(kind, (object) => links.addOldObject(object), oldProjection(kind, scope), scope.labelSelector),
    ))),
    Promise.all(ACK_KIND_NAMES.map((name) => ifServed(
      (served) => served.ackKinds.includes(name),
      read(ACK_KINDS[name], (object) => links.addAckObject(object), ackProjection(name)),
    ))),
    ifServed((served) => served.adoptedResourceCrdServed, read(ADOPTED_RESOURCE_TYPE, (object) => links.addAdoptedResource(object), asIs)),
    servedAnswer,
    servedAnswer.then((served) => clusterFacts(client, { ...everywhere, createRights: false }, contextName, served, { ack: true, old: true }, [], deploymentsRead)),
  ]);
  for (const objects of oldObjects) keep(held?.oldObjects, objects);
  for (const objects of ackObjects) keep(held?.ackObjects, objects);
  keep(held?.adoptedResources, adoptedResources);
  const clusterWideAnswers = new Map<string, Promise<boolean>>();
  const withRights = async (group: Inventory): Promise<Inventory> => {
    if (scope.createRights === false) return group;
    return { ...group, cluster: { ...cluster, missingPermissions: await missingCreatePermissions(client, group.oldObjects, served.ackKinds, served.adoptedResourceCrdServed, clusterWideAnswers) } };
  };
  const groups = links.groups();
  if (groups.length === 0) {
    yield await withRights({ oldObjects: [], ackObjects: [], adoptedResources: [], cluster, scopeNamespace: undefined });
    return;
  }
  if (held) {
    const whole = held;
    held = undefined;
    for (const group of groupInventory({ ...whole, cluster, scopeNamespace: undefined }, groups)) yield await withRights(group);
    return;
  }
  for (const namespaces of groups) {
    const readInto = async (into: KubeObject[], type: ResourceType, project: (object: KubeObject) => KubeObject, labelSelector?: string): Promise<void> => {
      for (const namespace of namespaces.filter((candidate) => holders.get(type)?.has(candidate))) {
        for await (const object of client.list(type, { namespace, labelSelector })) into.push(project(object));
      }
    };
    const group: Inventory = { oldObjects: [], ackObjects: [], adoptedResources: [], cluster, scopeNamespace: undefined };
    for (const kind of served.oldKinds) await readInto(group.oldObjects, kind, oldProjection(kind, scope), scope.labelSelector);
    for (const name of served.ackKinds) await readInto(group.ackObjects, ACK_KINDS[name], ackProjection(name));
    if (served.adoptedResourceCrdServed) await readInto(group.adoptedResources, ADOPTED_RESOURCE_TYPE, asIs);
    yield await withRights(group);
  }
}

/**
 * Lists in `wide` (undefined: all namespaces); without the right to, lists in `fallback` instead and says so. A
 * fallback of undefined (an all-namespaces run) has nothing narrower to fall back to: the 403 stands. Each object is
 * kept or not, and projected, as its page arrives, so that only one page of whole objects is ever held.
 */
async function listWidely(
  client: KubeClient,
  type: ResourceType,
  wide: string | undefined,
  fallback: string | undefined,
  options: { labelSelector?: string | undefined; keep?: ((object: KubeObject) => boolean) | undefined; project?: (object: KubeObject) => KubeObject } = {},
): Promise<{ items: KubeObject[]; clusterWide: boolean }> {
  const project = options.project ?? ((object: KubeObject) => object);
  const keep = options.keep ?? (() => true);
  const items: KubeObject[] = [];
  try {
    for await (const object of client.list(type, { namespace: wide, labelSelector: options.labelSelector })) if (keep(object)) items.push(project(object));
    return { items, clusterWide: wide === undefined };
  } catch (error) {
    if (!(error instanceof ForbiddenError) || wide !== undefined || fallback === undefined) throw error;
  }
  items.length = 0;
  for await (const object of client.list(type, { namespace: fallback, labelSelector: options.labelSelector })) if (keep(object)) items.push(project(object));
  return { items, clusterWide: false };
}

/** An answer asked for now and awaited later: a failure is raised where it is awaited, or not at all if never needed. */
function askedNow<T>(answer: Promise<T>): Promise<T> {
  answer.catch(() => undefined);
  return answer;
}

async function servedPlurals(client: KubeClient, group: string, version: string): Promise<Set<string>> {
  const resources = await client.groupVersionResources(group, version);
  return new Set((resources ?? []).map((resource) => resource.name));
}

/** Deployments of interest with their live pods; without cluster-wide list rights the facts are marked unknown. */
export async function deploymentFacts(client: KubeClient): Promise<{ deployments: DeploymentFacts[]; deploymentsKnown: boolean }> {
  let all: KubeObject[];
  try {
    all = await client.listAll(DEPLOYMENT_TYPE);
  } catch (error) {
    if (error instanceof ForbiddenError) return { deployments: [], deploymentsKnown: false };
    throw error;
  }
  const facts = all.map(toDeploymentFacts);
  const relevant = [...findOldOperators(facts), ...findAckControllers(facts)];
  for (const fact of facts) {
    if (!relevant.some((install) => install.namespace === fact.namespace && install.name === fact.name)) continue;
    const deployment = all.find((candidate) => candidate.metadata.namespace === fact.namespace && candidate.metadata.name === fact.name)!;
    const selector = matchLabelsSelector(deployment);
    if (!selector) continue;
    try {
      const pods = await client.listAll(POD_TYPE, { namespace: fact.namespace, labelSelector: selector });
      fact.livePods = pods.filter((pod) => !['Succeeded', 'Failed'].includes(stringAt(pod, 'status.phase') ?? '')).length;
      fact.podsKnown = true;
    } catch (error) {
      if (!(error instanceof ForbiddenError)) throw error;
    }
  }
  return { deployments: facts, deploymentsKnown: true };
}

function toDeploymentFacts(deployment: KubeObject): DeploymentFacts {
  const template = (deployment.spec?.['template'] as { spec?: { containers?: Array<Record<string, unknown>> } } | undefined)?.spec;
  const containers = (template?.containers ?? []).map((container) => ({
    name: String(container['name'] ?? ''),
    image: String(container['image'] ?? ''),
    args: [...asStrings(container['command']), ...asStrings(container['args'])],
    env: Object.fromEntries(
      (Array.isArray(container['env']) ? (container['env'] as Array<{ name?: string; value?: string }>) : [])
        .filter((entry) => typeof entry.name === 'string')
        .map((entry) => [entry.name!, entry.value ?? '']),
    ),
  }));
  const replicas = deployment.spec?.['replicas'];
  return {
    namespace: deployment.metadata.namespace ?? 'default',
    name: deployment.metadata.name,
    containers,
    replicas: typeof replicas === 'number' ? replicas : 1,
    livePods: Number(deployment.status?.['replicas'] ?? 0),
    podsKnown: false,
  };
}

function asStrings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];
}

function matchLabelsSelector(deployment: KubeObject): string | undefined {
  const matchLabels = (deployment.spec?.['selector'] as { matchLabels?: Record<string, string> } | undefined)?.matchLabels;
  if (!matchLabels || Object.keys(matchLabels).length === 0) return undefined;
  return Object.entries(matchLabels).map(([key, value]) => `${key}=${value}`).join(',');
}

/**
 * Asks the API server (SelfSubjectAccessReview), per namespace with something to adopt, about the creates adopt may
 * send: the ACK kinds (annotation adoption) and, where the CRD is served, AdoptedResources. The plan keeps those its
 * chosen methods need.
 */
async function missingCreatePermissions(client: KubeClient, oldObjects: KubeObject[], servedAckKinds: AckKindName[], adoptedResourceCrdServed: boolean, clusterWideAnswers?: Map<string, Promise<boolean>>): Promise<MissingPermission[]> {
  const needed = new Map<string, AccessCheck>();
  const need = (type: { group: string; plural: string }, namespace: string): void => {
    needed.set(`${namespace}|${type.plural}.${type.group}`, { verb: 'create', group: type.group, resource: type.plural, namespace });
  };
  for (const object of oldObjects) {
    const kind = OLD_KINDS.find((candidate) => candidate.kind === object.kind);
    if (!kind) continue;
    const namespace = object.metadata.namespace ?? 'default';
    for (const target of targetsOf(kind, object)) {
      if (!servedAckKinds.includes(target.ackKind)) continue;
      need(ACK_KINDS[target.ackKind], namespace);
      if (adoptedResourceCrdServed) need(ADOPTED_RESOURCE_TYPE, namespace);
    }
  }
  const denied = await deniedAccess(client, [...needed.values()], ACCESS_REVIEWS_IN_FLIGHT, clusterWideAnswers);
  return denied.map(({ group, resource, namespace }) => ({ verb: 'create' as const, resource: `${resource}.${group}`, namespace: namespace! }));
}
