// The questions the migration asks AWS, as types only: the core depends on these, never on the SDK, which is loaded
// (by client.ts) only by the commands that read AWS. Every call behind them is a Describe, List or Get.

/** The AWS resource kinds the old operator made, named as their ACK kinds. */
export type AwsResourceKind =
  | 'TrainingJob'
  | 'HyperParameterTuningJob'
  | 'TransformJob'
  | 'ProcessingJob'
  | 'Model'
  | 'EndpointConfig'
  | 'Endpoint'
  | 'ScalableTarget'
  | 'ScalingPolicy';

/** Where a resource lives: its region, and the account that owns it when known (ACK's ownerAccountID). */
export interface AwsLocation {
  region: string;
  account: string | undefined;
}

/** A resource as AWS describes it now, under ACK's spec field names (see ack-names.ts); absent when it does not exist. */
export type AwsResourceState = { exists: false } | { exists: true; spec: Record<string, unknown>; arn: string | undefined };

/** What an endpoint serves now: its EndpointConfig and the models of its variants. */
export interface EndpointServing {
  endpointConfigName: string;
  modelNames: string[];
}

export interface AwsReader {
  /** Throws AwsAccessError when AWS cannot be read for this location (credentials, rights, account, region). */
  describe(kind: AwsResourceKind, identifiers: Record<string, string>, location: AwsLocation): Promise<AwsResourceState>;
  /** What the endpoint serves now, or undefined when it does not exist. */
  endpointServing(endpointName: string, location: AwsLocation): Promise<EndpointServing | undefined>;
}

export interface AwsReaderOptions {
  /** --aws-profile: the profile for every account without its own; else the default chain (AWS_PROFILE, env, SSO, IRSA...). */
  profile?: string | undefined;
  /** --aws-profile-for ACCOUNT=PROFILE: the profile for one account's objects (ACK's cross-account mapping). */
  profilesByAccount?: Record<string, string>;
}
