// What ACK would write to AWS once read-only ends, per kind: the compared fields, ACK's normalisation, the refresh
// patch, and AWS answers under ACK's field names. Each case below fails if its rule is dropped from the tables in
// src/core/model/aws-drift.ts (checked by removing each: filledFromAws, lateInitialized, the ignored metrics path, the
// number and empty-list rules, the identity guard in the refresh patch).

import test from 'ava';
import { ackFieldName, asAckShape } from '../../src/aws/ack-names.ts';
import { awsErrorFrom } from '../../src/aws/errors.ts';
import { comparisonFor, describeDifference, refreshOperations, specDifferences, unappliableDifferences } from '../../src/core/model/aws-drift.ts';
import { ExitCode } from '../../src/errors.ts';
import { recorded, RECORDINGS } from '../support/recorded-ack.ts';

const scalableTarget = comparisonFor('ScalableTarget')!;
const scalingPolicy = comparisonFor('ScalingPolicy')!;
const endpoint = comparisonFor('Endpoint')!;

/** The specs the REAL controllers wrote when they adopted moto's resources (shared/reference/ack-observed). */
function recordedSpec(kind: string): Record<string, unknown> {
  const object = recorded(RECORDINGS.annotationTargets).find((candidate) => candidate.kind === kind);
  return structuredClone(object!.spec!);
}

/** DescribeScalableTargets as AWS answers it for the recorded target (SDK shape, PascalCase). */
function awsScalableTarget(changes: Record<string, unknown> = {}): Record<string, unknown> {
  const spec = recordedSpec('ScalableTarget');
  return {
    ServiceNamespace: spec['serviceNamespace'],
    ResourceId: spec['resourceID'],
    ScalableDimension: spec['scalableDimension'],
    MinCapacity: 1,
    MaxCapacity: 4,
    SuspendedState: { DynamicScalingInSuspended: false, DynamicScalingOutSuspended: false, ScheduledScalingSuspended: false },
    ...changes,
  };
}

function awsScalingPolicy(configuration: Record<string, unknown> = {}): Record<string, unknown> {
  const spec = recordedSpec('ScalingPolicy');
  return {
    PolicyName: spec['policyName'],
    ServiceNamespace: spec['serviceNamespace'],
    ResourceId: spec['resourceID'],
    ScalableDimension: spec['scalableDimension'],
    PolicyType: 'TargetTrackingScaling',
    TargetTrackingScalingPolicyConfiguration: {
      TargetValue: 60.0,
      PredefinedMetricSpecification: { PredefinedMetricType: 'SageMakerVariantInvocationsPerInstance' },
      ScaleOutCooldown: 60,
      ScaleInCooldown: 300,
      ...configuration,
    },
  };
}

const shaped = (answer: Record<string, unknown>): Record<string, unknown> => asAckShape(answer) as Record<string, unknown>;

test('AWS answers take the names the real controllers wrote into spec', (t) => {
  t.deepEqual(shaped(awsScalableTarget()), recordedSpec('ScalableTarget'));
  t.deepEqual(shaped(awsScalingPolicy()), recordedSpec('ScalingPolicy'));
  t.is(ackFieldName('RoleARN'), 'roleARN');
  t.is(ackFieldName('ModelDataUrl'), 'modelDataURL');
  t.is(ackFieldName('S3Uri'), 's3URI');
  t.is(ackFieldName('Type'), 'type_');
  t.deepEqual(asAckShape({ Environment: { MY_VAR: '1' } }), { environment: { MY_VAR: '1' } }, "the user's own keys are kept");
});

test('an unchanged adopted resource shows no difference for any of the three updatable kinds', (t) => {
  t.deepEqual(specDifferences(scalableTarget, recordedSpec('ScalableTarget'), shaped(awsScalableTarget())), []);
  t.deepEqual(specDifferences(scalingPolicy, recordedSpec('ScalingPolicy'), shaped(awsScalingPolicy())), []);
  const endpointSpec = recordedSpec('Endpoint');
  t.deepEqual(specDifferences(endpoint, endpointSpec, { ...endpointSpec }), []);
});

test('a scaled-out target and a retuned policy are named field by field, ACK spec value first', (t) => {
  const target = specDifferences(scalableTarget, recordedSpec('ScalableTarget'), shaped(awsScalableTarget({ MinCapacity: 2, MaxCapacity: 8 })));
  t.deepEqual(target.map(describeDifference), ['maxCapacity: 4 (ACK spec) -> 8 (AWS)', 'minCapacity: 1 (ACK spec) -> 2 (AWS)']);
  const policy = specDifferences(scalingPolicy, recordedSpec('ScalingPolicy'), shaped(awsScalingPolicy({ TargetValue: 80, ScaleInCooldown: 600 })));
  t.deepEqual(policy.map(describeDifference), [
    'targetTrackingScalingPolicyConfiguration.scaleInCooldown: 300 (ACK spec) -> 600 (AWS)',
    'targetTrackingScalingPolicyConfiguration.targetValue: 60 (ACK spec) -> 80 (AWS)',
  ]);
});

test('a field a person rarely changes is compared too: suspended scale-in and disableScaleIn', (t) => {
  const suspended = awsScalableTarget({ SuspendedState: { DynamicScalingInSuspended: true, DynamicScalingOutSuspended: false, ScheduledScalingSuspended: false } });
  t.deepEqual(specDifferences(scalableTarget, recordedSpec('ScalableTarget'), shaped(suspended)).map((difference) => difference.path), ['suspendedState.dynamicScalingInSuspended']);
  const disabled = specDifferences(scalingPolicy, recordedSpec('ScalingPolicy'), shaped(awsScalingPolicy({ DisableScaleIn: true })));
  t.deepEqual(disabled.map(describeDifference), ['targetTrackingScalingPolicyConfiguration.disableScaleIn: (not set) (ACK spec) -> true (AWS)']);
});

test('an explicit false where AWS returns no key is a difference, as the controllers log it', (t) => {
  const spec = recordedSpec('ScalingPolicy');
  (spec['targetTrackingScalingPolicyConfiguration'] as Record<string, unknown>)['disableScaleIn'] = false;
  t.deepEqual(specDifferences(scalingPolicy, spec, shaped(awsScalingPolicy())).map((difference) => difference.path), ['targetTrackingScalingPolicyConfiguration.disableScaleIn']);
});

test("ScalableTarget: suspendedState keys the spec lacks are taken from AWS first, and so is a missing roleARN (customSetDefaults, late initialization)", (t) => {
  const spec = recordedSpec('ScalableTarget');
  delete spec['suspendedState'];
  const answer = shaped(awsScalableTarget({ RoleARN: 'arn:aws:iam::123456789012:role/autoscaling' }));
  t.deepEqual(specDifferences(scalableTarget, spec, answer), []);
  spec['roleARN'] = 'arn:aws:iam::123456789012:role/other';
  t.deepEqual(specDifferences(scalableTarget, spec, answer).map((difference) => difference.path), ['roleARN']);
});

test('numbers compare by value, empty lists are no list, customized metrics are ignored, tags are never compared', (t) => {
  t.deepEqual(specDifferences(scalingPolicy, recordedSpec('ScalingPolicy'), shaped(awsScalingPolicy({ TargetValue: 60.0 }))), []);
  const withMetrics = shaped(awsScalingPolicy({ CustomizedMetricSpecification: { MetricName: 'm', Namespace: 'n', Statistic: 'Average', Dimensions: [], Metrics: [{ Id: 'x' }] } }));
  const spec = recordedSpec('ScalingPolicy');
  (spec['targetTrackingScalingPolicyConfiguration'] as Record<string, unknown>)['customizedMetricSpecification'] = { metricName: 'm', namespace: 'n', statistic: 'Average' };
  t.deepEqual(specDifferences(scalingPolicy, spec, withMetrics), []);
  const endpointSpec = { ...recordedSpec('Endpoint'), tags: [{ key: 'team', value: 'a' }] };
  t.deepEqual(specDifferences(endpoint, endpointSpec, recordedSpec('Endpoint')), []);
});

test('an endpoint pointed at another EndpointConfig differs in endpointConfigName; its deploymentConfig is compared whole', (t) => {
  const spec = recordedSpec('Endpoint');
  const aws = { ...spec, endpointConfigName: 'new-config', deploymentConfig: { blueGreenUpdatePolicy: { trafficRoutingConfiguration: { type_: 'ALL_AT_ONCE', waitIntervalInSeconds: 0 } } } };
  t.deepEqual(specDifferences(endpoint, spec, aws).map((difference) => difference.path), [
    'deploymentConfig',
    'endpointConfigName',
  ]);
});

test('the refresh patch replaces each differing sub-object whole with AWS values, removes what AWS lacks, and never touches identity', (t) => {
  const spec = recordedSpec('ScalingPolicy');
  (spec['targetTrackingScalingPolicyConfiguration'] as Record<string, unknown>)['disableScaleIn'] = false;
  const aws = shaped(awsScalingPolicy({ TargetValue: 80 }));
  aws['resourceID'] = 'endpoint/other/variant/AllTraffic';
  const operations = refreshOperations(scalingPolicy, spec, aws, '42');
  t.deepEqual(operations, [
    { op: 'replace', path: '/metadata/resourceVersion', value: '42' },
    { op: 'add', path: '/spec/targetTrackingScalingPolicyConfiguration', value: aws['targetTrackingScalingPolicyConfiguration'] },
  ]);
  const target = recordedSpec('ScalableTarget');
  target['roleARN'] = 'arn:aws:iam::123456789012:role/gone';
  const removal = refreshOperations(scalableTarget, target, shaped(awsScalableTarget({ MaxCapacity: 8 })), '7');
  t.deepEqual(removal.slice(1), [{ op: 'add', path: '/spec/maxCapacity', value: 8 }, { op: 'remove', path: '/spec/roleARN' }]);
  t.deepEqual(refreshOperations(scalableTarget, recordedSpec('ScalableTarget'), shaped(awsScalableTarget()), '7'), [], 'nothing to write when nothing differs');
});

test('AWS failures become one line that says what to do, with exit 5', (t) => {
  const context = { action: 'sagemaker:DescribeEndpoint', region: 'us-east-2', profile: 'ml-prod' };
  const cases: Array<[unknown, RegExp]> = [
    [Object.assign(new Error('Could not load credentials from any providers'), { name: 'CredentialsProviderError' }), /no AWS credentials from profile ml-prod .*aws sso login --profile ml-prod/],
    [Object.assign(new Error('The security token included in the request is expired'), { name: 'ExpiredTokenException' }), /have expired .*aws sso login --profile ml-prod/],
    [Object.assign(new Error('User is not authorized'), { name: 'AccessDeniedException', $metadata: { httpStatusCode: 400 } }), /AWS denied sagemaker:DescribeEndpoint in us-east-2 .*grant it read access/],
    [Object.assign(new Error('getaddrinfo ENOTFOUND sagemaker.xx-nowhere-1.amazonaws.com'), { code: 'ENOTFOUND' }), /cannot reach AWS .*region us-east-2 .*check the region/],
    [Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' }), /AWS sagemaker:DescribeEndpoint in us-east-2 failed: ThrottlingException: Rate exceeded/],
  ];
  for (const [error, pattern] of cases) {
    const translated = awsErrorFrom(error, context);
    t.regex(translated.message, pattern);
    t.false(translated.message.includes('\n'));
    t.is(translated.exitCode, ExitCode.refused);
  }
});

test('a Model or EndpointConfig whose spec differs from AWS is reported as what ACK cannot apply, field by field; what only AWS describes and tags are no difference', (t) => {
  const spec = recordedSpec('EndpointConfig');
  const aws = structuredClone(spec) as Record<string, unknown>;
  (aws['productionVariants'] as Array<Record<string, unknown>>)[0]!['volumeSizeInGB'] = 4;
  aws['endpointConfigARN'] = 'arn:aws:sagemaker:us-west-2:123456789012:endpoint-config/x';
  aws['tags'] = [];
  t.deepEqual(unappliableDifferences('EndpointConfig', spec, aws), []);
  (spec['productionVariants'] as Array<Record<string, unknown>>)[0]!['instanceType'] = 'ml.m5.xlarge';
  t.deepEqual(unappliableDifferences('EndpointConfig', spec, aws).map(describeDifference), ['productionVariants[0].instanceType: ml.m5.xlarge (ACK spec) -> ml.m5.large (AWS)']);
  t.deepEqual(unappliableDifferences('ScalableTarget', recordedSpec('ScalableTarget'), {}), [], 'updatable kinds are compared as drift instead');
});
