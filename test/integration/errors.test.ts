// Every bad input or cluster error ends with one clear line and its documented exit code.

import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import test from 'ava';
import { runPlugin } from '../support/cli.ts';
import { TEST_TOKENS } from '../support/control-plane.ts';
import { testKubeconfig } from '../support/cluster.ts';
import { tokenKubeconfig, unreachableKubeconfig } from '../support/kubeconfigs.ts';

const limitedToken = TEST_TOKENS.find((t) => t.user === 'limited-reader')!.token;

function errorLine(stderr: string): string {
  return stderr.split('\n').find((line) => line.startsWith('error: ')) ?? '';
}

test('an unknown kind is a usage error (exit 2) before any request', async (t) => {
  const result = await runPlugin(['plan', '--kind', 'Notebook', '--kubeconfig', '/nonexistent'], {});
  t.is(result.code, 2);
  t.regex(errorLine(result.stderr), /unknown kind "Notebook": use one of TrainingJob/);
});

test('a malformed dump is a usage error that says where', async (t) => {
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'smm-dump-')), 'dump.yaml');
  writeFileSync(file, 'apiVersion: v1\nkind: List\nitems:\n- apiVersion: sagemaker.aws.amazon.com/v1\n  kind: Model\n  metadata: [oops\n');
  const result = await runPlugin(['plan', '--from-file', file], {});
  t.is(result.code, 2);
  t.regex(errorLine(result.stderr), /dump\.yaml is not valid YAML or JSON \(line \d+\)/);
  writeFileSync(file, '{"apiVersion": "v1", "kind": "List", "items": [{"kind": "Model"}]}');
  const notObject = await runPlugin(['plan', '--from-file', file], {});
  t.is(notObject.code, 2);
  t.regex(errorLine(notObject.stderr), /item 1 is not a Kubernetes object/);
});

/**
 * 13 lines, nine anchors deep, whose spec, with its aliases expanded, holds 9^9 (387 million) strings. The training
 * job name makes the plan translate the spec, which walks all of it.
 */
const ALIAS_BOMB = [
  'apiVersion: sagemaker.aws.amazon.com/v1',
  'kind: TrainingJob',
  'metadata: {name: bomb, namespace: ml}',
  'spec: {trainingJobName: bomb-2024,',
  `  a0: &a0 [${Array(9).fill('lol').join(', ')}],`,
  ...Array.from({ length: 8 }, (_, index) => `  a${index + 1}: &a${index + 1} [${Array(9).fill(`*a${index}`).join(', ')}]${index === 7 ? '}' : ','}`),
].join('\n');

// Catches a dump whose aliases are expanded: without the refusal both commands run for 38 s or more and die with V8's
// out-of-memory stack trace (exit 134; seen by hand with the refusal removed, under a 1 GiB heap: plan 38 s, adopt
// 47 s). With it they answer in under a second; no duration is asserted, as start-up alone takes seconds when busy.
test('a dump with nested YAML aliases (an alias bomb) is refused with one line (exit 2) instead of being expanded', async (t) => {
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'smm-dump-')), 'bomb.yaml');
  writeFileSync(file, `${ALIAS_BOMB}\n`);
  t.is(ALIAS_BOMB.split('\n').length, 13);
  for (const args of [['plan', '--from-file', file], ['adopt', '--dry-run=client', '--from-file', file, '-o', 'yaml']]) {
    const result = await runPlugin(args, { killAfterMs: 60_000 });
    t.is(result.code, 2, `${args[0]}: ${result.stderr.slice(0, 300)}`);
    t.is(result.stderr.split('\n').filter((line) => line.startsWith('error')).length, 1, result.stderr.slice(0, 300));
    t.regex(errorLine(result.stderr), /bomb\.yaml uses YAML aliases \(\*name\) of mappings or lists, which `kubectl get -o yaml` never writes/);
    t.is(result.stdout, '');
  }
});

test('a dump read from standard input plans offline', async (t) => {
  const dump = JSON.stringify({ apiVersion: 'v1', kind: 'List', items: [{
    apiVersion: 'sagemaker.aws.amazon.com/v1', kind: 'Model', metadata: { name: 'm', namespace: 'ml' },
    spec: { region: 'eu-west-1', executionRoleArn: 'arn:aws:iam::123456789012:role/x' }, status: { sageMakerModelName: 'm-123' },
  }] });
  const result = await runPlugin(['adopt', '--dry-run=client', '--from-file', '-', '-o', 'json'], { stdin: dump });
  t.is(result.code, 0, result.stderr);
  const items = (JSON.parse(result.stdout) as { items: Array<{ metadata: { annotations: Record<string, string> } }> }).items;
  t.is(items[0]!.metadata.annotations['services.k8s.aws/adoption-fields'], '{"modelName":"m-123"}');
  t.is(items[0]!.metadata.annotations['services.k8s.aws/region'], 'eu-west-1');
});

test('no kubeconfig at all says so instead of trying localhost:8080', async (t) => {
  const home = mkdtempSync(path.join(tmpdir(), 'smm-home-'));
  const result = await runPlugin(['status'], { env: { HOME: home, KUBECONFIG: '' } });
  t.is(result.code, 2);
  t.is(errorLine(result.stderr), 'error: no kubeconfig found: set KUBECONFIG or pass --kubeconfig');
});

test('an unknown context is a usage error naming it', async (t) => {
  const result = await runPlugin(['status', '--context', 'prod-eks'], { kubeconfig: testKubeconfig() });
  t.is(result.code, 2);
  t.regex(errorLine(result.stderr), /context "prod-eks" does not exist/);
});

test('an unreachable cluster exits 3 with one line', async (t) => {
  const result = await runPlugin(['status', '--kubeconfig', unreachableKubeconfig()], {});
  t.is(result.code, 3, result.stderr);
  t.is(errorLine(result.stderr), 'error: cannot reach the API server at https://127.0.0.1:1 (ECONNREFUSED): check the context and your network');
});

test('expired or rejected credentials exit 3 and say to refresh them', async (t) => {
  const result = await runPlugin(['plan', '-A'], { kubeconfig: tokenKubeconfig('expired-token') });
  t.is(result.code, 3);
  t.regex(errorLine(result.stderr), /refresh them/);
  t.is(result.stderr.split('\n').filter((line) => line.startsWith('error:')).length, 1);
});

test('a user without rights exits 4 with the forbidden message', async (t) => {
  const result = await runPlugin(['status', '-n', 'default'], { kubeconfig: tokenKubeconfig(limitedToken) });
  t.is(result.code, 4);
  t.regex(errorLine(result.stderr), /^error: forbidden: .* cannot list resource/);
});

test('contradicting flags are refused before any request', async (t) => {
  const result = await runPlugin(['plan', '-n', 'ml', '-A', '--kubeconfig', '/nonexistent'], {});
  t.is(result.code, 2);
  t.regex(errorLine(result.stderr), /--namespace and --all-namespaces cannot be used together/);
  const jq = await runPlugin(['plan', '--jq', '.[', '--kubeconfig', '/nonexistent'], {});
  t.is(jq.code, 2);
  t.regex(errorLine(jq.stderr), /invalid --jq filter/);
});

test('-v shows each request made', async (t) => {
  const result = await runPlugin(['version', '-v'], { kubeconfig: testKubeconfig() });
  t.is(result.code, 0, result.stderr);
  t.regex(result.stderr, /GET https:\/\/127\.0\.0\.1:\d+\/version 200 in \d+ms/);
  t.regex(result.stdout, /Server Version: v1\.\d+/);
  t.regex(result.stdout, /ACK sagemaker controller: ack-system\/ack-sagemaker-controller-sagemaker-chart 1\.9\.1/);
});

test('completion answers kubectl with cobra candidates and a directive', async (t) => {
  const result = await runPlugin(['__complete', 'adopt', '--method', ''], {});
  t.is(result.code, 0, result.stderr);
  t.is(result.stdout, 'auto\nannotation\nadopted-resource\n:4\n');
  const helper = await runPlugin(['completion', 'kubectl'], {});
  t.regex(helper.stdout, /kubectl sagemaker-migrate __complete "\$@"/);
});
