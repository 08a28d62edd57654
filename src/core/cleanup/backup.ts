// Writes each object, exactly as read, to the backup directory and fsyncs it before anything about it changes.
// A file is never overwritten: its name carries the object's resourceVersion, so reruns only add files. Backups
// hold whole objects, whose environment and hyperparameters can carry credentials: files are 0600 and the
// directories made for them 0700 whatever the umask, as kubectl treats a kubeconfig.

import { chmod, link, mkdir, open, readdir, unlink, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import yaml from 'js-yaml';
import type { KubeObject } from '../../kube/objects.ts';

export function defaultBackupDirectory(contextName: string, now: Date = new Date()): string {
  const stamp = now.toISOString().replace(/[:.]/g, '-');
  const safeContext = contextName.replace(/[^A-Za-z0-9._-]+/g, '_');
  return path.join('sagemaker-migrate-backup', `${safeContext}-${stamp}`);
}

export function backupFileFor(directory: string, object: KubeObject): string {
  const namespace = object.metadata.namespace ?? '_cluster';
  const group = object.apiVersion.split('/')[0] ?? '';
  return path.join(directory, namespace, `${object.kind}.${group}.${object.metadata.name}.rv${object.metadata.resourceVersion ?? '0'}.yaml`);
}

async function fsyncDirectory(directory: string): Promise<void> {
  const handle = await open(directory, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

const FILE_MODE = 0o600;
const DIRECTORY_MODE = 0o700;

/** Directories this process has made ready: created 0700 where missing, swept of dead runs' temporary files. */
const readyDirectories = new Map<string, Promise<void>>();

/**
 * Creates the directory and any missing parent 0700 (mkdir's mode is narrowed by the umask, hence the chmod), and,
 * once per process, removes temporary files that runs no longer alive left in it (a killed run leaves its own,
 * under its own process id). A live process's files are left alone: another run may be writing them.
 */
function prepareDirectory(directory: string): Promise<void> {
  let ready = readyDirectories.get(directory);
  if (!ready) {
    ready = (async () => {
      const first = await mkdir(directory, { recursive: true, mode: DIRECTORY_MODE });
      if (first !== undefined) {
        const top = path.resolve(first);
        for (let created = path.resolve(directory); created.startsWith(top); created = path.dirname(created)) await chmod(created, DIRECTORY_MODE);
      }
      for (const name of await readdir(directory)) {
        const pid = /\.(\d+)\.partial$/.exec(name)?.[1];
        if (pid !== undefined && !processAlive(Number(pid))) await unlink(path.join(directory, name)).catch(() => undefined);
      }
    })();
    ready.catch(() => readyDirectories.delete(directory));
    readyDirectories.set(directory, ready);
  }
  return ready;
}

function processAlive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists, under another user.
    return (error as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}

/** A copy of the object under a temporary name, written but not yet synced. */
async function writeUnsynced(partial: string, object: KubeObject): Promise<FileHandle> {
  const handle = await open(partial, 'w', FILE_MODE);
  try {
    // A file left under this name keeps its mode through open; the umask narrows a new one's.
    await handle.chmod(FILE_MODE);
    await handle.writeFile(yaml.dump(object, { noRefs: true, lineWidth: -1 }));
  } catch (error) {
    await handle.close();
    throw error;
  }
  return handle;
}

/** Gives a synced copy its final name; an earlier run's complete copy of the same resourceVersion is identical. */
async function linkIntoPlace(partial: string, file: string): Promise<void> {
  try {
    await link(partial, file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  } finally {
    await unlink(partial);
  }
}

/**
 * Backs up a batch of objects and returns their files in the same order, resolving only once every file and every
 * directory entry is on disk; throws when that cannot be made sure, and the caller must then leave them all alone.
 * The files are written first and synced together, with one sync per directory for the batch: the disk's journal
 * then commits them in a few flushes instead of two per object. Each copy is written under a temporary name and
 * linked into place only once synced: a run killed mid-write must not leave an empty or truncated file under the
 * final name, which a rerun would take for the copy. Asynchronous on purpose: fsync blocks, and in the thread pool
 * the backups proceed while requests are in flight.
 */
export async function writeBackups(directory: string, objects: KubeObject[]): Promise<string[]> {
  const files = objects.map((object) => backupFileFor(directory, object));
  const partials = files.map((file) => `${file}.${process.pid}.partial`);
  const directories = [...new Set(files.map((file) => path.dirname(file)))];
  await Promise.all(directories.map(prepareDirectory));
  const written = await Promise.allSettled(partials.map((partial, index) => writeUnsynced(partial, objects[index]!)));
  const handles = written.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
  try {
    const failure = written.find((result): result is PromiseRejectedResult => result.status === 'rejected');
    if (failure) throw failure.reason;
    await Promise.all(handles.map((handle) => handle.sync()));
  } catch (error) {
    await Promise.all(handles.map((handle) => handle.close()));
    await Promise.allSettled(partials.map((partial) => unlink(partial)));
    throw error;
  }
  await Promise.all(handles.map((handle) => handle.close()));
  await Promise.all(partials.map((partial, index) => linkIntoPlace(partial, files[index]!)));
  await Promise.all(directories.map(fsyncDirectory));
  return files;
}

/** One object; see writeBackups. */
export async function writeBackup(directory: string, object: KubeObject): Promise<string> {
  return (await writeBackups(directory, [object]))[0]!;
}
