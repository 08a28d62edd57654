// The human tables and free text of plan and status: narrow by default, every column with -o wide, free text wrapped
// at the terminal's width, and never a name cut.

import { readFileSync } from 'node:fs';
import test from 'ava';
import { Chalk } from 'chalk';
import yaml from 'js-yaml';
import { parseDump } from '../../src/core/discovery/dump.ts';
import { buildPlan, type MigrationPlan } from '../../src/core/plan/plan.ts';
import type { StatusReport } from '../../src/core/adoption/status.ts';
import { formatTable } from '../../src/ui/table.ts';
import { widthOf } from '../../src/ui/terminal.ts';
import { renderPlan, renderStatus, stateCounts } from '../../src/ui/views.ts';
import { wrapText } from '../../src/ui/wrap.ts';

const plain = new Chalk({ level: 0 });
const fixture = (name: string): string => readFileSync(new URL(`../fixtures/${name}`, import.meta.url), 'utf8');
const examplePlan = (): MigrationPlan =>
  buildPlan(parseDump(fixture('../../examples/cluster-dump.yaml'), 'example'), { method: 'auto', deletionPolicy: 'retain', readOnly: true, spec: 'translate', includeTuningJobChildren: false });
const statusReport = (): StatusReport => yaml.load(fixture('status-report.yaml')) as StatusReport;
const longest = (text: string): number => Math.max(...text.split('\n').map((line) => line.length));

test('free text wraps at spaces to the width, continuation lines indented, and a word wider than the width stays whole', (t) => {
  const name = 'ScalableTarget/host-xgboost-def0e83e0d5f11eaaa450a350733ba06-alltraffic-d53b51c8';
  const wrapped = wrapText(`warning: ${name} is tracked by argocd, and its next sync puts the old spec back\n`, 40);
  t.is(wrapped, `warning:\n  ${name}\n  is tracked by argocd, and its next\n  sync puts the old spec back\n`);
});

test('free text is left on one line when the width is unknown (not a terminal) or it fits', (t) => {
  const text = `warning: ${'word '.repeat(40)}end\n`;
  t.is(wrapText(text, undefined), text);
  t.is(wrapText('short\n', 120), 'short\n');
});

test('the width comes from a terminal that reports it; piped output and an unsized terminal are not wrapped', (t) => {
  t.is(widthOf({ isTTY: true, columns: 120 }), 120);
  t.is(widthOf({ isTTY: true, columns: 0 }), undefined);
  t.is(widthOf({ isTTY: false, columns: 120 }), undefined);
  t.is(widthOf({}), undefined);
});

test('a last cell too long for its row goes under the row, wrapped and indented; rows that fit stay as they are', (t) => {
  const rows = [['ml', 'Model/churn-model', 'delete', 'adopted'], ['ml', 'TrainingJob/xgboost-mnist', 'keep', 'its AWS resource TrainingJob/xgboost-mnist-2024-d809cde0 is not adopted yet']];
  t.is(formatTable(['namespace', 'old object', 'action', 'reason'], rows), `NAMESPACE   OLD OBJECT                  ACTION   REASON\nml          Model/churn-model           delete   adopted\nml          TrainingJob/xgboost-mnist   keep     its AWS resource TrainingJob/xgboost-mnist-2024-d809cde0 is not adopted yet\n`);
  t.is(
    formatTable(['namespace', 'old object', 'action', 'reason'], rows, { width: 60 }),
    `NAMESPACE   OLD OBJECT                  ACTION   REASON\nml          Model/churn-model           delete   adopted\nml          TrainingJob/xgboost-mnist   keep\n    its AWS resource TrainingJob/xgboost-mnist-2024-d809cde0\n    is not adopted yet\n`,
  );
});

test('a cell that stands for several ACK objects counts them by state', (t) => {
  t.is(stateCounts(['adopted', 'adopted', 'adopted'], plain), '3 adopted');
  t.is(stateCounts(['pending', 'adopted', 'not-started', 'adopted'], plain), '2 adopted, 1 pending, 1 not-started');
});

test('the default plan of the example fits 120 columns and shows every old and ACK object name whole', (t) => {
  const plan = examplePlan();
  const output = renderPlan(plan, plain, false, 120);
  t.true(longest(output) <= 120, output);
  for (const source of plan.sources) t.regex(output, new RegExp(`^\\S+\\s+${source.kind}/${source.name}(\\s|$)`, 'm'));
  for (const target of plan.targets) t.regex(output, new RegExp(`^\\S+\\s+${target.ackKind}/${target.name}\\s+not-started$`, 'm'));
  t.regex(output, /^ml-serving\s+HostingDeployment\/host-xgboost\s+3 not-started$/m);
  t.notRegex(output, /xgboost-model-1-def0e83e0d5f11-df5cc9fd0d5f11eaaa450a350733ba06\s+annotation/, 'AWS identifiers and methods are -o wide columns');
});

test('the plan footer wraps at the terminal width with continuation lines indented, and not when piped', (t) => {
  const plan = examplePlan();
  plan.warnings.push('ACK objects and AdoptedResources could be listed only in namespace ml-serving: one in another namespace that adopts the same AWS resource would not be seen');
  const wrapped = renderPlan(plan, plain, false, 120);
  t.true(longest(wrapped) <= 120);
  t.regex(wrapped, /\nwarning: ACK objects and AdoptedResources .{40,}\n {2}\S.*would not be seen\n$/);
  t.regex(renderPlan(plan, plain, false, undefined), /\nwarning: ACK objects .* would not be seen\n$/);
});

test('plan -o wide of the example prints exactly what it printed before the default became narrow', (t) => {
  t.is(renderPlan(examplePlan(), plain, true, undefined), fixture('example-plan-wide.txt'));
});

test('plan -o wide tables keep one line per row on a terminal; only the footer wraps', (t) => {
  const before = fixture('example-plan-wide.txt');
  const tables = before.slice(0, before.indexOf('\nAdoption:'));
  const onTerminal = renderPlan(examplePlan(), plain, true, 120);
  t.true(onTerminal.startsWith(tables));
  t.true(longest(onTerminal.slice(tables.length)) <= 120);
});

test('the default status has a row per old object with its ACK objects counted by state, and fits 120 columns', (t) => {
  const output = renderStatus(statusReport(), plain, false, 120);
  t.true(longest(output) <= 120, output);
  t.is(output.match(/^HostingDeployment ml-serving\/host-xgboost /gm)?.length, 1);
  t.regex(output, /^HostingDeployment ml-serving\/host-xgboost\s+present\s+3 adopted\s+1 not synced, 1 sync-error, read-only$/m);
  t.regex(output, /^HostingAutoscalingPolicy ml-serving\/hap-xgboost\s+present\s+2 adopted\s+read-only$/m);
  t.regex(output, /^Model ml-serving\/old-churn-model\s+gone\s+1 adopted$/m);
  t.regex(output, /^TrainingJob ml-training\/never-started\s+present\s+-\n {4}nothing to adopt: no AWS name in status or spec \(it never reached AWS\)$/m);
  for (const row of statusReport().rows) t.regex(output, new RegExp(`^${row.source} `, 'm'));
});

test('status -o wide prints exactly what it printed before the default became narrow, on a terminal too', (t) => {
  t.is(renderStatus(statusReport(), plain, true, undefined), fixture('status-report-wide.txt'));
  t.is(renderStatus(statusReport(), plain, true, 300), fixture('status-report-wide.txt'));
});
