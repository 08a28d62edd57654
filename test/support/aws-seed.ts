// AWS resources for tests, made with the Create/Register/Put calls a person (or the old operator) makes, and the
// changes a person makes to them during the overlap between adoption and handover. Input shapes are AWS's own, so
// nothing here borrows from the plugin's or the simulator's model of ACK.

import { callAws } from './moto.ts';

export interface EndpointStackNames {
  model: string;
  config: string;
  endpoint: string;
  /** Default AllTraffic. */
  variant?: string;
  minCapacity: number;
  maxCapacity: number;
  targetValue: number;
  /** Default SageMakerEndpointInvocationScalingPolicy, the old operator's name. */
  policyName?: string;
  /** Default ml.m5.large. */
  instanceType?: string;
}

/** What was seeded, with the identifiers ACK objects name it by. */
export interface EndpointStack {
  region: string;
  model: string;
  config: string;
  endpoint: string;
  variant: string;
  policyName: string;
  /** `endpoint/<endpoint>/variant/<variant>` */
  resourceId: string;
  serviceNamespace: 'sagemaker';
  scalableDimension: 'sagemaker:variant:DesiredInstanceCount';
  role: string;
  image: string;
  modelDataUrl: string;
  instanceType: string;
}

const ROLE = 'arn:aws:iam::123456789012:role/sagemaker-role';
const IMAGE = '433757028032.dkr.ecr.us-west-2.amazonaws.com/xgboost:latest';

/**
 * A Model, an EndpointConfig with one variant on it, an InService Endpoint, its variant registered as a scalable
 * target and a target-tracking policy on SageMakerVariantInvocationsPerInstance (cooldowns 300 / 60), as in the
 * recorded run (shared/reference/ack-observed/).
 */
export async function seedEndpointStack(endpoint: string, region: string, names: EndpointStackNames): Promise<EndpointStack> {
  const stack: EndpointStack = {
    region,
    model: names.model,
    config: names.config,
    endpoint: names.endpoint,
    variant: names.variant ?? 'AllTraffic',
    policyName: names.policyName ?? 'SageMakerEndpointInvocationScalingPolicy',
    resourceId: `endpoint/${names.endpoint}/variant/${names.variant ?? 'AllTraffic'}`,
    serviceNamespace: 'sagemaker',
    scalableDimension: 'sagemaker:variant:DesiredInstanceCount',
    role: ROLE,
    image: IMAGE,
    modelDataUrl: `s3://ml-bucket/${names.model}/model.tar.gz`,
    instanceType: names.instanceType ?? 'ml.m5.large',
  };
  await callAws(endpoint, 'sagemaker', region, 'CreateModel', {
    ModelName: stack.model,
    ExecutionRoleArn: stack.role,
    PrimaryContainer: { Image: stack.image, ModelDataUrl: stack.modelDataUrl },
  });
  await createEndpointConfig(endpoint, stack, stack.config);
  await callAws(endpoint, 'sagemaker', region, 'CreateEndpoint', { EndpointName: stack.endpoint, EndpointConfigName: stack.config });
  // With SuspendedState, as in the recorded run (its ACK objects carry all three keys, false); moto 5.2.5 answers
  // null for a target registered without one.
  await scaleTarget(endpoint, stack, names.minCapacity, names.maxCapacity, { DynamicScalingInSuspended: false, DynamicScalingOutSuspended: false, ScheduledScalingSuspended: false });
  await callAws(endpoint, 'application-autoscaling', region, 'PutScalingPolicy', {
    PolicyName: stack.policyName,
    ...targetOf(stack),
    PolicyType: 'TargetTrackingScaling',
    TargetTrackingScalingPolicyConfiguration: {
      TargetValue: names.targetValue,
      PredefinedMetricSpecification: { PredefinedMetricType: 'SageMakerVariantInvocationsPerInstance' },
      ScaleInCooldown: 300,
      ScaleOutCooldown: 60,
    },
  });
  return stack;
}

/** A new EndpointConfig (same model and variant) and the endpoint moved onto it with UpdateEndpoint. */
export async function repointEndpoint(endpoint: string, stack: EndpointStack, newConfig: string, deploymentConfig?: Record<string, unknown>): Promise<void> {
  await createEndpointConfig(endpoint, stack, newConfig);
  await callAws(endpoint, 'sagemaker', stack.region, 'UpdateEndpoint', {
    EndpointName: stack.endpoint,
    EndpointConfigName: newConfig,
    ...(deploymentConfig ? { DeploymentConfig: deploymentConfig } : {}),
  });
}

/** RegisterScalableTarget on the variant, as `aws application-autoscaling register-scalable-target` does. */
export async function scaleTarget(
  endpoint: string,
  stack: EndpointStack,
  minCapacity: number,
  maxCapacity: number,
  suspendedState?: { DynamicScalingInSuspended?: boolean; DynamicScalingOutSuspended?: boolean; ScheduledScalingSuspended?: boolean },
): Promise<void> {
  await callAws(endpoint, 'application-autoscaling', stack.region, 'RegisterScalableTarget', {
    ...targetOf(stack),
    MinCapacity: minCapacity,
    MaxCapacity: maxCapacity,
    ...(suspendedState ? { SuspendedState: suspendedState } : {}),
  });
}

/**
 * PutScalingPolicy with a new TargetValue; `extra` replaces or adds keys of TargetTrackingScalingPolicyConfiguration
 * (AWS names: ScaleInCooldown, ScaleOutCooldown, DisableScaleIn, ...). The rest is the seeded configuration.
 */
export async function retunePolicy(endpoint: string, stack: EndpointStack, targetValue: number, extra: Record<string, unknown> = {}): Promise<void> {
  await callAws(endpoint, 'application-autoscaling', stack.region, 'PutScalingPolicy', {
    PolicyName: stack.policyName,
    ...targetOf(stack),
    PolicyType: 'TargetTrackingScaling',
    TargetTrackingScalingPolicyConfiguration: {
      TargetValue: targetValue,
      PredefinedMetricSpecification: { PredefinedMetricType: 'SageMakerVariantInvocationsPerInstance' },
      ScaleInCooldown: 300,
      ScaleOutCooldown: 60,
      ...extra,
    },
  });
}

/** What Describe says now: the endpoint, its scalable target and its policy, as AWS shapes them. */
export async function describeEndpointStack(endpoint: string, stack: EndpointStack): Promise<{ endpoint: Record<string, unknown>; target: Record<string, unknown>; policy: Record<string, unknown> }> {
  const described = await callAws(endpoint, 'sagemaker', stack.region, 'DescribeEndpoint', { EndpointName: stack.endpoint });
  const targets = await callAws(endpoint, 'application-autoscaling', stack.region, 'DescribeScalableTargets', {
    ServiceNamespace: stack.serviceNamespace,
    ResourceIds: [stack.resourceId],
    ScalableDimension: stack.scalableDimension,
  });
  const policies = await callAws(endpoint, 'application-autoscaling', stack.region, 'DescribeScalingPolicies', {
    ServiceNamespace: stack.serviceNamespace,
    ResourceId: stack.resourceId,
    ScalableDimension: stack.scalableDimension,
    PolicyNames: [stack.policyName],
  });
  const only = (list: unknown, what: string): Record<string, unknown> => {
    const items = list as Array<Record<string, unknown>>;
    if (items.length !== 1) throw new Error(`${what}: expected one, AWS has ${items.length}`);
    return items[0]!;
  };
  return { endpoint: described, target: only(targets['ScalableTargets'], 'scalable target'), policy: only(policies['ScalingPolicies'], 'scaling policy') };
}

async function createEndpointConfig(endpoint: string, stack: EndpointStack, name: string): Promise<void> {
  await callAws(endpoint, 'sagemaker', stack.region, 'CreateEndpointConfig', {
    EndpointConfigName: name,
    ProductionVariants: [{ VariantName: stack.variant, ModelName: stack.model, InitialInstanceCount: 1, InstanceType: stack.instanceType, InitialVariantWeight: 1 }],
  });
}

function targetOf(stack: EndpointStack): { ServiceNamespace: string; ResourceId: string; ScalableDimension: string } {
  return { ServiceNamespace: stack.serviceNamespace, ResourceId: stack.resourceId, ScalableDimension: stack.scalableDimension };
}
