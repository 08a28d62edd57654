// Watches (does not poll) the ACK objects of a plan until every target is adopted or failed, or the timeout passes.

import { setMaxListeners } from 'node:events';
import type { KubeClient } from '../kube/client.ts';
import type { KubeObject, ResourceType } from '../kube/objects.ts';
import { ACK_KINDS, ADOPTED_RESOURCE_TYPE } from './ack-kinds.ts';
import { observeAdoptedResource, observeAnnotationTarget, type Observation } from './adoption-state.ts';
import type { MigrationPlan, PlannedTarget } from './plan.ts';

export interface WaitOptions {
  timeoutMs: number;
  onChange?: (target: PlannedTarget, observation: Observation) => void;
}

export interface WaitResult {
  observations: Map<string, Observation>;
  timedOut: boolean;
}

type ObjectCache = Map<string, KubeObject>;

function cacheKey(type: ResourceType, namespace: string, name: string): string {
  return `${type.plural}.${type.group}|${namespace}|${name}`;
}

export function observe(target: PlannedTarget, cache: ObjectCache): Observation {
  const kind = ACK_KINDS[target.ackKind];
  const object = cache.get(cacheKey(kind, target.namespace, target.name));
  if (target.method === 'adopted-resource') {
    const adoptedResource = cache.get(cacheKey(ADOPTED_RESOURCE_TYPE, target.namespace, target.adoptedResourceName ?? target.name));
    return observeAdoptedResource(adoptedResource, object);
  }
  return observeAnnotationTarget(object, kind);
}

const settled = (observation: Observation): boolean => observation.state === 'adopted' || observation.state === 'failed';

export async function waitForAdoption(plan: MigrationPlan, client: KubeClient, options: WaitOptions): Promise<WaitResult> {
  const cache: ObjectCache = new Map();
  const observations = new Map<string, Observation>();
  const watched = new Map<string, { type: ResourceType; namespace: string }>();
  for (const target of plan.targets) {
    const kind = ACK_KINDS[target.ackKind];
    watched.set(`${kind.plural}|${target.namespace}`, { type: kind, namespace: target.namespace });
    if (target.method === 'adopted-resource') {
      watched.set(`${ADOPTED_RESOURCE_TYPE.plural}|${target.namespace}`, { type: ADOPTED_RESOURCE_TYPE, namespace: target.namespace });
    }
  }

  const controller = new AbortController();
  // One signal ends every watch; with many namespaces that is many listeners, which is expected here.
  setMaxListeners(0, controller.signal);
  let finish: () => void = () => undefined;
  const allSettled = new Promise<void>((resolve) => (finish = resolve));
  const recompute = (): void => {
    for (const target of plan.targets) {
      const observation = observe(target, cache);
      const previous = observations.get(target.key);
      if (!previous || previous.state !== observation.state || previous.message !== observation.message) {
        observations.set(target.key, observation);
        options.onChange?.(target, observation);
      }
    }
    if (plan.targets.every((target) => settled(observations.get(target.key)!))) finish();
  };

  const watchers = [...watched.values()].map(({ type, namespace }) =>
    watchInto(client, type, namespace, cache, recompute, controller.signal),
  );
  let timer: NodeJS.Timeout | undefined;
  const timedOut = await Promise.race([
    allSettled.then(() => false),
    new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(true), options.timeoutMs))),
    Promise.all(watchers).then(() => false),
  ]);
  clearTimeout(timer);
  controller.abort();
  await Promise.allSettled(watchers);
  if (plan.targets.length === 0) return { observations, timedOut: false };
  return { observations, timedOut };
}

async function watchInto(
  client: KubeClient,
  type: ResourceType,
  namespace: string,
  cache: ObjectCache,
  onUpdate: () => void,
  signal: AbortSignal,
): Promise<void> {
  while (!signal.aborted) {
    const snapshot = await client.listSnapshot(type, { namespace });
    for (const item of snapshot.items) cache.set(cacheKey(type, namespace, item.metadata.name), item);
    onUpdate();
    let resourceVersion = snapshot.resourceVersion;
    let expired = false;
    while (!signal.aborted && !expired) {
      try {
        for await (const event of client.watch(type, { namespace, resourceVersion, timeoutSeconds: 60 }, signal)) {
          if (event.type === 'ERROR') {
            expired = true; // 410 Gone: the resourceVersion is too old; list again
            break;
          }
          resourceVersion = event.object.metadata.resourceVersion ?? resourceVersion;
          if (event.type === 'BOOKMARK') continue;
          const key = cacheKey(type, namespace, event.object.metadata.name);
          if (event.type === 'DELETED') cache.delete(key);
          else cache.set(key, { ...event.object, apiVersion: event.object.apiVersion ?? `${type.group}/${type.version}`, kind: type.kind });
          onUpdate();
        }
      } catch (error) {
        if (signal.aborted) return;
        throw error;
      }
    }
  }
}
