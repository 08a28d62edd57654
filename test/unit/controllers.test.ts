// Recognising the old operator and the ACK controllers, and choosing the adoption method from their versions.

import test from 'ava';
import { findAckControllers, findOldOperators, operatorsActingOn, parseFlags, parseImage, type DeploymentFacts } from '../../src/core/discovery/controllers.ts';
import { chooseMethod, supportedMethods } from '../../src/core/discovery/method.ts';

function deployment(name: string, image: string, extra: Partial<DeploymentFacts> = {}, args: string[] = [], env: Record<string, string> = {}): DeploymentFacts {
  return { namespace: 'ns', name, containers: [{ name: 'manager', image, args, env }], replicas: 1, livePods: 0, podsKnown: true, ...extra };
}

test('the old operator is found by its image path in any registry and with any tag', (t) => {
  const found = findOldOperators([
    deployment('sagemaker-k8s-operator-controller-manager', '957583890962.dkr.ecr.us-east-1.amazonaws.com/amazon-sagemaker-operator-for-k8s:v1'),
    deployment('renamed', '099223943020.dkr.ecr.cn-northwest-1.amazonaws.com.cn/amazon-sagemaker-operator-for-k8s@sha256:abc'),
    deployment('unrelated', 'registry/other-operator:v1'),
  ]);
  t.deepEqual(found.map((install) => install.name), ['sagemaker-k8s-operator-controller-manager', 'renamed']);
});

test('a namespaced old operator acts only on its namespace; a cluster-wide one on all', (t) => {
  const operators = findOldOperators([
    deployment('a', 'x/amazon-sagemaker-operator-for-k8s:v1.2', {}, ['--metrics-addr=127.0.0.1:8080', '--namespace=team-a']),
    deployment('b', 'x/amazon-sagemaker-operator-for-k8s:v1.2', { replicas: 0 }),
  ]);
  t.is(operators[0]!.watchedNamespace, 'team-a');
  t.deepEqual(operatorsActingOn('team-a', operators).map((operator) => operator.name), ['a']);
  t.deepEqual(operatorsActingOn('team-b', operators), []);
});

test('an operator scaled to zero with no pods is stopped; pods still alive or unknown keep it running', (t) => {
  const image = 'x/amazon-sagemaker-operator-for-k8s:v1';
  const [stopped, terminating, unknown] = findOldOperators([
    deployment('stopped', image, { replicas: 0, livePods: 0 }),
    deployment('terminating', image, { replicas: 0, livePods: 1 }),
    deployment('unknown', image, { replicas: 0, podsKnown: false }),
  ]);
  t.false(stopped!.running);
  t.true(terminating!.running);
  t.true(unknown!.running);
});

test('images parse into repository and tag, digests included', (t) => {
  t.deepEqual(parseImage('localhost:5000/sagemaker-controller:1.5.0'), { repository: 'localhost:5000/sagemaker-controller', tag: '1.5.0' });
  t.deepEqual(parseImage('public.ecr.aws/aws-controllers-k8s/sagemaker-controller@sha256:00'), { repository: 'public.ecr.aws/aws-controllers-k8s/sagemaker-controller', tag: undefined });
});

const ack = (image: string, env: Record<string, string> = {}) => findAckControllers([deployment('ack', image, {}, [], env)])[0]!;

test('adoption methods follow the ACK release history', (t) => {
  const methods = (image: string, env?: Record<string, string>) => [...supportedMethods(ack(image, env))].sort();
  t.deepEqual(methods('r/sagemaker-controller:1.9.1'), ['annotation']);
  t.deepEqual(methods('r/sagemaker-controller:v1.5.1'), ['annotation']);
  t.deepEqual(methods('r/sagemaker-controller:1.5.0'), ['adopted-resource', 'annotation']);
  t.deepEqual(methods('r/sagemaker-controller:1.3.0'), ['adopted-resource']);
  t.deepEqual(methods('r/sagemaker-controller:1.3.0', { FEATURE_GATES: 'ResourceAdoption=true,ReadOnlyResources=true' }), ['adopted-resource', 'annotation']);
  t.deepEqual(methods('r/sagemaker-controller:1.5.0', { FEATURE_GATES: 'ResourceAdoption=false' }), ['adopted-resource']);
  t.deepEqual(methods('r/applicationautoscaling-controller:1.1.1'), ['adopted-resource', 'annotation']);
  t.deepEqual(methods('r/applicationautoscaling-controller:1.1.2'), ['annotation']);
});

test('auto prefers annotation adoption and falls back to AdoptedResource on old controllers', (t) => {
  const facts = { adoptedResourceCrdServed: true, deploymentsKnown: true };
  t.is(chooseMethod('sagemaker', 'auto', [ack('r/sagemaker-controller:1.5.0')], facts).method, 'annotation');
  t.is(chooseMethod('sagemaker', 'auto', [ack('r/sagemaker-controller:1.2.0')], facts).method, 'adopted-resource');
  const refused = chooseMethod('sagemaker', 'adopted-resource', [ack('r/sagemaker-controller:1.6.0')], facts);
  t.is(refused.method, undefined);
  t.regex(refused.reason, /does not support --method adopted-resource/);
});

test('without a controller Deployment, auto decides only when the answer is certain', (t) => {
  t.is(chooseMethod('sagemaker', 'auto', [], { adoptedResourceCrdServed: false, deploymentsKnown: true }).method, 'annotation');
  t.is(chooseMethod('sagemaker', 'auto', [], { adoptedResourceCrdServed: true, deploymentsKnown: true }).method, undefined);
  t.is(chooseMethod('sagemaker', 'auto', [], { adoptedResourceCrdServed: false, deploymentsKnown: false }).method, undefined);
  t.is(chooseMethod('sagemaker', 'annotation', [], { adoptedResourceCrdServed: true, deploymentsKnown: true }).method, 'annotation');
});

test('controller flags are read as the process sees them: the Helm charts\' `--flag $(VAR)` pairs, `--flag=value`, bare booleans', (t) => {
  const flags = parseFlags(
    ['--aws-region', '$(AWS_REGION)', '--watch-namespace', '$(ACK_WATCH_NAMESPACE)', '--enable-leader-election', '--feature-gates=ResourceAdoption=false', '--log-level', '$(UNSET)'],
    { AWS_REGION: 'us-east-2', ACK_WATCH_NAMESPACE: 'team-a,team-b' },
  );
  t.is(flags.get('aws-region'), 'us-east-2');
  t.is(flags.get('watch-namespace'), 'team-a,team-b');
  t.is(flags.get('enable-leader-election'), 'true');
  t.is(flags.get('feature-gates'), 'ResourceAdoption=false');
  t.is(flags.get('log-level'), '$(UNSET)', 'a reference to an unset variable stays as written, as the kubelet leaves it');
});

test('a controller Deployment configured like the Helm chart yields its watch scope, selectors, kinds, gates and CA bundle', (t) => {
  const chartArgs = ['--watch-namespace', '$(ACK_WATCH_NAMESPACE)', '--watch-selectors', '$(ACK_WATCH_SELECTORS)', '--reconcile-resources', '$(RECONCILE_RESOURCES)', '--feature-gates', '$(FEATURE_GATES)'];
  const [install] = findAckControllers([deployment('ack', 'r/sagemaker-controller:1.9.1', {}, chartArgs, {
    ACK_WATCH_NAMESPACE: 'ml', ACK_WATCH_SELECTORS: 'team=ml', RECONCILE_RESOURCES: 'Model,Endpoint', FEATURE_GATES: 'ResourceAdoption=false', AWS_CA_BUNDLE: '/etc/ca.pem',
  })]);
  t.like(install, { watchNamespaces: ['ml'], watchSelectors: 'team=ml', reconcileResources: ['Model', 'Endpoint'], featureGates: { ResourceAdoption: false }, caBundle: true });
  const [plain] = findAckControllers([deployment('ack', 'r/sagemaker-controller:1.9.1', {}, chartArgs, { ACK_WATCH_NAMESPACE: '', ACK_WATCH_SELECTORS: '', RECONCILE_RESOURCES: '', FEATURE_GATES: '' })]);
  t.like(plain, { watchNamespaces: undefined, watchSelectors: undefined, reconcileResources: undefined, featureGates: {}, caBundle: false });
});

test('with the ResourceAdoption gate off, the method choice says so instead of blaming the release', (t) => {
  const facts = { adoptedResourceCrdServed: true, deploymentsKnown: true };
  const gateOff = { FEATURE_GATES: 'ResourceAdoption=false' };
  t.regex(chooseMethod('sagemaker', 'auto', [ack('r/sagemaker-controller:1.5.0', gateOff)], facts).reason, /has the ResourceAdoption feature gate off .*so AdoptedResource/);
  const current = chooseMethod('sagemaker', 'auto', [ack('r/sagemaker-controller:1.9.1', gateOff)], facts);
  t.is(current.method, undefined);
  t.regex(current.reason, /ResourceAdoption feature gate off .*turn the gate on/);
  t.regex(chooseMethod('sagemaker', 'annotation', [ack('r/sagemaker-controller:1.9.1', gateOff)], facts).reason, /feature gate off .*turn it on to use --method annotation/);
  t.regex(chooseMethod('sagemaker', 'auto', [ack('r/sagemaker-controller:1.2.0')], facts).reason, /predates annotation adoption/);
});
