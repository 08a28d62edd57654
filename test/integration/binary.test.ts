// The bundled single executable (npm run build), copied alone into an empty directory: no node_modules, no cluster.

import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import test from 'ava';
import yaml from 'js-yaml';
import type { KubeObject } from '../../src/kube/objects.ts';
import { testKubeconfig } from '../support/cluster.ts';
import { EXAMPLE_DUMP } from '../support/scenario.ts';

function isolatedBinary(): { directory: string; binary: string } {
  const built = process.env['SMM_TEST_BINARY'];
  if (!built) throw new Error('SMM_TEST_BINARY is not set: run through `npm test`');
  const directory = mkdtempSync(path.join(tmpdir(), 'smm-bin-'));
  const binary = path.join(directory, 'kubectl-sagemaker_migrate');
  copyFileSync(built, binary);
  return { directory, binary };
}

const cleanEnv = (extra: Record<string, string> = {}) => ({ PATH: '/usr/bin:/bin', HOME: mkdtempSync(path.join(tmpdir(), 'smm-home-')), NO_COLOR: '1', ...extra });

test('the executable alone prints help and plans the example dump with no cluster', (t) => {
  const { directory, binary } = isolatedBinary();
  const help = spawnSync(binary, ['--help'], { cwd: directory, env: cleanEnv(), encoding: 'utf8' });
  t.regex(help.stdout, /kubectl sagemaker-migrate <command>/);
  // V8 warns when the executable's code cache was made under other flags than those it runs with.
  t.is(help.stderr, '');
  const manifests = execFileSync(binary, ['adopt', '--dry-run=client', '--from-file', EXAMPLE_DUMP, '-o', 'yaml'], { cwd: directory, env: cleanEnv(), encoding: 'utf8' });
  const documents = yaml.loadAll(manifests) as KubeObject[];
  t.is(documents.length, 11);
  t.true(documents.every((document) => document.metadata.annotations?.['services.k8s.aws/adoption-policy'] === 'adopt'));
});

test('the executable runs --jq with its embedded WebAssembly', (t) => {
  const { directory, binary } = isolatedBinary();
  const output = execFileSync(binary, ['plan', '--from-file', EXAMPLE_DUMP, '--jq', '[.targets[].ackKind] | unique | join(",")'], { cwd: directory, env: cleanEnv(), encoding: 'utf8' });
  t.is(output, 'Endpoint,EndpointConfig,HyperParameterTuningJob,Model,ProcessingJob,ScalableTarget,ScalingPolicy,TrainingJob,TransformJob\n');
});

test('kubectl finds the executable on PATH and runs it as `kubectl sagemaker-migrate`', (t) => {
  const { directory } = isolatedBinary();
  const output = execFileSync('kubectl', ['sagemaker-migrate', 'version'], { env: cleanEnv({ PATH: `${directory}:/usr/bin:/bin`, KUBECONFIG: testKubeconfig() }), encoding: 'utf8' });
  t.regex(output, /^Client Version: v\d+\.\d+\.\d+\nServer Version: v1\.\d+/);
});
