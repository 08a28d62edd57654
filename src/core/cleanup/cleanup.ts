// Removes old objects that cleanup-plan allows, one guarded step at a time, so that killing the process at any
// moment and running again converges with nothing lost:
//   re-read -> check it is the object planned (uid) -> back it up (fsync) -> drop finalizers (resourceVersion guard)
//   -> delete (uid and the resourceVersion the finalizer patch returned). 404 counts as done; 409 is re-read and
//   retried, except when the re-read shows the old operator's finalizer back: then the old operator is alive and the
//   whole run stops.

import type { KubeClient } from '../../kube/client.ts';
import { isConflict, isNotFound } from '../../kube/errors.ts';
import { BUILTIN_TYPES, type KubeObject } from '../../kube/objects.ts';
import { writeBackup, writeBackups } from './backup.ts';
import { BoundedQueue } from './bounded-queue.ts';
import { deniedAccess } from '../discovery/access.ts';
import type { CleanupItem } from './cleanup-plan.ts';
import { operatorsActingOn, type OldOperatorInstall } from '../discovery/controllers.ts';
import { ForbiddenError, MigrateError, SafetyRefusal } from '../../errors.ts';
import type { ClusterFacts } from '../discovery/inventory.ts';
import { OLD_FINALIZERS, OLD_KINDS, type OldKind } from '../model/kinds.ts';

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
const REPLACED = 'an object of the same name was created after planning; it was left alone, run cleanup again to judge it';
/** Objects whose backups are synced together: small enough that the first writes start early. */
const BACKUP_BATCH = 100;
/** Objects read and backed up ahead of the writes, so that memory stays bounded on any cluster. */
const READ_AHEAD = 1000;

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
export async function refuseWithoutRights(items: CleanupItem[], client: KubeClient, concurrency: number): Promise<void> {
  const needed = new Set(items.filter((item) => item.verdict.action === 'delete').map((item) => `${item.source.namespace}|${item.source.kind}`));
  const checks = [...needed].flatMap((entry) => {
    const [namespace, kindName] = entry.split('|') as [string, string];
    const kind = OLD_KINDS.find((candidate) => candidate.kind === kindName)!;
    return ['patch', 'delete'].map((verb) => ({ verb, group: kind.group, resource: kind.plural, namespace }));
  });
  // Access reviews are answered without etcd: asked in parallel, cluster-wide first.
  const missing = (await deniedAccess(client, checks, concurrency)).map((check) => `${check.verb} ${check.resource}.${check.group} in namespace ${check.namespace}`);
  if (missing.length > 0) throw new ForbiddenError(`cleanup needs rights you do not have, so nothing was changed: ${missing.join(', ')}`);
}

/**
 * Reads the objects to remove fresh, a page per request for each kind and namespace (a GET per object would add a
 * third to the requests), and cleans them with bounded concurrency. Three stages overlap, so the API server's writes
 * never wait for the plugin: reading the next page, backing up a batch (one sync for the batch), and the writes of
 * objects already backed up. An object is written only once the batch holding its backup is on disk. An object a
 * page no longer holds is gone.
 */
export async function runCleanup(items: CleanupItem[], client: KubeClient, options: CleanupRunOptions): Promise<CleanupOutcome[]> {
  const outcomes: CleanupOutcome[] = [];
  const record = (outcome: CleanupOutcome): void => {
    outcomes.push(outcome);
    options.onOutcome?.(outcome);
  };
  const backedUp = new BoundedQueue<BackedUp>(READ_AHEAD);
  let readFailure: unknown;
  const reading = readAndBackUp(items, client, options.backupDirectory, backedUp, record)
    .catch((error: unknown) => void (readFailure = error))
    .finally(() => backedUp.close());
  // The first writer that fails unexpectedly or meets a live old operator stops every writer from taking another
  // object, and the reader too; writes already under way finish, each guarded by its own preconditions.
  let stopped: { error: unknown } | undefined;
  const writer = async (): Promise<void> => {
    for (let next = await backedUp.shift(); next && !stopped; next = await backedUp.shift()) {
      try {
        record(await cleanOne(next, client, options.backupDirectory));
      } catch (error) {
        stopped ??= { error };
        backedUp.close();
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, options.concurrency) }, writer));
  backedUp.close();
  await reading;
  if (stopped) throw stopped.error;
  if (readFailure) throw readFailure;
  return outcomes;
}

/** An object as a fresh page returned it, already saved durably to `backup`. */
interface BackedUp {
  item: CleanupItem;
  live: KubeObject;
  backup: string;
}

async function readAndBackUp(items: CleanupItem[], client: KubeClient, backupDirectory: string, backedUp: BoundedQueue<BackedUp>, record: (outcome: CleanupOutcome) => void): Promise<void> {
  const groups = new Map<string, CleanupItem[]>();
  for (const item of items.filter((candidate) => candidate.verdict.action === 'delete')) {
    const key = `${item.source.kind}|${item.source.namespace}`;
    const group = groups.get(key);
    if (group) group.push(item);
    else groups.set(key, [item]);
  }
  let batch: Array<{ item: CleanupItem; live: KubeObject }> = [];
  /** False once the writers have stopped taking objects. */
  const flush = async (): Promise<boolean> => {
    if (batch.length === 0) return true;
    const saving = batch;
    batch = [];
    let files: string[];
    try {
      files = await writeBackups(backupDirectory, saving.map(({ item, live }) => withTypeOf(item, live)));
    } catch (error) {
      // Objects already backed up are still finished; no other object is touched.
      throw new SafetyRefusal(`cannot save backups in ${backupDirectory} (${(error as Error).message}): objects not yet backed up were left alone; free space or choose another --backup-dir`);
    }
    for (const [index, entry] of saving.entries()) {
      if (!(await backedUp.push({ ...entry, backup: files[index]! }))) return false;
    }
    return true;
  };
  for (const group of groups.values()) {
    const kind = kindOf(group[0]!);
    const pending = new Map(group.map((item) => [item.source.name, item]));
    // The client reads a namespace of up to 5,000 such objects in one page from the watch cache rather than page
    // on through etcd, which this run's own deletes make slower until it compacts (WHOLE_LIST_AT_MOST).
    for await (const live of client.list(kind, { namespace: group[0]!.source.namespace })) {
      const item = pending.get(live.metadata.name);
      if (!item) continue;
      pending.delete(live.metadata.name);
      if (item.source.uid && live.metadata.uid !== item.source.uid) {
        record({ item, result: 'replaced', message: REPLACED });
        continue;
      }
      batch.push({ item, live });
      if (batch.length >= BACKUP_BATCH && !(await flush())) return;
    }
    if (!(await flush())) return;
    for (const item of pending.values()) record({ item, result: 'already-gone' });
  }
}

function kindOf(item: CleanupItem): OldKind {
  return OLD_KINDS.find((candidate) => candidate.kind === item.source.kind)!;
}

/** Lists leave apiVersion and kind out of their items; a backup must say what it is. */
function withTypeOf(item: CleanupItem, live: KubeObject): KubeObject {
  const kind = kindOf(item);
  return { ...live, apiVersion: `${kind.group}/${kind.version}`, kind: kind.kind };
}

/**
 * Drops the finalizers and deletes one object already backed up as read. After a conflict the object is read
 * again on its own and backed up again before the next attempt. The delete carries the resourceVersion the
 * finalizer patch returned, so it lands only on the object exactly as cleanup left it: a running old operator that
 * put its finalizer back in between makes it fail (409) instead of starting a deletion that operator would carry
 * out in AWS. Throws SafetyRefusal when that happened.
 */
async function cleanOne(start: BackedUp, client: KubeClient, backupDirectory: string): Promise<CleanupOutcome> {
  const { item } = start;
  const { source } = item;
  const kind = kindOf(item);
  let backup = start.backup;
  /** True once the delete was sent: a 409 then means the object changed after cleanup's own last write to it. */
  let deleteSent = false;
  try {
    for (let attempt = 0; ; attempt += 1) {
      let live: KubeObject;
      try {
        live = attempt === 0 ? start.live : await client.get(kind, source.name, source.namespace);
      } catch (error) {
        if (isNotFound(error)) return { item, result: 'already-gone', backup };
        throw error;
      }
      if (source.uid && live.metadata.uid !== source.uid) {
        return { item, result: 'replaced', message: REPLACED };
      }
      // Back after cleanup removed it, or put on an object cleanup found without one: either way, an operator acts.
      if (deleteSent && hasOldFinalizer(live)) {
        throw new SafetyRefusal(
          `the old operator is alive: its finalizer is back on ${source.kind} ${source.namespace}/${source.name}, which cleanup was deleting; cleanup stopped, and every object not removed by then was left alone: stop the old operator (its Deployment and any copy running outside the cluster) and run cleanup again`,
        );
      }
      if (attempt > 0) backup = await writeBackup(backupDirectory, withTypeOf(item, live));
      deleteSent = false;
      try {
        let guard = live;
        if ((live.metadata.finalizers ?? []).length > 0) {
          // The resourceVersion makes this a compare-and-swap: a concurrent change gives 409 and a fresh look.
          guard = await client.mergePatch(kind, source.name, source.namespace, { metadata: { resourceVersion: live.metadata.resourceVersion, finalizers: null } });
        }
        deleteSent = true;
        await client.delete(kind, source.name, source.namespace, { uid: live.metadata.uid!, resourceVersion: guard.metadata.resourceVersion! });
        return { item, result: 'deleted', backup };
      } catch (error) {
        if (isNotFound(error)) return { item, result: 'already-gone', backup };
        if (isConflict(error) && attempt < MAX_CONFLICT_RETRIES) continue;
        throw error;
      }
    }
  } catch (error) {
    if (error instanceof SafetyRefusal || !(error instanceof MigrateError)) throw error;
    return { item, result: 'failed', message: error.message, backup };
  }
}

const OLD_FINALIZER_NAMES: readonly string[] = Object.values(OLD_FINALIZERS);

function hasOldFinalizer(object: KubeObject): boolean {
  return (object.metadata.finalizers ?? []).some((finalizer) => OLD_FINALIZER_NAMES.includes(finalizer));
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
