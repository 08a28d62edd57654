// The adoption simulator's AWS side when AWS is moto: what ACK's resource managers call (ReadOne = the kind's
// Describe, Update, Delete) and how ACK turns AWS's answers into its objects. Written here from the controllers'
// sources (sagemaker-controller v1.9.1, applicationautoscaling-controller v1.4.1: pkg/resource/<kind>/sdk.go,
// generator.yaml), NOT imported from the plugin's src/: a wrong conversion in the plugin must not be matched by the
// same wrong conversion in its model of ACK.
//
// AWS answers become ACK fields through the kind's real CRD (read from the API server): an AWS key becomes the CRD
// property it names (ACK's names differ from AWS's only in case and initialisms: ModelDataUrl -> modelDataURL,
// ResourceId -> resourceID, and a trailing `_` on Go keywords: Type -> type_); keys without a property are dropped, as
// ACK's generated setters only copy fields of the shape; spec properties go to spec, read-only ones to status.

import type { KubeClient } from '../../src/kube/client.ts';
import type { ResourceType } from '../../src/kube/objects.ts';
import { AwsError, callAws, FAKE_CREDENTIALS } from './moto.ts';
import type { SimulatedKind } from './simulated-aws.ts';

export interface AwsReading {
  spec: Record<string, unknown>;
  status: Record<string, unknown>;
  arn: string;
}

/** One write to AWS as ACK sends it: the action and its whole input. */
export interface AwsWrite {
  action: string;
  input: Record<string, unknown>;
}

export interface Schema {
  type?: string;
  format?: string;
  properties?: Record<string, Schema>;
  additionalProperties?: Schema | boolean;
  items?: Schema;
}

type Service = 'sagemaker' | 'application-autoscaling';
type Spec = Record<string, unknown>;

interface AwsKind {
  service: Service;
  /** The Describe call of ReadOne and the one resource of its answer (undefined: not found). */
  describe(spec: Spec): { action: string; input: Record<string, unknown>; pick(answer: Record<string, unknown>): Record<string, unknown> | undefined };
  arnField: string;
  /** ACK's renames of output fields (generator.yaml `renames`), applied before names are matched. */
  renames?: Record<string, string>;
  /** Status fields generator.yaml fills from another output field (`from: path`). */
  statusFrom?: Record<string, string>;
  /** The kind's Update call (sdkUpdate), built from the stored spec; absent where the controller has none. */
  update?(spec: Spec): AwsWrite;
  /** The kind's Delete call (sdkDelete). */
  delete(spec: Spec): AwsWrite;
  /**
   * Spec fields outside the Describe output: ReadOne starts from a copy of the desired object and sets only the
   * output's fields, so these keep the desired value (the tags of a SageMaker resource, which Describe never returns).
   */
  keptFromDesired?: string[];
}

const text = (spec: Spec, field: string): string => String(spec[field] ?? '');

function sageMakerKind(kind: string, options: { update?: (spec: Spec) => AwsWrite; deleteAction?: string } = {}): AwsKind {
  const nameField = `${kind}Name`;
  const specField = nameField.charAt(0).toLowerCase() + nameField.slice(1);
  return {
    service: 'sagemaker',
    describe: (spec) => ({ action: `Describe${kind}`, input: { [nameField]: text(spec, specField) }, pick: (answer) => answer }),
    arnField: `${kind}Arn`,
    keptFromDesired: ['tags'],
    ...(options.update ? { update: options.update } : {}),
    delete: (spec) => ({ action: options.deleteAction ?? `Delete${kind}`, input: { [nameField]: text(spec, specField) } }),
  };
}

/** The identifiers of an Application Auto Scaling object, in AWS's names. */
function scalableTargetOf(spec: Spec): Record<string, unknown> {
  return { ServiceNamespace: spec['serviceNamespace'], ResourceId: spec['resourceID'], ScalableDimension: spec['scalableDimension'] };
}

const AWS_KINDS: Record<string, AwsKind> = {
  TrainingJob: sageMakerKind('TrainingJob', { deleteAction: 'StopTrainingJob' }),
  HyperParameterTuningJob: sageMakerKind('HyperParameterTuningJob', { deleteAction: 'StopHyperParameterTuningJob' }),
  TransformJob: sageMakerKind('TransformJob', { deleteAction: 'StopTransformJob' }),
  ProcessingJob: sageMakerKind('ProcessingJob', { deleteAction: 'StopProcessingJob' }),
  Model: sageMakerKind('Model'),
  EndpointConfig: sageMakerKind('EndpointConfig'),
  Endpoint: {
    ...sageMakerKind('Endpoint', {
      // generator.yaml: UpdateEndpoint override_values RetainAllVariantProperties: true; newUpdateRequestPayload
      // sends DeploymentConfig, EndpointConfigName and EndpointName of the stored spec.
      update: (spec) => ({
        action: 'UpdateEndpoint',
        input: {
          EndpointName: spec['endpointName'],
          EndpointConfigName: spec['endpointConfigName'],
          RetainAllVariantProperties: true,
          ...(spec['deploymentConfig'] !== undefined ? { DeploymentConfig: toAwsNames(spec['deploymentConfig']) } : {}),
        },
      }),
    }),
    renames: { LastDeploymentConfig: 'DeploymentConfig' },
  },
  ScalableTarget: {
    service: 'application-autoscaling',
    describe: (spec) => ({
      action: 'DescribeScalableTargets',
      input: { ServiceNamespace: spec['serviceNamespace'], ResourceIds: [spec['resourceID']], ...(spec['scalableDimension'] ? { ScalableDimension: spec['scalableDimension'] } : {}) },
      pick: (answer) => (answer['ScalableTargets'] as Array<Record<string, unknown>>).find((target) => target['ResourceId'] === spec['resourceID']),
    }),
    arnField: 'ScalableTargetARN',
    statusFrom: { lastModifiedTime: 'CreationTime' },
    // RegisterScalableTarget is both Create and Update (generator.yaml); the payload is the whole spec.
    update: (spec) => ({
      action: 'RegisterScalableTarget',
      input: {
        ...scalableTargetOf(spec),
        ...(spec['minCapacity'] !== undefined ? { MinCapacity: spec['minCapacity'] } : {}),
        ...(spec['maxCapacity'] !== undefined ? { MaxCapacity: spec['maxCapacity'] } : {}),
        ...(spec['roleARN'] !== undefined ? { RoleARN: spec['roleARN'] } : {}),
        ...(spec['suspendedState'] !== undefined ? { SuspendedState: toAwsNames(spec['suspendedState']) } : {}),
      },
    }),
    delete: (spec) => ({ action: 'DeregisterScalableTarget', input: scalableTargetOf(spec) }),
  },
  ScalingPolicy: {
    service: 'application-autoscaling',
    describe: (spec) => ({
      action: 'DescribeScalingPolicies',
      input: { ServiceNamespace: spec['serviceNamespace'], ResourceId: spec['resourceID'], ScalableDimension: spec['scalableDimension'], PolicyNames: [spec['policyName']] },
      pick: (answer) => (answer['ScalingPolicies'] as Array<Record<string, unknown>>).find((policy) => policy['PolicyName'] === spec['policyName']),
    }),
    arnField: 'PolicyARN',
    statusFrom: { lastModifiedTime: 'CreationTime' },
    // PutScalingPolicy is both Create and Update: the whole stored configuration is sent.
    update: (spec) => ({
      action: 'PutScalingPolicy',
      input: {
        PolicyName: spec['policyName'],
        ...scalableTargetOf(spec),
        ...(spec['policyType'] !== undefined ? { PolicyType: spec['policyType'] } : {}),
        ...(spec['stepScalingPolicyConfiguration'] !== undefined ? { StepScalingPolicyConfiguration: toAwsNames(spec['stepScalingPolicyConfiguration']) } : {}),
        ...(spec['targetTrackingScalingPolicyConfiguration'] !== undefined
          ? { TargetTrackingScalingPolicyConfiguration: toAwsNames(spec['targetTrackingScalingPolicyConfiguration']) }
          : {}),
      },
    }),
    delete: (spec) => ({ action: 'DeleteScalingPolicy', input: { PolicyName: spec['policyName'], ...scalableTargetOf(spec) } }),
  },
};

/** ACK field names back to AWS's, for the write payloads above: capitalised, `type_` -> Type, a final ID -> Id. */
function toAwsNames(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(toAwsNames);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, inner]) => {
      const bare = key.replace(/_$/, '');
      return [(bare.charAt(0).toUpperCase() + bare.slice(1)).replace(/ID$/, 'Id'), toAwsNames(inner)];
    }),
  );
}

const CRD_TYPE: ResourceType = { group: 'apiextensions.k8s.io', version: 'v1', kind: 'CustomResourceDefinition', plural: 'customresourcedefinitions', namespaced: false };

/** ACK's AWS client for the simulator, against moto (or anything that answers like AWS) at `endpoint`. */
export class AckAws {
  private readonly schemas = new Map<string, Promise<{ spec: Schema; status: Schema }>>();
  private account?: Promise<string>;

  constructor(private readonly client: KubeClient, readonly endpoint: string) {}

  /** STS GetCallerIdentity, as the ACK runtime asks it once for ownerAccountID. */
  accountID(): Promise<string> {
    this.account ??= (async () => {
      const response = await fetch(this.endpoint, {
        method: 'POST',
        headers: {
          'Content-Type': 'application/x-www-form-urlencoded',
          Authorization: `AWS4-HMAC-SHA256 Credential=${FAKE_CREDENTIALS.AWS_ACCESS_KEY_ID}/20260101/us-east-1/sts/aws4_request, SignedHeaders=host, Signature=0`,
        },
        body: 'Action=GetCallerIdentity&Version=2011-06-15',
      });
      const account = /<Account>([^<]+)<\/Account>/.exec(await response.text())?.[1];
      if (!account) throw new Error(`STS GetCallerIdentity at ${this.endpoint}: HTTP ${response.status}, no account`);
      return account;
    })();
    return this.account;
  }

  /** The spec and status schemas of the kind's CRD as installed. */
  schemaOf(kind: SimulatedKind): Promise<{ spec: Schema; status: Schema }> {
    let schema = this.schemas.get(kind.kind);
    if (!schema) {
      schema = this.client.get(CRD_TYPE, `${kind.plural}.${kind.group}`).then((crd) => {
        const versions = (crd.spec?.['versions'] as Array<{ name: string; schema: { openAPIV3Schema: Schema } }>) ?? [];
        const root = versions.find((version) => version.name === kind.version)?.schema.openAPIV3Schema;
        return { spec: root?.properties?.['spec'] ?? {}, status: root?.properties?.['status'] ?? {} };
      });
      this.schemas.set(kind.kind, schema);
    }
    return schema;
  }

  /** ReadOne of the desired `spec`: the kind's Describe with its identifiers; undefined when AWS says it does not exist. */
  async read(kind: SimulatedKind, spec: Spec, region: string): Promise<AwsReading | undefined> {
    const awsKind = AWS_KINDS[kind.kind];
    if (!awsKind) throw new Error(`no AWS model of ${kind.kind}`);
    const call = awsKind.describe(spec);
    let answer: Record<string, unknown>;
    try {
      answer = await callAws(this.endpoint, awsKind.service, region, call.action, call.input);
    } catch (error) {
      if (error instanceof AwsError && error.notFound) return undefined;
      throw error;
    }
    const described = call.pick(answer);
    if (!described) return undefined;
    const schema = await this.schemaOf(kind);
    const renamed = Object.fromEntries(Object.entries(described).map(([key, value]) => [awsKind.renames?.[key] ?? key, value]));
    const readSpec: Spec = {};
    const status: Spec = {};
    for (const [key, value] of Object.entries(renamed)) {
      const specField = propertyFor(schema.spec, key);
      const statusField = propertyFor(schema.status, key);
      const target = specField ? readSpec : statusField ? status : undefined;
      const field = specField ?? statusField;
      if (!target || !field) continue;
      const converted = fromAws(value, (specField ? schema.spec : schema.status).properties![field]!);
      if (converted !== undefined) target[field] = converted;
    }
    for (const [field, source] of Object.entries(awsKind.statusFrom ?? {})) {
      const converted = fromAws(described[source], schema.status.properties?.[field] ?? {});
      if (converted !== undefined) status[field] = converted;
    }
    for (const field of awsKind.keptFromDesired ?? []) if (spec[field] !== undefined) readSpec[field] = spec[field];
    return { spec: readSpec, status, arn: String(described[awsKind.arnField] ?? '') };
  }

  /** The kind's Update payload for this spec, or undefined when its controller cannot update (sdkUpdate: NotImplemented). */
  updateOf(kind: SimulatedKind, spec: Spec): AwsWrite | undefined {
    return AWS_KINDS[kind.kind]?.update?.(spec);
  }

  deleteOf(kind: SimulatedKind, spec: Spec): AwsWrite {
    const awsKind = AWS_KINDS[kind.kind];
    if (!awsKind) throw new Error(`no AWS model of ${kind.kind}`);
    return awsKind.delete(spec);
  }

  async send(kind: SimulatedKind, write: AwsWrite, region: string): Promise<void> {
    await callAws(this.endpoint, AWS_KINDS[kind.kind]!.service, region, write.action, write.input);
  }
}

/** The CRD property an AWS key names: same letters, case aside, and a Go keyword's `_` suffix aside. */
function propertyFor(schema: Schema, awsKey: string): string | undefined {
  const wanted = awsKey.toLowerCase();
  return Object.keys(schema.properties ?? {}).find((property) => property.replace(/_$/, '').toLowerCase() === wanted);
}

/**
 * One AWS value as ACK stores it: structs keep their (converted) keys and stay even when empty (Go pointers to
 * structs, `vpcConfig: {}`); lists and maps that are empty or null vanish (omitempty); maps keep AWS's keys; epoch
 * seconds become RFC 3339 times (metav1.Time, whole seconds).
 */
function fromAws(value: unknown, schema: Schema): unknown {
  if (value === null || value === undefined) return undefined;
  if (Array.isArray(value)) {
    if (value.length === 0) return undefined;
    return value.map((item) => fromAws(item, schema.items ?? {})).filter((item) => item !== undefined);
  }
  if (schema.format === 'date-time' && typeof value === 'number') return new Date(Math.floor(value) * 1000).toISOString().replace('.000Z', 'Z');
  if (typeof value !== 'object') return value;
  const entries = Object.entries(value as Record<string, unknown>);
  if (schema.properties) {
    const struct: Spec = {};
    for (const [key, inner] of entries) {
      const field = propertyFor(schema, key);
      if (!field) continue;
      const converted = fromAws(inner, schema.properties[field]!);
      if (converted !== undefined) struct[field] = converted;
    }
    return struct;
  }
  if (entries.length === 0) return undefined;
  const itemSchema = typeof schema.additionalProperties === 'object' ? schema.additionalProperties : {};
  return Object.fromEntries(entries.map(([key, inner]) => [key, fromAws(inner, itemSchema)]));
}
