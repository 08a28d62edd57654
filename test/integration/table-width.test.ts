// What a new user meets on a 120-column terminal: plan and status fit it without cutting a name, and -o wide still
// names every object whole.

import { readFileSync } from 'node:fs';
import test from 'ava';
import yaml from 'js-yaml';
import type { KubeObject } from '../../src/kube/objects.ts';
import { adoptedNamespace, backupDirectory } from '../support/adopted-scenario.ts';
import { runPlugin, runPluginOnTerminal } from '../support/cli.ts';
import { adminClient, closeAfter, testKubeconfig } from '../support/cluster.ts';
import { EXAMPLE_DUMP } from '../support/scenario.ts';

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
