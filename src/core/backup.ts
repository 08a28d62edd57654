// Writes each object, exactly as read, to the backup directory and fsyncs it before anything about it changes.
// A file is never overwritten: its name carries the object's resourceVersion, so reruns only add files.

import { link, mkdir, open, unlink } from 'node:fs/promises';
import path from 'node:path';
import yaml from 'js-yaml';
import type { KubeObject } from '../kube/objects.ts';

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

/**
 * Throws when the backup cannot be made durable; the caller must then leave the object alone.
 * Asynchronous on purpose: fsync blocks, and in the thread pool many backups proceed while requests are in flight.
 * The copy is written under a temporary name and linked into place only once complete and synced: a run killed
 * mid-write must not leave an empty or truncated file under the final name, which a rerun would take for the copy.
 */
export async function writeBackup(directory: string, object: KubeObject): Promise<string> {
  const file = backupFileFor(directory, object);
  await mkdir(path.dirname(file), { recursive: true });
  const partial = `${file}.${process.pid}.partial`;
  const handle = await open(partial, 'w');
  try {
    await handle.writeFile(yaml.dump(object, { noRefs: true, lineWidth: -1 }));
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await link(partial, file);
  } catch (error) {
    // The same resourceVersion was already saved, complete, by an earlier run: that copy is identical.
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') {
      await unlink(partial);
      throw error;
    }
  }
  await unlink(partial);
  await fsyncDirectory(path.dirname(file));
  return file;
}
