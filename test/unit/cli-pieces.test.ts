// Small pure pieces of the command line: colour rules, completion answers, durations, tables, the version.

import { readFileSync } from 'node:fs';
import test from 'ava';
import { commandName } from '../../src/cli.ts';
import { parseDuration } from '../../src/commands/flags.ts';
import { complete } from '../../src/commands/completion.ts';
import { formatTable } from '../../src/ui/table.ts';
import { colorLevel } from '../../src/ui/terminal.ts';
import { VERSION } from '../../src/version.ts';

test('colour follows --color, then NO_COLOR, then FORCE_COLOR, then the TTY', (t) => {
  t.is(colorLevel('auto', {}, true), 1);
  t.is(colorLevel('auto', {}, false), 0);
  t.is(colorLevel('auto', { NO_COLOR: '1' }, true), 0);
  t.is(colorLevel('auto', { FORCE_COLOR: '1' }, false), 1);
  t.is(colorLevel('auto', { FORCE_COLOR: '0' }, true), 0);
  t.is(colorLevel('never', { FORCE_COLOR: '1' }, true), 0);
  t.is(colorLevel('always', { NO_COLOR: '1' }, false), 1);
});

test('completion offers subcommands, flags and flag values in cobra form', (t) => {
  t.deepEqual(complete(['sta']), { candidates: ['status\tShow adoption progress of every old object'], directive: 4 });
  t.deepEqual(complete(['st']).candidates.map((candidate) => candidate.split('\t')[0]), ['status', 'stop-operator']);
  t.true(complete(['handover', '--ref']).candidates.includes('--refresh-spec'));
  t.true(complete(['adopt', '--dr']).candidates.includes('--dry-run'));
  t.deepEqual(complete(['plan', '-o', 'j']), { candidates: ['json'], directive: 4 });
  t.deepEqual(complete(['plan', '--from-file', '']), { candidates: [], directive: 0 });
});

test('durations accept seconds, minutes and hours', (t) => {
  t.is(parseDuration('90s'), 90_000);
  t.is(parseDuration('10m'), 600_000);
  t.is(parseDuration('2'), 2000);
  t.throws(() => parseDuration('soon'), { message: /invalid duration "soon"/ });
});

test('tables pad columns like kubectl and ignore colour codes when measuring', (t) => {
  t.is(formatTable(['name', 'state'], [['a', '\x1b[32mok\x1b[39m'], ['longer', 'x']]), 'NAME     STATE\na        \x1b[32mok\x1b[39m\nlonger   x\n');
});

test('usage names the plugin as kubectl users type it', (t) => {
  t.is(commandName('/home/u/.krew/bin/kubectl-sagemaker_migrate'), 'kubectl sagemaker-migrate');
  t.is(commandName('/repo/src/main.ts'), 'kubectl-sagemaker_migrate');
});

test('the version matches package.json', (t) => {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  t.is(VERSION, `v${pkg.version}`);
});
