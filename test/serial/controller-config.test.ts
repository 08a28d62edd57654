// ACK controller configurations that make adoption fail without a word are read from the real controller
// Deployment and block adopt before anything is created. Runs serially: it changes the cluster's controller
// Deployment, and puts it back.

import test from 'ava';
import { ACK_KINDS } from '../../src/core/model/ack-kinds.ts';
import type { KubeObject } from '../../src/kube/objects.ts';
import { runPlugin } from '../support/cli.ts';
import { adminClient, freshNamespace, testKubeconfig } from '../support/cluster.ts';
import { BASELINE_ACK_NAMESPACE, DEPLOYMENT_TYPE } from '../support/deployments.ts';
import { exampleObjects, seedOldObjects } from '../support/scenario.ts';

const SAGEMAKER_DEPLOYMENT = 'ack-sagemaker-controller-sagemaker-chart';
const client = adminClient();
let original: KubeObject;
test.before(async () => {
  original = await client.get(DEPLOYMENT_TYPE, SAGEMAKER_DEPLOYMENT, BASELINE_ACK_NAMESPACE);
});
test.afterEach.always(async () => {
  const container = (original.spec!['template'] as { spec: { containers: Array<Record<string, unknown>> } }).spec.containers[0]!;
  await client.jsonPatch(DEPLOYMENT_TYPE, SAGEMAKER_DEPLOYMENT, BASELINE_ACK_NAMESPACE, [
    { op: 'replace', path: '/spec/template/spec/containers/0/args', value: container['args'] ?? [] },
    { op: 'replace', path: '/spec/template/spec/containers/0/env', value: container['env'] ?? [] },
  ]);
});
test.after.always(() => client.close());

/** Configures the controller the way its Helm chart renders values: `--flag $(VAR)` with the value in env. */
async function configureController(flags: Record<string, string>, env: Record<string, string>): Promise<void> {
  const args = Object.keys(flags).flatMap((flag) => [`--${flag}`, `$(${flags[flag]})`]);
  await client.jsonPatch(DEPLOYMENT_TYPE, SAGEMAKER_DEPLOYMENT, BASELINE_ACK_NAMESPACE, [
    { op: 'replace', path: '/spec/template/spec/containers/0/args', value: args },
    { op: 'replace', path: '/spec/template/spec/containers/0/env', value: Object.entries(env).map(([name, value]) => ({ name, value })) },
  ]);
}

async function namespaceWithModel(prefix: string): Promise<string> {
  const namespace = await freshNamespace(client, prefix);
  await seedOldObjects(client, exampleObjects(namespace).filter((object) => object.metadata.name === 'churn-model'));
  return namespace;
}

test('AWS_CA_BUNDLE in the controller environment is a plan blocker, and adopt refuses before creating anything', async (t) => {
  await configureController({}, { AWS_CA_BUNDLE: '/etc/ssl/corporate-ca.pem' });
  const namespace = await namespaceWithModel('ca-bundle');
  const plan = await runPlugin(['plan', '-n', namespace], { kubeconfig: testKubeconfig() });
  t.regex(plan.stdout, /blocks adopt: Deployment ack-system\/ack-sagemaker-controller-sagemaker-chart sets AWS_CA_BUNDLE/);
  const adopt = await runPlugin(['adopt', '-n', namespace], { kubeconfig: testKubeconfig() });
  t.is(adopt.code, 5, adopt.stderr);
  t.deepEqual(await client.listAll(ACK_KINDS.Model, { namespace }), []);
});

test('a namespace outside the controller\'s --watch-namespace (chart form) blocks adopt; a watched one does not', async (t) => {
  const outside = await namespaceWithModel('unwatched');
  const inside = await namespaceWithModel('watched');
  await configureController({ 'watch-namespace': 'ACK_WATCH_NAMESPACE' }, { ACK_WATCH_NAMESPACE: inside });
  const refused = await runPlugin(['adopt', '-n', outside], { kubeconfig: testKubeconfig() });
  t.is(refused.code, 5, refused.stderr);
  t.regex(refused.stderr, new RegExp(`no ACK sagemaker controller watches namespace ${outside} \\(--watch-namespace\\)`));
  const plan = await runPlugin(['plan', '-n', inside], { kubeconfig: testKubeconfig() });
  t.notRegex(plan.stdout, /blocks adopt/);
});

test('the ResourceAdoption gate turned off is named as such, not as an old release', async (t) => {
  await configureController({ 'feature-gates': 'FEATURE_GATES' }, { FEATURE_GATES: 'ResourceAdoption=false' });
  const namespace = await namespaceWithModel('gate-off');
  const plan = await runPlugin(['plan', '-n', namespace], { kubeconfig: testKubeconfig() });
  t.regex(plan.stdout, /sagemaker-controller 1\.9\.1 has the ResourceAdoption feature gate off/);
  t.notRegex(plan.stdout, /predates/);
});
