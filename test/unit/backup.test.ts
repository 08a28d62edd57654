// Backups are written whole or not at all under their final name, never overwritten, and readable by their owner only.

import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import test from 'ava';
import yaml from 'js-yaml';
import { backupFileFor, writeBackup } from '../../src/core/cleanup/backup.ts';
import type { KubeObject } from '../../src/kube/objects.ts';

const job: KubeObject = {
  apiVersion: 'sagemaker.aws.amazon.com/v1',
  kind: 'TrainingJob',
  metadata: { name: 'xgboost-mnist', namespace: 'ml', resourceVersion: '353', finalizers: ['sagemaker-operator-finalizer'] },
  spec: { region: 'us-east-2' },
};

// Catches a sweep of this process's own partial files only: a real killed run had another process id (seen failing
// with the sweep removed).
test('a partial file left by a killed run, under its own process id, is neither taken for the backup nor left beside it', async (t) => {
  const directory = mkdtempSync(path.join(tmpdir(), 'smm-backup-unit-'));
  const file = backupFileFor(directory, job);
  mkdirSync(path.dirname(file), { recursive: true });
  const killedRun = spawnSync(process.execPath, ['-e', '']).pid;
  t.not(killedRun, process.pid);
  writeFileSync(`${file}.${killedRun}.partial`, '');
  writeFileSync(`${backupFileFor(directory, { ...job, metadata: { ...job.metadata, name: 'another-job' } })}.${killedRun}.partial`, 'half a');
  t.is(await writeBackup(directory, job), file);
  t.deepEqual(yaml.load(readFileSync(file, 'utf8')), job);
  t.deepEqual(readdirSync(path.dirname(file)), [path.basename(file)]);
});

test('a complete backup of the same resourceVersion is kept as it is', async (t) => {
  const directory = mkdtempSync(path.join(tmpdir(), 'smm-backup-unit-'));
  const file = await writeBackup(directory, job);
  await writeBackup(directory, { ...job, metadata: { ...job.metadata, labels: { changed: 'in memory only' } } });
  t.deepEqual(yaml.load(readFileSync(file, 'utf8')), job);
  t.deepEqual(readdirSync(path.dirname(file)), [path.basename(file)]);
});

const modeOf = (file: string): number => statSync(file).mode & 0o777;

// Catches files written with the default mode (0644 under the usual umask), directories of 0755, and modes left to
// the umask (a permissive one widens them, one without the owner's write bit makes the directories unusable); and a
// leftover temporary file of 0644 under this process id, whose mode open() would keep. Seen failing with each.
test('backups are 0600 in directories of 0700 that the plugin creates, whatever the umask', async (t) => {
  for (const umask of [0o000, 0o022, 0o200]) {
    const parent = mkdtempSync(path.join(tmpdir(), 'smm-backup-unit-'));
    chmodSync(parent, 0o755);
    const directory = path.join(parent, 'sagemaker-migrate-backup', 'context-time');
    const leftover = `${backupFileFor(directory, job)}.${process.pid}.partial`;
    mkdirSync(path.dirname(leftover), { recursive: true, mode: 0o700 });
    writeFileSync(leftover, '', { mode: 0o644 });
    chmodSync(leftover, 0o644);
    const previous = process.umask(umask);
    let files: string[];
    try {
      files = [await writeBackup(path.join(parent, 'fresh', 'context-time'), job), await writeBackup(directory, job)];
    } finally {
      process.umask(previous);
    }
    for (const file of files) t.is(modeOf(file), 0o600, `${file} under umask ${umask.toString(8)}`);
    for (const folder of ['fresh', 'fresh/context-time', `fresh/context-time/${job.metadata.namespace}`]) {
      t.is(modeOf(path.join(parent, folder)), 0o700, `${folder} under umask ${umask.toString(8)}`);
    }
    t.is(modeOf(parent), 0o755, 'a directory the plugin did not create is left as it was');
  }
});
