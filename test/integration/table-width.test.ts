// What a new user meets on a 120-column terminal: plan and status fit it without cutting a name, -o wide still
// names every object whole, and the progress line of a long adopt or cleanup fits it too (and is drawn nowhere else).

import { readFileSync } from 'node:fs';
import test from 'ava';
import yaml from 'js-yaml';
import type { KubeObject } from '../../src/kube/objects.ts';
import { adoptedNamespace, backupDirectory } from '../support/adopted-scenario.ts';
import { runPlugin, runPluginOnTerminal } from '../support/cli.ts';
import { adminClient, closeAfter, freshNamespace, testKubeconfig } from '../support/cluster.ts';
import { EXAMPLE_DUMP, neverCreatedModels, oldTrainingJob, seedOldObjects } from '../support/scenario.ts';
import { PROGRESS_LINE_THRESHOLD } from '../../src/ui/progress.ts';
import type { KubeClient } from '../../src/kube/client.ts';

const ANSI = /\x1b\[[0-9;?]*[A-Za-z]/g;

/** The lines a terminal shows: colour and cursor codes removed, carriage returns of the pty dropped. */
function screenLines(output: string): string[] {
  return output.replace(ANSI, '').replaceAll('\r', '').split('\n');
}

function linesOver(output: string, columns: number): string[] {
  return screenLines(output).filter((line) => line.length > columns);
}

test('plan of the example dump fits a 120-column terminal, and -o wide is unchanged and names every object whole', async (t) => {
  const onTerminal = await runPluginOnTerminal(['plan', '--from-file', EXAMPLE_DUMP], '', { columns: 120 });
  t.is(onTerminal.code, 0, onTerminal.output);
  t.deepEqual(linesOver(onTerminal.output, 120), []);
  const names = (yaml.load(readFileSync(EXAMPLE_DUMP, 'utf8')) as { items: KubeObject[] }).items.map((item) => `${item.kind}/${item.metadata.name}`);
  for (const name of names) t.true(screenLines(onTerminal.output).some((line) => line.includes(name)), `${name} is whole in the default plan`);

  const wide = await runPlugin(['plan', '--from-file', EXAMPLE_DUMP, '-o', 'wide']);
  t.is(wide.code, 0, wide.stderr);
  t.is(wide.stdout, readFileSync(new URL('../fixtures/example-plan-wide.txt', import.meta.url), 'utf8'));
  for (const name of names) t.true(wide.stdout.includes(name), `${name} is whole in -o wide`);
});

test('status and cleanup --dry-run on the example objects fit a 120-column terminal; status -o wide names every object whole', async (t) => {
  const client = closeAfter(t, adminClient());
  // "ml-" and 8 characters: as long as the example's longest namespace, ml-training.
  const { namespace, seeded } = await adoptedNamespace(t, client, 'ml');
  const status = await runPluginOnTerminal(['status', '-n', namespace], '', { kubeconfig: testKubeconfig(), columns: 120 });
  t.is(status.code, 0, status.output);
  t.deepEqual(linesOver(status.output, 120), []);
  t.regex(status.output.replace(ANSI, ''), new RegExp(`HostingDeployment ${namespace}/host-xgboost\\s+present\\s+3 adopted\\s+read-only`));
  for (const object of seeded) t.true(status.output.includes(`${object.kind} ${namespace}/${object.metadata.name}`), `${object.kind}/${object.metadata.name} is whole in the default status`);

  const json = await runPlugin(['status', '-n', namespace, '-o', 'json'], { kubeconfig: testKubeconfig() });
  const ackNames = (JSON.parse(json.stdout) as { rows: { targets: { ackKind: string; name: string }[] }[] }).rows.flatMap((row) => row.targets.map((target) => `${target.ackKind}/${target.name}`));
  t.true(ackNames.length >= 11);
  const wide = await runPluginOnTerminal(['status', '-n', namespace, '-o', 'wide'], '', { kubeconfig: testKubeconfig(), columns: 120 });
  t.is(wide.code, 0, wide.output);
  for (const name of [...seeded.map((object) => `${object.kind} ${namespace}/${object.metadata.name}`), ...ackNames]) {
    t.true(screenLines(wide.output).some((line) => line.includes(name)), `${name} is whole in -o wide`);
  }

  const cleanup = await runPluginOnTerminal(['cleanup', '-n', namespace, '--dry-run', '--skip-aws-check', '--backup-dir', backupDirectory()], '', { kubeconfig: testKubeconfig(), columns: 120 });
  t.is(cleanup.code, 0, cleanup.output);
  t.deepEqual(linesOver(cleanup.output, 120), []);
  t.regex(cleanup.output, /would be removed/);
});

/** What stays on screen: of a line redrawn in place (each drawing clears the line first), its last drawing. */
function shownLines(output: string): string[] {
  return output.replace(ANSI, '').split('\n').map((line) => line.replace(/\r$/, '').split('\r').at(-1)!);
}

/** Every state a line was drawn in: a line redrawn in place (after a carriage return) counts once per drawing. */
function drawings(output: string): string[] {
  return output.replace(ANSI, '').split(/\r?\n|\r/);
}

/** A namespace holding one more old object than the progress line needs (Models cleanup may remove unadopted). */
async function namespaceOverThreshold(client: KubeClient): Promise<string> {
  const namespace = await freshNamespace(client, 'many');
  const models = neverCreatedModels(namespace, PROGRESS_LINE_THRESHOLD + 1);
  await seedOldObjects(client, models, { concurrency: 8 });
  return namespace;
}

test('cleanup of more than 200 objects shows a progress line on a terminal, fitted to it', async (t) => {
  const client = closeAfter(t, adminClient());
  const onTerminal = await namespaceOverThreshold(client);
  const total = PROGRESS_LINE_THRESHOLD + 1;
  const progressLine = new RegExp(`removing old objects \\d+/${total} \\(\\d+%\\)`);
  // A terminal of any kind, whatever the machine running the tests has. (On a pipe no line is drawn: the adopt test
  // below checks that for the same terminal.progress, and showsProgressLine decides it for -o json too.)
  const drawn = await runPluginOnTerminal(['cleanup', '-n', onTerminal, '--yes', '--skip-aws-check', '--backup-dir', backupDirectory()], '', { kubeconfig: testKubeconfig(), columns: 120, env: { TERM: 'xterm' } });
  t.is(drawn.code, 0, drawn.output);
  t.regex(drawn.output, progressLine);
  t.deepEqual(shownLines(drawn.output).filter((line) => line.length > 120), []);
  t.deepEqual(drawings(drawn.output).filter((line) => progressLine.test(line) && line.length >= 120), [], 'the progress line leaves a column spare');
  t.regex(drawn.output, new RegExp(`removed ${total}, already gone 0, kept 0, failed 0`));
});

/** A namespace with one more old TrainingJob than the progress line needs, each named in AWS (a target to adopt). */
async function jobsOverThreshold(client: KubeClient): Promise<string> {
  const namespace = await freshNamespace(client, 'many-jobs');
  const jobs = Array.from({ length: PROGRESS_LINE_THRESHOLD + 1 }, (_, index) => ({
    ...oldTrainingJob(namespace, `job-${index}`, `${namespace}-job-${index}`),
    status: { trainingJobStatus: 'Completed', sageMakerTrainingJobName: `${namespace}-job-${index}` },
  }));
  await seedOldObjects(client, jobs, { concurrency: 8 });
  return namespace;
}

// Catches: adopt's creates (here validated: --dry-run=server stores nothing) counted without a progress line on a
// terminal (seen red with adopt not starting one), or with one on a pipe.
test('adopt of more than 200 objects shows a progress line on a terminal, fitted to it, and none on a pipe', async (t) => {
  const client = closeAfter(t, adminClient());
  // --dry-run=server stores nothing: both runs validate the same objects' creates, side by side.
  const namespace = await jobsOverThreshold(client);
  const total = PROGRESS_LINE_THRESHOLD + 1;
  const progressLine = new RegExp(`validating manifests \\d+/${total} \\(\\d+%\\)`);
  const adopt = ['adopt', '-n', namespace, '--method', 'annotation', '--dry-run=server'];
  const [drawn, piped] = await Promise.all([
    runPluginOnTerminal(adopt, '', { kubeconfig: testKubeconfig(), columns: 120, env: { TERM: 'xterm' } }),
    runPlugin(adopt, { kubeconfig: testKubeconfig(), env: { TERM: 'xterm' } }),
  ]);
  t.is(drawn.code, 0, drawn.output);
  t.regex(drawn.output, progressLine);
  t.deepEqual(drawings(drawn.output).filter((line) => progressLine.test(line) && line.length >= 120), [], 'the progress line leaves a column spare');
  t.is(piped.code, 0, piped.stderr);
  t.notRegex(piped.stderr, progressLine);
  t.is(piped.stdout.split("\n").filter((line) => /\svalidated(\s|$)/.test(line)).length, total);
});
