// Translates an old-operator spec into the spec of the ACK object that adopts the same AWS resource (pure).
//
// With `adopt`, ACK replaces whatever spec it is given by the state it reads from AWS, so the translated spec never
// reaches AWS through adoption. It is there so that the object passes the ACK CRD's validation as a whole document, and
// so that a GitOps repository starts from the resource's real definition rather than from an empty spec.

import { stringAt, valueAt, type KubeObject } from '../../kube/objects.ts';

type Json = Record<string, unknown>;

/** How the ACK spec is built from an old object; named in the kinds table (kinds.ts). */
export type SpecSource =
  /** The old spec, field by field: the old kind and the ACK kind describe the same SageMaker API shape. */
  | 'old-spec'
  | 'hosting-endpoint'
  | 'hosting-endpoint-config'
  | 'hosting-model'
  | 'autoscaling-target'
  | 'autoscaling-policy';

/** Fields only the old operator understood: where it ran, not what it asked SageMaker for. */
const OPERATOR_ONLY_FIELDS = new Set(['region', 'sageMakerEndpoint']);

/** Fields the old operator kept as a list of {name, value} and ACK keeps as a string map. */
const NAME_VALUE_MAPS = new Set(['hyperParameters', 'staticHyperParameters', 'collectionParameters', 'ruleParameters', 'hookParameters', 'environment']);

/** Field names ACK spells differently for reasons no general rule covers. */
const RENAMED_FIELDS: Record<string, Record<string, string>> = {
  // The old operator stored the debug hook's HookParameters under the JSON name ruleParameters.
  debugHookConfig: { ruleParameters: 'hookParameters' },
};

/**
 * ACK's code generator spells initialisms in capitals (roleARN, kmsKeyID, s3URI, securityGroupIDs), turns the Go
 * keyword `type` into `type_`, and starts every name in lower case; the old operator wrote roleArn, kmsKeyId, s3Uri,
 * and JoinSource in one place.
 */
export function ackFieldName(oldName: string): string {
  let name = ACK_FIELD_NAMES.get(oldName);
  if (name === undefined) {
    const lowerFirst = oldName.charAt(0).toLowerCase() + oldName.slice(1);
    name = oldName === 'type' ? 'type_' : lowerFirst.replace(/(Arn|Ids|Id|Uri|Url|Kms)(?=[A-Z]|$)/g, (initialism) =>
      initialism === 'Ids' ? 'IDs' : initialism.toUpperCase(),
    );
    ACK_FIELD_NAMES.set(oldName, name);
  }
  return name;
}

/** The few dozen field names of the old CRDs, each spelled once however many objects carry it. */
const ACK_FIELD_NAMES = new Map<string, string>();

/** The old value in ACK's shape: field names renamed, name/value lists made maps, operator-only fields dropped. */
export function toAckShape(value: unknown, parentField = ''): unknown {
  if (Array.isArray(value)) return value.map((item) => toAckShape(item, parentField));
  if (value === null || typeof value !== 'object') return value;
  const result: Json = {};
  for (const [field, fieldValue] of Object.entries(value as Json)) {
    if (parentField === '' && OPERATOR_ONLY_FIELDS.has(field)) continue;
    const renamed = RENAMED_FIELDS[parentField]?.[field] ?? ackFieldName(field);
    result[renamed] = NAME_VALUE_MAPS.has(renamed) && isNameValueList(fieldValue) ? nameValueMap(fieldValue) : toAckShape(fieldValue, renamed);
  }
  return result;
}

function isNameValueList(value: unknown): value is Array<{ name?: unknown; value?: unknown }> {
  return Array.isArray(value) && value.every((item) => item !== null && typeof item === 'object' && 'name' in item);
}

function nameValueMap(list: Array<{ name?: unknown; value?: unknown }>): Record<string, string> {
  return Object.fromEntries(list.map((entry) => [String(entry.name), entry.value === undefined || entry.value === null ? '' : String(entry.value)]));
}

/** The ACK spec for one target of an old object; identifiers (the AWS names) always win over what the old spec says. */
export function translateSpec(source: SpecSource, object: KubeObject, item: string | undefined, identifiers: Record<string, string>): Json {
  // Identifiers first, so that the manifest reads name first; their values win over the old spec's.
  return withoutEmpty({ ...identifiers, ...BUILDERS[source](object, item), ...identifiers });
}

const BUILDERS: Record<SpecSource, (object: KubeObject, item: string | undefined) => Json> = {
  'old-spec': (object) => toAckShape(valueAt(object, 'spec') ?? {}) as Json,

  'hosting-endpoint': (object) => ({
    endpointConfigName: stringAt(object, 'status.endpointConfigName'),
    tags: toAckShape(valueAt(object, 'spec.tags')),
  }),

  // The old operator resolved each variant's model name to the SageMaker model it created (status.modelNames).
  'hosting-endpoint-config': (object) => {
    const awsModelNames = sageMakerModelNames(object);
    return {
      productionVariants: listAt(object, 'spec.productionVariants').map((variant) => {
        const modelName = stringAt(variant, 'modelName');
        return { ...(toAckShape(variant) as Json), modelName: (modelName && awsModelNames.get(modelName)) ?? modelName };
      }),
      kmsKeyID: stringAt(object, 'spec.kmsKeyId'),
      tags: toAckShape(valueAt(object, 'spec.tags')),
    };
  },

  'hosting-model': (object, awsModelName) => {
    const specName = [...sageMakerModelNames(object)].find(([, awsName]) => awsName === awsModelName)?.[0];
    const model = listAt(object, 'spec.models').find((candidate) => stringAt(candidate, 'name') === specName);
    if (!model) return {};
    return {
      ...modelContainers(model),
      executionRoleARN: stringAt(model, 'executionRoleArn'),
      enableNetworkIsolation: valueAt(model, 'enableNetworkIsolation'),
      vpcConfig: toAckShape(valueAt(model, 'vpcConfig')),
      tags: toAckShape(valueAt(object, 'spec.tags')),
    };
  },

  'autoscaling-target': (object) => ({
    minCapacity: valueAt(object, 'spec.minCapacity'),
    maxCapacity: valueAt(object, 'spec.maxCapacity'),
    suspendedState: toAckShape(valueAt(object, 'spec.suspendedState')),
  }),

  'autoscaling-policy': (object) => ({
    policyType: stringAt(object, 'spec.policyType') ?? 'TargetTrackingScaling',
    targetTrackingScalingPolicyConfiguration: toAckShape(valueAt(object, 'spec.targetTrackingScalingPolicyConfiguration')),
  }),
};

/** status.modelNames: the model's name in the HostingDeployment spec → the SageMaker model the operator created. */
function sageMakerModelNames(object: KubeObject): Map<string, string> {
  const pairs = listAt(object, 'status.modelNames')
    .map((entry) => [stringAt(entry, 'name'), stringAt(entry, 'value')] as const)
    .filter((pair): pair is readonly [string, string] => pair[0] !== undefined && pair[1] !== undefined);
  return new Map(pairs);
}

/**
 * The old operator sent one container as PrimaryContainer (the one named by primaryContainer, or the only one), and
 * several as Containers, ignoring primaryContainer; the SageMaker model it created has the same layout.
 */
function modelContainers(model: unknown): Json {
  const containers = listAt(model, 'containers');
  if (containers.length > 1) return { containers: toAckShape(containers) };
  const primaryName = stringAt(model, 'primaryContainer') ?? stringAt(containers[0], 'containerHostname');
  const primary = containers.find((container) => stringAt(container, 'containerHostname') === primaryName);
  return primary ? { primaryContainer: toAckShape(primary) } : {};
}

function listAt(value: unknown, path: string): unknown[] {
  const found = valueAt(value, path);
  return Array.isArray(found) ? found : [];
}

/** Drops undefined values and empty objects, so that an absent old field is absent, not null, in the manifest. */
function withoutEmpty(spec: Json): Json {
  return Object.fromEntries(
    Object.entries(spec).filter(([, value]) => value !== undefined && value !== null && !(typeof value === 'object' && !Array.isArray(value) && Object.keys(value).length === 0)),
  );
}
