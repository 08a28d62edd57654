// The only place that talks to AWS, and only to read: Describe calls and STS GetCallerIdentity, with the user's own
// configuration as the AWS CLI reads it (the SDK's default chain: environment, shared files and profiles, SSO, web
// identity / IRSA, process credentials; AWS_ENDPOINT_URL and the per-service variants; AWS_MAX_ATTEMPTS and
// AWS_RETRY_MODE, so throttling is retried with the SDK's backoff). Loaded only by commands that read AWS.

import { ApplicationAutoScalingClient, DescribeScalableTargetsCommand, DescribeScalingPoliciesCommand, type ServiceNamespace } from '@aws-sdk/client-application-auto-scaling';
import {
  DescribeEndpointCommand,
  DescribeEndpointConfigCommand,
  DescribeHyperParameterTuningJobCommand,
  DescribeModelCommand,
  DescribeProcessingJobCommand,
  DescribeTrainingJobCommand,
  DescribeTransformJobCommand,
  SageMakerClient,
} from '@aws-sdk/client-sagemaker';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { fromNodeProviderChain } from '@aws-sdk/credential-providers';
import { asAckShape } from './ack-names.ts';
import { AwsAccessError, awsErrorFrom } from './errors.ts';
import type { AwsLocation, AwsReader, AwsReaderOptions, AwsResourceKind, AwsResourceState, EndpointServing } from './reader.ts';

type AwsCredentialProvider = ReturnType<typeof fromNodeProviderChain>;

/** SageMaker answers 400 ValidationException "Could not find ..." (or ResourceNotFound) for a resource that is not there. */
function isSageMakerNotFound(error: unknown): boolean {
  const failure = error as { name?: string; message?: string };
  return (failure.name === 'ValidationException' || failure.name === 'ResourceNotFound') && /could not find|not found|does not exist/i.test(failure.message ?? '');
}

const SAGEMAKER_DESCRIBE = {
  TrainingJob: { action: 'sagemaker:DescribeTrainingJob', send: (client: SageMakerClient, ids: Record<string, string>) => client.send(new DescribeTrainingJobCommand({ TrainingJobName: ids['trainingJobName'] })) },
  HyperParameterTuningJob: {
    action: 'sagemaker:DescribeHyperParameterTuningJob',
    send: (client: SageMakerClient, ids: Record<string, string>) => client.send(new DescribeHyperParameterTuningJobCommand({ HyperParameterTuningJobName: ids['hyperParameterTuningJobName'] })),
  },
  TransformJob: { action: 'sagemaker:DescribeTransformJob', send: (client: SageMakerClient, ids: Record<string, string>) => client.send(new DescribeTransformJobCommand({ TransformJobName: ids['transformJobName'] })) },
  ProcessingJob: { action: 'sagemaker:DescribeProcessingJob', send: (client: SageMakerClient, ids: Record<string, string>) => client.send(new DescribeProcessingJobCommand({ ProcessingJobName: ids['processingJobName'] })) },
  Model: { action: 'sagemaker:DescribeModel', send: (client: SageMakerClient, ids: Record<string, string>) => client.send(new DescribeModelCommand({ ModelName: ids['modelName'] })) },
  EndpointConfig: { action: 'sagemaker:DescribeEndpointConfig', send: (client: SageMakerClient, ids: Record<string, string>) => client.send(new DescribeEndpointConfigCommand({ EndpointConfigName: ids['endpointConfigName'] })) },
  Endpoint: { action: 'sagemaker:DescribeEndpoint', send: (client: SageMakerClient, ids: Record<string, string>) => client.send(new DescribeEndpointCommand({ EndpointName: ids['endpointName'] })) },
} as const;

/** The ARN field of each SageMaker answer. */
const ARN_FIELD: Partial<Record<AwsResourceKind, string>> = {
  TrainingJob: 'TrainingJobArn',
  HyperParameterTuningJob: 'HyperParameterTuningJobArn',
  TransformJob: 'TransformJobArn',
  ProcessingJob: 'ProcessingJobArn',
  Model: 'ModelArn',
  EndpointConfig: 'EndpointConfigArn',
  Endpoint: 'EndpointArn',
};

export class AwsClient implements AwsReader {
  private readonly options: AwsReaderOptions;
  private readonly credentials = new Map<string, AwsCredentialProvider>();
  private readonly sageMaker = new Map<string, SageMakerClient>();
  private readonly autoScaling = new Map<string, ApplicationAutoScalingClient>();
  /** The account each profile's credentials belong to, asked once per run. */
  private readonly accounts = new Map<string, Promise<string>>();

  constructor(options: AwsReaderOptions = {}) {
    this.options = options;
  }

  /** The profile used for an account: its own (--aws-profile-for), else --aws-profile, else the default chain. */
  profileFor(account: string | undefined): string | undefined {
    return (account ? this.options.profilesByAccount?.[account] : undefined) ?? this.options.profile;
  }

  async describe(kind: AwsResourceKind, identifiers: Record<string, string>, location: AwsLocation): Promise<AwsResourceState> {
    const profile = await this.checkedProfile(location);
    if (kind === 'ScalableTarget') return await this.describeScalableTarget(identifiers, location.region, profile);
    if (kind === 'ScalingPolicy') return await this.describeScalingPolicy(identifiers, location.region, profile);
    const call = SAGEMAKER_DESCRIBE[kind];
    let answer: Record<string, unknown>;
    try {
      answer = (await call.send(this.sageMakerClient(location.region, profile), identifiers)) as unknown as Record<string, unknown>;
    } catch (error) {
      if (isSageMakerNotFound(error)) return { exists: false };
      throw awsErrorFrom(error, { action: call.action, region: location.region, profile });
    }
    // ACK's Endpoint reads DescribeEndpoint's LastDeploymentConfig into spec.deploymentConfig (generator.yaml renames).
    const { LastDeploymentConfig, ...rest } = answer;
    const renamed = kind === 'Endpoint' && LastDeploymentConfig !== undefined ? { ...rest, DeploymentConfig: LastDeploymentConfig } : rest;
    const arnField = ARN_FIELD[kind];
    return { exists: true, spec: asAckShape(renamed) as Record<string, unknown>, arn: arnField ? (answer[arnField] as string | undefined) : undefined };
  }

  async endpointServing(endpointName: string, location: AwsLocation): Promise<EndpointServing | undefined> {
    const endpoint = await this.describe('Endpoint', { endpointName }, location);
    if (!endpoint.exists) return undefined;
    const endpointConfigName = String(endpoint.spec['endpointConfigName'] ?? '');
    const config = await this.describe('EndpointConfig', { endpointConfigName }, location);
    const variants = config.exists ? ((config.spec['productionVariants'] as Array<{ modelName?: string }> | undefined) ?? []) : [];
    return { endpointConfigName, modelNames: variants.map((variant) => variant.modelName ?? '').filter(Boolean) };
  }

  close(): void {
    for (const client of [...this.sageMaker.values(), ...this.autoScaling.values()]) client.destroy();
  }

  private async describeScalableTarget(identifiers: Record<string, string>, region: string, profile: string | undefined): Promise<AwsResourceState> {
    const action = 'application-autoscaling:DescribeScalableTargets';
    try {
      const answer = await this.autoScalingClient(region, profile).send(
        new DescribeScalableTargetsCommand({
          ServiceNamespace: identifiers['serviceNamespace'] as ServiceNamespace,
          ResourceIds: [identifiers['resourceID'] ?? ''],
          ...(identifiers['scalableDimension'] ? { ScalableDimension: identifiers['scalableDimension'] as never } : {}),
        }),
      );
      const found = (answer.ScalableTargets ?? []).find((target) => target.ResourceId === identifiers['resourceID']);
      if (!found) return { exists: false };
      const { CreationTime: _created, ScalableTargetARN, ...spec } = found;
      return { exists: true, spec: asAckShape(spec) as Record<string, unknown>, arn: ScalableTargetARN };
    } catch (error) {
      throw awsErrorFrom(error, { action, region, profile });
    }
  }

  private async describeScalingPolicy(identifiers: Record<string, string>, region: string, profile: string | undefined): Promise<AwsResourceState> {
    const action = 'application-autoscaling:DescribeScalingPolicies';
    try {
      const answer = await this.autoScalingClient(region, profile).send(
        new DescribeScalingPoliciesCommand({
          ServiceNamespace: identifiers['serviceNamespace'] as ServiceNamespace,
          ResourceId: identifiers['resourceID'],
          ...(identifiers['scalableDimension'] ? { ScalableDimension: identifiers['scalableDimension'] as never } : {}),
          PolicyNames: [identifiers['policyName'] ?? ''],
        }),
      );
      const found = (answer.ScalingPolicies ?? []).find((policy) => policy.PolicyName === identifiers['policyName'] && policy.ResourceId === identifiers['resourceID']);
      if (!found) return { exists: false };
      const { CreationTime: _created, Alarms: _alarms, PolicyARN, ...spec } = found;
      return { exists: true, spec: asAckShape(spec) as Record<string, unknown>, arn: PolicyARN };
    } catch (error) {
      throw awsErrorFrom(error, { action, region, profile });
    }
  }

  /** The profile for the location's account, once its credentials are shown to belong to that account. */
  private async checkedProfile(location: AwsLocation): Promise<string | undefined> {
    const profile = this.profileFor(location.account);
    if (!location.account) return profile;
    const actual = await this.accountOf(profile, location.region);
    if (actual !== location.account) {
      const source = profile ? `profile ${profile}` : 'the default credential chain';
      throw new AwsAccessError(
        `the AWS credentials of ${source} are for account ${actual}, but the resource belongs to account ${location.account}: pass --aws-profile-for ${location.account}=PROFILE with a profile of that account`,
      );
    }
    return profile;
  }

  private accountOf(profile: string | undefined, region: string): Promise<string> {
    const key = profile ?? '';
    let account = this.accounts.get(key);
    if (!account) {
      const sts = new STSClient({ region, credentials: this.credentialsFor(profile), ...(profile ? { profile } : {}) });
      account = sts
        .send(new GetCallerIdentityCommand({}))
        .then((identity) => identity.Account ?? '')
        .catch((error: unknown) => {
          throw awsErrorFrom(error, { action: 'sts:GetCallerIdentity', region, profile });
        })
        .finally(() => sts.destroy());
      this.accounts.set(key, account);
    }
    return account;
  }

  private credentialsFor(profile: string | undefined): AwsCredentialProvider {
    const key = profile ?? '';
    let provider = this.credentials.get(key);
    if (!provider) {
      provider = fromNodeProviderChain(profile ? { profile } : {});
      this.credentials.set(key, provider);
    }
    return provider;
  }

  private sageMakerClient(region: string, profile: string | undefined): SageMakerClient {
    return this.cached(this.sageMaker, region, profile, (config) => new SageMakerClient(config));
  }

  private autoScalingClient(region: string, profile: string | undefined): ApplicationAutoScalingClient {
    return this.cached(this.autoScaling, region, profile, (config) => new ApplicationAutoScalingClient(config));
  }

  /** One client per service, profile and region for the whole run, so connections and credentials are reused. */
  private cached<Client>(clients: Map<string, Client>, region: string, profile: string | undefined, make: (config: { region: string; credentials: AwsCredentialProvider; profile?: string }) => Client): Client {
    const key = `${profile ?? ''}|${region}`;
    let client = clients.get(key);
    if (!client) {
      client = make({ region, credentials: this.credentialsFor(profile), ...(profile ? { profile } : {}) });
      clients.set(key, client);
    }
    return client;
  }
}
