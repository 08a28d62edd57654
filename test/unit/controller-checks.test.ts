// The ACK controller configurations that make adoption fail without a word, read from their Deployments, and the
// grouped explanation `adopt --wait` gives when nothing was adopted.

import test from 'ava';
import type { AdoptionState, Observation } from '../../src/core/model/adoption-state.ts';
import { checkControllers } from '../../src/core/discovery/controller-checks.ts';
import type { AckControllerInstall } from '../../src/core/discovery/controllers.ts';
import type { MigrationPlan, PlannedTarget } from '../../src/core/plan/plan.ts';
import { diagnoseWait } from '../../src/core/adoption/wait-diagnosis.ts';

function install(extra: Partial<AckControllerInstall> = {}): AckControllerInstall {
  return {
    controller: 'sagemaker', namespace: 'ack-system', name: 'ack-sagemaker', image: 'r/sagemaker-controller:1.9.1', version: '1.9.1', featureGates: {},
    running: true, state: '1 pod(s) alive', watchNamespaces: undefined, watchSelectors: undefined, reconcileResources: undefined, caBundle: false, ...extra,
  };
}

function target(name: string, ackKind: PlannedTarget['ackKind'] = 'Model', state: AdoptionState = 'not-started', namespace = 'ml'): PlannedTarget {
  return { key: name, ackKind, namespace, name, method: 'annotation', identifiers: { modelName: name }, region: 'us-east-2', awsName: name, state, sources: [] };
}

test('AWS_CA_BUNDLE in the controller environment blocks adoption and says why', (t) => {
  const { blockers } = checkControllers([install({ caBundle: true })], [target('m')]);
  t.is(blockers.length, 1);
  t.regex(blockers[0]!, /Deployment ack-system\/ack-sagemaker sets AWS_CA_BUNDLE: .*unable to add custom RootCAs HTTPClient.*nothing is ever adopted/);
});

test('a namespace outside every install\'s --watch-namespace blocks; one that some install watches does not', (t) => {
  const scoped = install({ watchNamespaces: ['team-a'] });
  t.deepEqual(checkControllers([scoped], [target('m', 'Model', 'not-started', 'team-a')]).blockers, []);
  const [blocker] = checkControllers([scoped], [target('m', 'Model', 'not-started', 'ml')]).blockers;
  t.regex(blocker!, /no ACK sagemaker controller watches namespace ml \(--watch-namespace\): Deployment ack-system\/ack-sagemaker watches only team-a/);
  t.deepEqual(checkControllers([scoped, install({ name: 'second' })], [target('m')]).blockers, [], 'a second, cluster-wide install covers it');
});

test('watch selectors this tool\'s objects do not match, and kinds left out of --reconcile-resources, block', (t) => {
  t.regex(checkControllers([install({ watchSelectors: 'team=ml' })], [target('m')]).blockers[0]!, /--watch-selectors=team=ml/);
  t.deepEqual(checkControllers([install({ watchSelectors: 'app.kubernetes.io/managed-by=kubectl-sagemaker-migrate' })], [target('m')]).blockers, []);
  t.regex(checkControllers([install({ reconcileResources: ['Endpoint'] })], [target('m')]).blockers[0]!, /reconciles only Endpoint .*Model would never be adopted/);
});

test('a controller that is not running is a warning, and adopted targets need nothing', (t) => {
  const stopped = install({ running: false, state: 'scaled to 0 with no pods' });
  t.deepEqual(checkControllers([stopped], [target('m')]), { blockers: [], warnings: ['Deployment ack-system/ack-sagemaker is not running (scaled to 0 with no pods): nothing is adopted until it runs'] });
  t.deepEqual(checkControllers([install({ caBundle: true })], [target('m', 'Model', 'adopted')]), { blockers: [], warnings: [] });
});

function planOf(targets: PlannedTarget[]): MigrationPlan {
  return { apiVersion: 'kubectl-sagemaker-migrate/v1alpha1', kind: 'MigrationPlan', context: 'c', deletionPolicy: 'retain', readOnly: true, spec: 'omit', methods: [], sources: [], targets, blockers: [], warnings: [] };
}

test('when the controller acted on none of a HostingDeployment\'s objects, --wait says so once and names the Deployment', (t) => {
  const targets = [target('endpoint', 'Endpoint'), target('config', 'EndpointConfig'), target('model-1'), target('model-2')];
  const untouched: Observation = { state: 'pending', message: 'waiting for the ACK controller', untouched: true };
  const lines = diagnoseWait(planOf(targets), new Map(targets.map((planned) => [planned.key, untouched])), [install()]);
  t.is(lines.length, 1);
  t.regex(lines[0]!, /^the ACK sagemaker controller wrote nothing on any of its 4 object\(s\): check Deployment ack-system\/ack-sagemaker \(running\) and its log: kubectl logs -n ack-system deploy\/ack-sagemaker; or the AWS resources are not in us-east-2/);
  t.regex(diagnoseWait(planOf(targets), new Map(), [])[0]!, /no Deployment of it was found in the cluster/);
});

test('when the controller acted on some objects, --wait explains each one still waiting on its own line', (t) => {
  const targets = [target('found'), target('missing'), target('stuck')];
  const observations = new Map<string, Observation>([
    ['found', { state: 'adopted' }],
    ['missing', { state: 'pending', message: 'waiting for the ACK controller', untouched: true }],
    ['stuck', { state: 'pending', message: 'marked adopted, but spec.modelName is missing' }],
  ]);
  t.deepEqual(diagnoseWait(planOf(targets), observations, [install()]), [
    'Model/missing (missing): ACK wrote nothing on it, which is what it does when it cannot find "missing" in region us-east-2 of the account it uses',
    'Model/stuck (stuck): marked adopted, but spec.modelName is missing',
  ]);
});
