// Never let ACK roll AWS back: cleanup and handover compare every adopted resource with AWS first. Real control plane
// with the real ACK CRDs; AWS is moto (behind the loopback front that plays UpdateEndpoint); ACK is the ADOPTION
// SIMULATOR reading moto, which, once read-only ends, pushes a differing spec to moto with the kind's update calls
// as the real controllers did (shared/reference/ack-observed/README.md, "Handover over drift").
//
// What each test catches (each seen failing with its guard broken by hand, 2026-12-07):
// - handover releasing a drifted object (drifted treated as in sync): the first test fails (and moto is rolled back);
// - a refresh patch that leaves out a sub-object (suspendedState): the object is kept at the check before release;
// - cleanup not checking AWS: the old objects of a drifted target, and of a replaced model, are removed;
// - a vanished resource counted as in sync: cleanup removes the HostingDeployment whose model is gone;
// - the account check dropped: the object of another account is read with the wrong credentials and released.

import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import test from 'ava';
import { ACK_KINDS } from '../../src/core/model/ack-kinds.ts';
import { backupDirectory } from '../support/adopted-scenario.ts';
import { startAwsEmulator, type AwsEmulator } from '../support/aws-emulator.ts';
import { describeEndpointStack, retunePolicy, scaleTarget } from '../support/aws-seed.ts';
import { adminClient } from '../support/cluster.ts';
import { callAws } from '../support/moto.ts';
import { awsEnvironment, changeAws, duringOverlap, migrate, readOnlyKinds, REGION, removeOldObjects } from '../support/overlap.ts';
import { oldType } from '../support/scenario.ts';

const client = adminClient();
const directory = mkdtempSync(path.join(tmpdir(), 'smm-aws-drift-'));
let aws: AwsEmulator;

test.before(async () => {
  aws = await startAwsEmulator(directory);
});

test.after.always(async () => {
  await aws?.stop();
  client.close();
});

test('handover keeps every object whose AWS resource changed during the overlap read-only, names each field, and exits 5; ACK then writes nothing', async (t) => {
  const { namespace, stack, simulator } = await duringOverlap(t, client, aws, 'drift-refused');
  const newConfig = await changeAws(aws, stack);
  const status = await migrate(aws, ['status', '-n', namespace, '--aws', '-o', 'json']);
  t.is(status.code, 0, status.stderr);
  const seen = (JSON.parse(status.stdout) as { aws: Array<{ ackKind: string; aws: string; detail: string }> }).aws;
  t.deepEqual(seen.filter((report) => report.aws === 'drifted').map((report) => report.ackKind).sort(), ['Endpoint', 'ScalableTarget', 'ScalingPolicy']);
  t.true(seen.filter((report) => report.aws === 'drifted').every((report) => /handover would revert it/.test(report.detail)));
  const plan = await migrate(aws, ['plan', '-n', namespace, '--aws', '-o', 'json']);
  t.is(plan.code, 0, plan.stderr);
  const model = (JSON.parse(plan.stdout) as { aws: Array<{ ackKind: string; aws: string; arn?: string }> }).aws.find((report) => report.ackKind === 'Model');
  t.like(model, { aws: 'in-aws', arn: `arn:aws:sagemaker:${REGION}:123456789012:model/${stack.model}` });
  await removeOldObjects(client, namespace);
  const changed = await describeEndpointStack(aws.endpoint, stack);

  const dryRun = await migrate(aws, ['handover', '-n', namespace, '--dry-run']);
  t.is(dryRun.code, 5, dryRun.stderr);
  const handover = await migrate(aws, ['handover', '-n', namespace, '--yes']);
  t.is(handover.code, 5, handover.stderr);
  const output = handover.stdout + handover.stderr;
  t.regex(output, /maxCapacity: 4 \(ACK spec\) -> 8 \(AWS\)/);
  t.regex(output, /minCapacity: 1 \(ACK spec\) -> 2 \(AWS\)/);
  t.regex(output, /targetTrackingScalingPolicyConfiguration\.targetValue: 60 \(ACK spec\) -> 80 \(AWS\)/);
  t.regex(output, new RegExp(`endpointConfigName: ${stack.config} \\(ACK spec\\) -> ${newConfig} \\(AWS\\)`));
  t.regex(handover.stderr, /3 object\(s\) kept read-only because AWS differs .*handover --refresh-spec/);
  t.deepEqual(await readOnlyKinds(client, namespace), ['Endpoint', 'ScalableTarget', 'ScalingPolicy'], 'the Model and EndpointConfig, unchanged in AWS, were handed over');

  await simulator.resyncNow();
  t.deepEqual(simulator.awsWrites, []);
  t.deepEqual(await describeEndpointStack(aws.endpoint, stack), changed, 'AWS is as the person left it');
});

test('negative control: handover --skip-aws-check releases the drifted objects and ACK rolls AWS back at its next resync', async (t) => {
  const { namespace, stack, simulator } = await duringOverlap(t, client, aws, 'drift-rollback');
  await changeAws(aws, stack);
  await removeOldObjects(client, namespace);
  const handover = await migrate(aws, ['handover', '-n', namespace, '--yes', '--skip-aws-check']);
  t.is(handover.code, 0, handover.stderr);
  t.regex(handover.stderr, /was not compared with AWS; a rollback by ACK is not ruled out/);
  await simulator.resyncNow();
  const after = await describeEndpointStack(aws.endpoint, stack);
  t.is(after.endpoint['EndpointConfigName'], stack.config, 'the endpoint is pointed back at the old config');
  t.like(after.target, { MinCapacity: 1, MaxCapacity: 4 });
  t.like(after.policy, { TargetTrackingScalingPolicyConfiguration: { TargetValue: 60 } });
  t.true(simulator.awsWrites.some((write) => write.startsWith('UpdateEndpoint')), simulator.awsWrites.join('\n'));
});

test('handover --refresh-spec copies AWS into the spec (whole sub-objects, suspended scale-in included), releases, and ACK writes nothing after', async (t) => {
  const { namespace, stack, simulator } = await duringOverlap(t, client, aws, 'drift-refresh');
  await changeAws(aws, stack);
  await scaleTarget(aws.endpoint, stack, 2, 8, { DynamicScalingInSuspended: true, DynamicScalingOutSuspended: false, ScheduledScalingSuspended: false });
  await retunePolicy(aws.endpoint, stack, 80, { DisableScaleIn: true });
  await removeOldObjects(client, namespace);
  const changed = await describeEndpointStack(aws.endpoint, stack);

  const manifests = await migrate(aws, ['handover', '-n', namespace, '--refresh-spec', '--dry-run', '-o', 'yaml']);
  t.is(manifests.code, 0, manifests.stderr);
  t.regex(manifests.stdout, /maxCapacity: 8/);
  t.regex(manifests.stdout, /dynamicScalingInSuspended: true/);
  t.deepEqual(await readOnlyKinds(client, namespace), ['Endpoint', 'EndpointConfig', 'Model', 'ScalableTarget', 'ScalingPolicy'], 'a dry run changes nothing');

  const handover = await migrate(aws, ['handover', '-n', namespace, '--refresh-spec', '--yes']);
  t.is(handover.code, 0, handover.stderr);
  t.regex(handover.stderr + handover.stdout, /next resync/);
  t.deepEqual(await readOnlyKinds(client, namespace), []);
  const [target] = await client.listAll(ACK_KINDS.ScalableTarget, { namespace });
  t.like(target!.spec, { minCapacity: 2, maxCapacity: 8, suspendedState: { dynamicScalingInSuspended: true } });

  await simulator.resyncNow();
  await simulator.resyncNow();
  t.deepEqual(simulator.awsWrites, []);
  t.deepEqual(await describeEndpointStack(aws.endpoint, stack), changed);
});

test('cleanup keeps the old objects of a drifted target (exit 5), and with --refresh-spec removes them with AWS unchanged', async (t) => {
  const { namespace, stack } = await duringOverlap(t, client, aws, 'drift-cleanup');
  await scaleTarget(aws.endpoint, stack, 2, 8);
  const refused = await migrate(aws, ['cleanup', '-n', namespace, '--yes', '--backup-dir', backupDirectory()]);
  t.is(refused.code, 5, refused.stderr);
  t.regex(refused.stdout + refused.stderr, /maxCapacity: 4 \(ACK spec\) -> 8 \(AWS\)/);
  t.regex(refused.stderr, /kept because an AWS resource they stand for vanished, changed since adoption, or could not be read.*HostingAutoscalingPolicy\/hap.*cleanup --refresh-spec/);
  t.truthy(await client.get(oldType('HostingAutoscalingPolicy'), 'hap', namespace));
  t.is((await client.listAll(oldType('HostingDeployment'), { namespace })).length, 0, 'the HostingDeployment, whose resources match, was removed');

  const refreshed = await migrate(aws, ['cleanup', '-n', namespace, '--yes', '--refresh-spec', '--backup-dir', backupDirectory()]);
  t.is(refreshed.code, 0, refreshed.stderr);
  t.is((await client.listAll(oldType('HostingAutoscalingPolicy'), { namespace })).length, 0);
  t.like((await describeEndpointStack(aws.endpoint, stack)).target, { MinCapacity: 2, MaxCapacity: 8 });
});

test('a resource replaced in AWS is never cleaned up: cleanup keeps its old object and names what the endpoint serves now', async (t) => {
  const { namespace, stack } = await duringOverlap(t, client, aws, 'vanished');
  // What the old operator does when a HostingDeployment is edited: new config, endpoint moved, old config and model deleted.
  const replacement = `${stack.model}-v2`;
  await callAws(aws.endpoint, 'sagemaker', REGION, 'CreateModel', { ModelName: replacement, ExecutionRoleArn: stack.role, PrimaryContainer: { Image: stack.image } });
  await callAws(aws.endpoint, 'sagemaker', REGION, 'CreateEndpointConfig', {
    EndpointConfigName: `${stack.config}-v2`,
    ProductionVariants: [{ VariantName: stack.variant, ModelName: replacement, InitialInstanceCount: 1, InstanceType: stack.instanceType }],
  });
  await callAws(aws.endpoint, 'sagemaker', REGION, 'UpdateEndpoint', { EndpointName: stack.endpoint, EndpointConfigName: `${stack.config}-v2` });
  await callAws(aws.endpoint, 'sagemaker', REGION, 'DeleteEndpointConfig', { EndpointConfigName: stack.config });
  await callAws(aws.endpoint, 'sagemaker', REGION, 'DeleteModel', { ModelName: stack.model });

  const cleanup = await migrate(aws, ['cleanup', '-n', namespace, '--yes', '--backup-dir', backupDirectory()]);
  t.is(cleanup.code, 5, cleanup.stderr);
  t.regex(cleanup.stdout + cleanup.stderr, new RegExp(`Model ${stack.model} no longer exists in AWS \\(${REGION}\\): it was replaced .*endpoint ${stack.endpoint} now serves EndpointConfig ${stack.config}-v2 with model\\(s\\) ${replacement}: adopt those first`));
  t.truthy(await client.get(oldType('HostingDeployment'), 'host', namespace), 'the HostingDeployment is kept');
});

test('AWS that cannot be read stops the objects concerned with one line and exit 5: no credentials, another account', async (t) => {
  const { namespace } = await duringOverlap(t, client, aws, 'aws-access');
  await removeOldObjects(client, namespace);
  const { AWS_ACCESS_KEY_ID: _id, AWS_SECRET_ACCESS_KEY: _secret, ...withoutKeys } = awsEnvironment(aws);
  const noCredentials = await migrate(aws, ['handover', '-n', namespace, '--yes'], withoutKeys);
  t.is(noCredentials.code, 5, noCredentials.stderr);
  t.regex(noCredentials.stdout + noCredentials.stderr, /AWS could not be read: no AWS credentials from the default credential chain .*aws configure, aws sso login/);
  t.deepEqual(await readOnlyKinds(client, namespace), ['Endpoint', 'EndpointConfig', 'Model', 'ScalableTarget', 'ScalingPolicy']);

  const [model] = await client.listAll(ACK_KINDS.Model, { namespace });
  const metadata = model!.status!['ackResourceMetadata'] as Record<string, unknown>;
  await client.patchStatus(ACK_KINDS.Model, model!.metadata.name, namespace, { status: { ackResourceMetadata: { ...metadata, ownerAccountID: '210987654321' } } });
  writeFileSync(path.join(directory, 'config'), '[profile other-account]\nregion = us-east-2\n');
  writeFileSync(path.join(directory, 'credentials'), '[other-account]\naws_access_key_id = testing\naws_secret_access_key = testing\n');
  const env = awsEnvironment(aws, { AWS_CONFIG_FILE: path.join(directory, 'config'), AWS_SHARED_CREDENTIALS_FILE: path.join(directory, 'credentials') });
  const otherAccount = await migrate(aws, ['handover', '-n', namespace, '--yes', '--aws-profile-for', '210987654321=other-account'], env);
  t.is(otherAccount.code, 5, otherAccount.stderr);
  t.regex(otherAccount.stdout + otherAccount.stderr, /the AWS credentials of profile other-account are for account 123456789012, but the resource belongs to account 210987654321/);
  t.deepEqual(await readOnlyKinds(client, namespace), ['Model'], 'every other object was handed over');
});

test('an object whose read-only annotation was dropped during the overlap is reported by cleanup and handover as possibly written by ACK, with its drift', async (t) => {
  const { namespace, stack } = await duringOverlap(t, client, aws, 'overlap-ended');
  const [target] = await client.listAll(ACK_KINDS.ScalableTarget, { namespace });
  // What a GitOps sync of a manifest without the annotation does.
  await client.mergePatch(ACK_KINDS.ScalableTarget, target!.metadata.name, namespace, { metadata: { annotations: { 'services.k8s.aws/read-only': null } } });
  await scaleTarget(aws.endpoint, stack, 2, 8);

  const handover = await migrate(aws, ['handover', '-n', namespace, '--dry-run']);
  t.is(handover.code, 5, handover.stderr);
  t.regex(handover.stderr, /not read-only while its old objects remain \(HostingAutoscalingPolicy [^)]+\): ACK may already have written to AWS; AWS differs from its spec/);
  t.regex(handover.stderr, /maxCapacity: 4 \(ACK spec\) -> 8 \(AWS\)/);

  const cleanup = await migrate(aws, ['cleanup', '-n', namespace, '--yes', '--backup-dir', backupDirectory()]);
  t.is(cleanup.code, 5, cleanup.stderr);
  t.regex(cleanup.stderr, /HostingAutoscalingPolicy\/hap +keep +AWS check: ScalableTarget\/\S+: AWS changed since adoption.*\(it is no longer read-only, so ACK may already have written to AWS\)/);
  t.truthy(await client.get(oldType('HostingAutoscalingPolicy'), 'hap', namespace));
});

test('an EndpointConfig whose spec was edited during the overlap is released with a warning that ACK will report an error: SageMaker cannot update it, so nothing rolls back', async (t) => {
  const { namespace, stack } = await duringOverlap(t, client, aws, 'unappliable');
  const [config] = await client.listAll(ACK_KINDS.EndpointConfig, { namespace });
  const variants = (config!.spec?.['productionVariants'] as Array<Record<string, unknown>>).map((variant) => ({ ...variant, instanceType: 'ml.m5.xlarge' }));
  // What a GitOps sync of an edited manifest does to the read-only object.
  await client.mergePatch(ACK_KINDS.EndpointConfig, config!.metadata.name, namespace, { spec: { productionVariants: variants } });
  await removeOldObjects(client, namespace);
  const handover = await migrate(aws, ['handover', '-n', namespace, '--yes']);
  t.is(handover.code, 0, handover.stderr);
  t.regex(handover.stderr, new RegExp(`EndpointConfig/${config!.metadata.name}: its spec differs from AWS where SageMaker cannot update it, so ACK will report an error after release \\(AWS is not changed\\): productionVariants\\[0\\]\\.instanceType: ml\\.m5\\.xlarge \\(ACK spec\\) -> ${stack.instanceType.replaceAll('.', '\\.')} \\(AWS\\)`));
  t.deepEqual(await readOnlyKinds(client, namespace), []);
});
