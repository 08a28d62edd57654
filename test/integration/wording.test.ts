// What the plugin says where a user decides: every message names what will happen, and offers only what applies.

import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import test from 'ava';
import { backupDirectory } from '../support/adopted-scenario.ts';
import { runPlugin } from '../support/cli.ts';
import { adminClient, closeAfter, freshNamespace, testKubeconfig } from '../support/cluster.ts';
import { exampleObjects, seedOldObjects } from '../support/scenario.ts';

test('version without a kubeconfig prints the client version first, then the error, like kubectl', async (t) => {
  const result = await runPlugin(['version'], { env: { HOME: mkdtempSync(path.join(tmpdir(), 'smm-home-')), KUBECONFIG: '' } });
  t.is(result.code, 2);
  t.regex(result.stdout, /^Client Version: v\d+\.\d+\.\d+\n$/);
  t.regex(result.stderr, /no kubeconfig found/);
});

test('a kept Model is not offered --include-unadopted-finished-jobs, which applies only to jobs; a kept finished job is', async (t) => {
  const client = closeAfter(t, adminClient());
  const models = await freshNamespace(client, 'hint-model');
  await seedOldObjects(client, exampleObjects(models).filter((object) => object.metadata.name === 'churn-model'));
  const model = await runPlugin(['cleanup', '--skip-aws-check', '-n', models, '--yes', '--backup-dir', backupDirectory()], { kubeconfig: testKubeconfig() });
  t.is(model.code, 5, model.stderr);
  t.notRegex(model.stderr, /include-unadopted-finished-jobs/);
  t.regex(model.stderr, /run adopt --wait/);

  const jobs = await freshNamespace(client, 'hint-job');
  await seedOldObjects(client, exampleObjects(jobs).filter((object) => object.metadata.name === 'xgboost-mnist'));
  const job = await runPlugin(['cleanup', '--skip-aws-check', '-n', jobs, '--yes', '--backup-dir', backupDirectory()], { kubeconfig: testKubeconfig() });
  t.is(job.code, 5, job.stderr);
  t.regex(job.stderr, /--include-unadopted-finished-jobs for finished jobs/);
});

test('cleanup --delete-crds says whether the old CRDs would go, and a run that keeps objects says they were kept', async (t) => {
  const client = closeAfter(t, adminClient());
  const namespace = await freshNamespace(client, 'crd-words');
  await seedOldObjects(client, exampleObjects(namespace).filter((object) => object.metadata.name === 'churn-model'));
  const dryRun = await runPlugin(['cleanup', '--skip-aws-check', '-n', namespace, '--dry-run', '--delete-crds'], { kubeconfig: testKubeconfig() });
  t.is(dryRun.code, 0, dryRun.stderr);
  t.regex(dryRun.stderr, /--delete-crds: the old CRDs would be kept, because 1 object\(s\) would be kept/);

  const neverCreated = await freshNamespace(client, 'crd-words-empty');
  await seedOldObjects(client, exampleObjects(neverCreated).filter((object) => object.metadata.name === 'never-started'));
  const outside = await runPlugin(['cleanup', '--skip-aws-check', '-n', neverCreated, '--dry-run', '--delete-crds'], { kubeconfig: testKubeconfig() });
  t.is(outside.code, 0, outside.stderr);
  t.regex(outside.stderr, /--delete-crds: the old CRDs would be kept, because old objects outside this run's scope remain \(\w+ [\w-]+\/[\w-]+, perhaps more\)/);

  const kept = await runPlugin(['cleanup', '--skip-aws-check', '-n', namespace, '--yes', '--delete-crds', '--backup-dir', backupDirectory()], { kubeconfig: testKubeconfig() });
  t.is(kept.code, 5, kept.stderr);
  t.regex(kept.stderr, /--delete-crds: the old CRDs were kept, because 1 object\(s\) were kept/);
});
