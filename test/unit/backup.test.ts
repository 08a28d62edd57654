// Backups are written whole or not at all under their final name, and never overwritten.

import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import test from 'ava';
import yaml from 'js-yaml';
import { backupFileFor, writeBackup } from '../../src/core/backup.ts';
import type { KubeObject } from '../../src/kube/objects.ts';

const job: KubeObject = {
  apiVersion: 'sagemaker.aws.amazon.com/v1',
  kind: 'TrainingJob',
  metadata: { name: 'xgboost-mnist', namespace: 'ml', resourceVersion: '353', finalizers: ['sagemaker-operator-finalizer'] },
  spec: { region: 'us-east-2' },
};

test('a partial file left by a killed run is neither taken for the backup nor left beside it', async (t) => {
  const directory = mkdtempSync(path.join(tmpdir(), 'smm-backup-unit-'));
  const file = backupFileFor(directory, job);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(`${file}.${process.pid}.partial`, '');
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
