// Watches (does not poll) the ACK objects of a plan until every target is adopted or failed, or the timeout passes.

import { setMaxListeners } from 'node:events';
import type { KubeClient } from '../../kube/client.ts';
import { inform } from '../../kube/informer.ts';
import type { KubeObject, ResourceType } from '../../kube/objects.ts';
import { ACK_KINDS, ADOPTED_RESOURCE_TYPE } from '../model/ack-kinds.ts';
import { ClusterError } from '../../errors.ts';
import { observeAdoptedResource, observeAnnotationTarget, type Observation } from '../model/adoption-state.ts';
import type { MigrationPlan, PlannedTarget } from '../plan/plan.ts';

export interface WaitOptions {
  timeoutMs: number;
  onChange?: (target: PlannedTarget, observation: Observation) => void;
}

export interface WaitResult {
  observations: Map<string, Observation>;
  timedOut: boolean;
}

/** The informers' live object sets, by kind and namespace. */
type ObjectSets = Map<string, ReadonlyMap<string, KubeObject>>;

function setKey(type: ResourceType, namespace: string): string {
  return `${type.plural}.${type.group}|${namespace}`;
}

function lookup(sets: ObjectSets, type: ResourceType, namespace: string, name: string): KubeObject | undefined {
  return sets.get(setKey(type, namespace))?.get(`${namespace}/${name}`);
}

function observe(target: PlannedTarget, sets: ObjectSets): Observation {
  const kind = ACK_KINDS[target.ackKind];
  const object = lookup(sets, kind, target.namespace, target.name);
  if (target.method === 'adopted-resource') {
    return observeAdoptedResource(lookup(sets, ADOPTED_RESOURCE_TYPE, target.namespace, target.adoptedResourceName ?? target.name), object, target.identifiers);
  }
  return observeAnnotationTarget(object, kind, target.identifiers);
}

const settled = (observation: Observation): boolean => observation.state === 'adopted' || observation.state === 'failed';

export async function waitForAdoption(plan: MigrationPlan, client: KubeClient, options: WaitOptions): Promise<WaitResult> {
  const observations = new Map<string, Observation>();
  if (plan.targets.length === 0) return { observations, timedOut: false };
  const sets: ObjectSets = new Map();
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
  let finish: (timedOut: boolean) => void = () => undefined;
  const finished = new Promise<boolean>((resolve) => (finish = resolve));
  const recompute = (): void => {
    for (const target of plan.targets) {
      const observation = observe(target, sets);
      const previous = observations.get(target.key);
      if (!previous || previous.state !== observation.state || previous.message !== observation.message) {
        observations.set(target.key, observation);
        options.onChange?.(target, observation);
      }
    }
    if (plan.targets.every((target) => settled(observations.get(target.key)!))) finish(false);
  };

  let failure: unknown;
  // Informers retrying a lost connection, with the last failure: a wait that ends while one still fails is not a
  // timeout of the controllers but a lost API server.
  const disconnected = new Map<string, ClusterError>();
  const informers = [...watched.entries()].map(([key, { type, namespace }]) =>
    inform(client, type, namespace, (objects) => {
      sets.set(setKey(type, namespace), objects);
      recompute();
    }, controller.signal, {
      onConnection: (lost) => (lost ? disconnected.set(key, lost) : disconnected.delete(key)),
    }).catch((error: unknown) => {
      failure ??= error;
      finish(false);
    }),
  );
  const timer = setTimeout(() => finish(true), options.timeoutMs);
  try {
    const timedOut = await finished;
    if (failure) throw failure;
    const lost = [...disconnected.values()][0];
    if (timedOut && lost) throw new ClusterError(`lost the API server while waiting, and could not reconnect: ${lost.message}`, lost.details);
    return { observations, timedOut };
  } finally {
    clearTimeout(timer);
    controller.abort();
    await Promise.allSettled(informers);
  }
}
