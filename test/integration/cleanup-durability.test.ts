// cleanup saves backups in batches and overlaps them with the writes of earlier objects: these tests prove that no
// object is changed before its own backup and its directory entry are fsync'd, and that a backup that cannot be
// saved stops cleanup with nothing of the unsaved objects touched. fsync is observed where it happens: every
// FileHandle.sync in this process records the file it made durable (Linux: /proc/self/fd names it).

import { existsSync, fstatSync, readdirSync, readlinkSync, statSync, type PathLike } from 'node:fs';
import fsPromises from 'node:fs/promises';
import { syncBuiltinESMExports } from 'node:module';
import { open, writeFile } from 'node:fs/promises';
import path from 'node:path';
import test from 'ava';
import { backupFileFor } from '../../src/core/cleanup/backup.ts';
import { decideCleanup } from '../../src/core/cleanup/cleanup-plan.ts';
import { runCleanup } from '../../src/core/cleanup/cleanup.ts';
import { discover } from '../../src/core/discovery/discover.ts';
import { SafetyRefusal } from '../../src/errors.ts';
import { buildPlan, REPORT_PLAN_OPTIONS } from '../../src/core/plan/plan.ts';
import { KubeClient } from '../../src/kube/client.ts';
import { loadKubeConfig } from '../../src/kube/config.ts';
import type { KubeObject, ResourceType } from '../../src/kube/objects.ts';
import { backupDirectory, readBackups } from '../support/adopted-scenario.ts';
import { adminClient, closeAfter, freshNamespace, testKubeconfig } from '../support/cluster.ts';
import { neverCreatedModels, oldType, seedOldObjects } from '../support/scenario.ts';

// A backup is written under a temporary name, synced, then hard-linked to its final name: durability belongs to the
// inode, and the final name is durable once its directory is synced after that.
let syncs = 0;
const durableInodes = new Map<string, number>();
const durableDirectories = new Map<string, number>();
const probe = await open(process.execPath, 'r');
const fileHandlePrototype = Object.getPrototypeOf(probe) as { sync: (this: { fd: number }) => Promise<void> };
await probe.close();
const realSync = fileHandlePrototype.sync;
fileHandlePrototype.sync = async function (this: { fd: number }): Promise<void> {
  const stats = fstatSync(this.fd);
  const file = readlinkSync(`/proc/self/fd/${this.fd}`);
  await realSync.call(this);
  syncs += 1;
  if (stats.isDirectory()) durableDirectories.set(file, syncs);
  else durableInodes.set(`${stats.dev}:${stats.ino}`, syncs);
};

// And when each final name was made: builtin ESM bindings follow the patched module once told to.
const linkedAt = new Map<string, number>();
const realLink = fsPromises.link;
fsPromises.link = async (existing: PathLike, name: PathLike): Promise<void> => {
  await realLink(existing, name);
  linkedAt.set(String(name), (syncs += 1));
};
syncBuiltinESMExports();

/** Whether this backup file's content was synced before its name was made, and its directory synced after that. */
function durable(file: string): boolean {
  if (!existsSync(file)) return false;
  const stats = statSync(file);
  const contentSynced = durableInodes.get(`${stats.dev}:${stats.ino}`);
  const named = linkedAt.get(file);
  const directorySynced = durableDirectories.get(path.dirname(file));
  return contentSynced !== undefined && named !== undefined && directorySynced !== undefined && contentSynced < named && named < directorySynced;
}

/** Checks, at the moment of every finalizer patch and delete, that the object's backup is already on disk. */
class DurabilityCheckingClient extends KubeClient {
  readonly violations: string[] = [];
  writes = 0;
  constructor(private readonly backups: string) {
    super(loadKubeConfig({ kubeconfig: testKubeconfig() }).kubeConfig);
  }

  private check(type: ResourceType, name: string, namespace: string | undefined, resourceVersion: string | undefined, verb: string): void {
    this.writes += 1;
    const file = backupFileFor(this.backups, { apiVersion: `${type.group}/${type.version}`, kind: type.kind, metadata: { name, namespace, resourceVersion } } as KubeObject);
    const prefix = path.basename(file).replace(/rv0\.yaml$/, '');
    const candidates = resourceVersion === undefined
      ? (existsSync(path.dirname(file)) ? readdirSync(path.dirname(file)) : []).filter((entry) => entry.startsWith(prefix) && entry.endsWith('.yaml')).map((entry) => path.join(path.dirname(file), entry))
      : [file];
    if (!candidates.some(durable)) this.violations.push(`${verb} ${name} before its backup was fsync'd`);
  }

  override async mergePatch(type: ResourceType, name: string, namespace: string | undefined, patch: unknown): Promise<KubeObject> {
    this.check(type, name, namespace, (patch as { metadata: { resourceVersion: string } }).metadata.resourceVersion, 'patched');
    return await super.mergePatch(type, name, namespace, patch);
  }

  override async delete(type: ResourceType, name: string, namespace: string | undefined, preconditions: { uid?: string } = {}): Promise<void> {
    this.check(type, name, namespace, undefined, 'deleted');
    await super.delete(type, name, namespace, preconditions);
  }
}

async function plannedItems(client: KubeClient, namespace: string) {
  const plan = buildPlan(await discover(client, { namespace }, 'envtest'), REPORT_PLAN_OPTIONS);
  // These models never reached AWS (no name in status), so cleanup may remove them without adoption.
  return decideCleanup(plan, { force: false, includeUnadoptedFinishedJobs: false });
}

test('no object is patched or deleted before its backup file and directory entry are fsync\'d', async (t) => {
  const client = closeAfter(t, adminClient());
  const namespace = await freshNamespace(client, 'durable');
  // More than one backup batch, so that later batches are saved while earlier objects are being written.
  await seedOldObjects(client, neverCreatedModels(namespace, 260));
  const backups = backupDirectory();
  const cleaner = new DurabilityCheckingClient(backups);
  t.teardown(() => cleaner.close());
  const outcomes = await runCleanup(await plannedItems(cleaner, namespace), cleaner, { backupDirectory: backups, concurrency: 16 });
  t.deepEqual(outcomes.map((outcome) => outcome.result), Array(260).fill('deleted'));
  t.is(cleaner.writes, 520, 'a finalizer patch and a delete per object were checked');
  t.deepEqual(cleaner.violations, []);
  t.deepEqual(await client.listAll(oldType('Model'), { namespace }), []);
  t.is(readBackups(backups).size, 260);
});

test('when backups cannot be saved, cleanup stops with a refusal and no object loses its finalizers', async (t) => {
  const client = closeAfter(t, adminClient());
  const namespace = await freshNamespace(client, 'nobackup');
  await seedOldObjects(client, neverCreatedModels(namespace, 30));
  // A file where the backup directory should be: nothing can be created under it.
  const blocked = path.join(backupDirectory(), 'not-a-directory');
  await writeFile(blocked, '');
  const error = await t.throwsAsync(runCleanup(await plannedItems(client, namespace), client, { backupDirectory: blocked, concurrency: 8 }));
  t.true(error instanceof SafetyRefusal, String(error));
  t.regex(error!.message, /cannot save backups in .*not-a-directory.*objects not yet backed up were left alone/);
  const left = await client.listAll(oldType('Model'), { namespace });
  t.is(left.length, 30);
  t.true(left.every((object) => (object.metadata.finalizers ?? []).length > 0));
});
