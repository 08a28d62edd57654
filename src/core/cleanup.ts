// Removes old objects that cleanup-plan allows, one guarded step at a time, so that killing the process at any
// moment and running again converges with nothing lost:
//   re-read -> check it is the object planned (uid) -> back it up (fsync) -> drop finalizers (resourceVersion guard)
//   -> delete (uid precondition). 404 counts as done; 409 is re-read and retried.

import type { KubeClient } from '../kube/client.ts';
import { isConflict, isNotFound } from '../kube/errors.ts';
import { BUILTIN_TYPES, type KubeObject } from '../kube/objects.ts';
import { writeBackup } from './backup.ts';
import type { CleanupItem } from './cleanup-plan.ts';
import { operatorsActingOn, type OldOperatorInstall } from './controllers.ts';
import { ForbiddenError, MigrateError, SafetyRefusal } from '../errors.ts';
import type { ClusterFacts } from './inventory.ts';
import { OLD_KINDS } from './kinds.ts';

export type CleanupResult = 'deleted' | 'already-gone' | 'replaced' | 'failed';

export interface CleanupOutcome {
  item: CleanupItem;
  result: CleanupResult;
  backup?: string;
  message?: string;
}

export interface CleanupRunOptions {
  backupDirectory: string;
  concurrency: number;
  onOutcome?: (outcome: CleanupOutcome) => void;
}

const MAX_CONFLICT_RETRIES = 5;
const PAGE_SIZE = 500;

/** Refuses while any old operator could still act on the namespaces being cleaned, or when that is unknown. */
export function refuseWhileOperatorRuns(cluster: ClusterFacts, namespaces: string[]): void {
  if (!cluster.deploymentsKnown) {
    throw new SafetyRefusal('cannot list Deployments in all namespaces, so the old operator cannot be proven stopped: run cleanup with rights to list deployments cluster-wide');
  }
  const acting = new Map<string, OldOperatorInstall>();
  for (const namespace of namespaces) {
    for (const operator of operatorsActingOn(namespace, cluster.oldOperators)) acting.set(`${operator.namespace}/${operator.name}`, operator);
  }
  if (acting.size === 0) return;
  const list = [...acting.values()].map((operator) => `deployment ${operator.namespace}/${operator.name} (${operator.state})`).join(', ');
  throw new SafetyRefusal(
    `the old operator is still running: ${list}. Uninstall it first (kubectl delete deployment -n NAMESPACE NAME, or scale it to 0 and wait for its pods to end); deleting old objects while it runs deletes or stops the real SageMaker resources. Do not delete its CRDs yet.`,
  );
}

/** Checks patch and delete rights up front, so that no object is left with its finalizers removed but not deleted. */
export async function refuseWithoutRights(items: CleanupItem[], client: KubeClient): Promise<void> {
  const needed = new Set(items.filter((item) => item.verdict.action === 'delete').map((item) => `${item.source.namespace}|${item.source.kind}`));
  const missing: string[] = [];
  for (const entry of needed) {
    const [namespace, kindName] = entry.split('|') as [string, string];
    const kind = OLD_KINDS.find((candidate) => candidate.kind === kindName)!;
    for (const verb of ['patch', 'delete']) {
      if (!(await client.canI({ verb, group: kind.group, resource: kind.plural, namespace }))) {
        missing.push(`${verb} ${kind.plural}.${kind.group} in namespace ${namespace}`);
      }
    }
  }
  if (missing.length > 0) throw new ForbiddenError(`cleanup needs rights you do not have, so nothing was changed: ${missing.join(', ')}`);
}

/**
 * Reads the objects to remove fresh, a page per request for each kind and namespace (a GET per object would add a
 * third to the requests), and cleans each page with bounded concurrency. An object a page no longer holds is gone.
 */
export async function runCleanup(items: CleanupItem[], client: KubeClient, options: CleanupRunOptions): Promise<CleanupOutcome[]> {
  const groups = new Map<string, CleanupItem[]>();
  for (const item of items.filter((candidate) => candidate.verdict.action === 'delete')) {
    const key = `${item.source.kind}|${item.source.namespace}`;
    groups.set(key, [...(groups.get(key) ?? []), item]);
  }
  const outcomes: CleanupOutcome[] = [];
  const record = (outcome: CleanupOutcome): void => {
    outcomes.push(outcome);
    options.onOutcome?.(outcome);
  };
  for (const group of groups.values()) {
    const kind = OLD_KINDS.find((candidate) => candidate.kind === group[0]!.source.kind)!;
    const pending = new Map(group.map((item) => [item.source.name, item]));
    let page: Array<{ item: CleanupItem; live: KubeObject }> = [];
    const flush = async (): Promise<void> => {
      const queue = page;
      page = [];
      const worker = async (): Promise<void> => {
        for (let next = queue.shift(); next; next = queue.shift()) record(await cleanOne(next.item, client, options.backupDirectory, next.live));
      };
      await Promise.all(Array.from({ length: Math.max(1, options.concurrency) }, worker));
    };
    for await (const live of client.list(kind, { namespace: group[0]!.source.namespace, pageSize: PAGE_SIZE })) {
      const item = pending.get(live.metadata.name);
      if (!item) continue;
      pending.delete(live.metadata.name);
      page.push({ item, live });
      if (page.length >= PAGE_SIZE) await flush();
    }
    await flush();
    for (const item of pending.values()) record({ item, result: 'already-gone' });
  }
  return outcomes;
}

/** `listed` is the object as a fresh page returned it; after a conflict the object is read again on its own. */
async function cleanOne(item: CleanupItem, client: KubeClient, backupDirectory: string, listed: KubeObject): Promise<CleanupOutcome> {
  const { source } = item;
  const kind = OLD_KINDS.find((candidate) => candidate.kind === source.kind)!;
  let backup: string | undefined;
  try {
    for (let attempt = 0; ; attempt += 1) {
      let live: KubeObject;
      try {
        live = attempt === 0 ? listed : await client.get(kind, source.name, source.namespace);
      } catch (error) {
        if (isNotFound(error)) return { item, result: 'already-gone', ...(backup ? { backup } : {}) };
        throw error;
      }
      if (source.uid && live.metadata.uid !== source.uid) {
        return { item, result: 'replaced', message: 'an object of the same name was created after planning; it was left alone, run cleanup again to judge it' };
      }
      const withKind = { ...live, apiVersion: `${kind.group}/${kind.version}`, kind: kind.kind };
      backup = await writeBackup(backupDirectory, withKind);
      try {
        if ((live.metadata.finalizers ?? []).length > 0) {
          // The resourceVersion makes this a compare-and-swap: a concurrent change gives 409 and a fresh look.
          await client.mergePatch(kind, source.name, source.namespace, { metadata: { resourceVersion: live.metadata.resourceVersion, finalizers: null } });
        }
        await client.delete(kind, source.name, source.namespace, { uid: live.metadata.uid! });
        return { item, result: 'deleted', backup };
      } catch (error) {
        if (isNotFound(error)) return { item, result: 'already-gone', backup };
        if (isConflict(error) && attempt < MAX_CONFLICT_RETRIES) continue;
        throw error;
      }
    }
  } catch (error) {
    if (!(error instanceof MigrateError)) throw error;
    return { item, result: 'failed', message: error.message, ...(backup ? { backup } : {}) };
  }
}

/** Old kinds that still have at least one object anywhere in the cluster (reads one item per kind at most). */
export async function kindsWithObjectsLeft(client: KubeClient): Promise<string[]> {
  const kinds: string[] = [];
  for (const kind of OLD_KINDS) {
    try {
      for await (const _object of client.list(kind, { pageSize: 1 })) {
        kinds.push(kind.kind);
        break;
      }
    } catch (error) {
      if (!isNotFound(error)) throw error;
    }
  }
  return kinds;
}

/** The first old object anywhere in the cluster that is not one of these (by uid), or undefined when none is. */
export async function oldObjectOutside(client: KubeClient, uids: ReadonlySet<string>): Promise<string | undefined> {
  for (const kind of OLD_KINDS) {
    try {
      for await (const object of client.list(kind)) {
        if (!uids.has(object.metadata.uid ?? '')) return `${kind.kind} ${object.metadata.namespace ?? 'default'}/${object.metadata.name}`;
      }
    } catch (error) {
      if (!isNotFound(error)) throw error;
    }
  }
  return undefined;
}

export function oldCrdNames(): string[] {
  return OLD_KINDS.map((kind) => `${kind.plural}.${kind.group}`);
}

const CRD_TYPE = BUILTIN_TYPES.customResourceDefinition;

/** The old operator's CRDs may go only when no object of theirs remains anywhere in the cluster. */
export async function deleteOldCrds(client: KubeClient, backupDirectory: string): Promise<string[]> {
  const remaining = await kindsWithObjectsLeft(client);
  if (remaining.length > 0) throw new SafetyRefusal(`old-operator objects remain in the cluster (${remaining.join(', ')}): the old CRDs are kept`);
  const deleted: string[] = [];
  for (const name of oldCrdNames()) {
    let crd: KubeObject;
    try {
      crd = await client.get(CRD_TYPE, name);
    } catch (error) {
      if (isNotFound(error)) continue;
      throw error;
    }
    await writeBackup(backupDirectory, { ...crd, apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition' });
    await client.delete(CRD_TYPE, name, undefined, { uid: crd.metadata.uid! });
    deleted.push(name);
  }
  return deleted;
}
