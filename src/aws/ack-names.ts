// What an AWS answer looks like once ACK has copied it into an object's spec: the same values under ACK's field names
// (lower camel case, with the initialisms ACK's code generator keeps: RoleArn -> roleARN, ResourceId -> resourceID,
// ModelDataUrl -> modelDataURL, S3Uri -> s3URI) and `type_` for a field named Type, which is a Go keyword there. The
// recorded objects in shared/reference/ack-observed show these names for moto's answers.

const INITIALISM_SUFFIXES: Array<[RegExp, string]> = [
  [/Arn$/, 'ARN'],
  [/Id$/, 'ID'],
  [/Ids$/, 'IDs'],
  [/Url$/, 'URL'],
  [/Uri$/, 'URI'],
];

/** Maps whose keys are the user's own (environment variables, hyperparameters): kept as they are. */
const USER_KEYED_MAPS = new Set(['Environment', 'HyperParameters', 'StaticHyperParameters']);

export function ackFieldName(awsName: string): string {
  if (awsName === 'Type') return 'type_';
  let name = awsName;
  for (const [pattern, replacement] of INITIALISM_SUFFIXES) {
    if (pattern.test(name)) {
      name = name.replace(pattern, replacement);
      break;
    }
  }
  return name.charAt(0).toLowerCase() + name.slice(1);
}

/** An AWS answer (or part of one) under ACK's names; Dates become the RFC 3339 text Kubernetes stores. */
export function asAckShape(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(asAckShape);
  if (value instanceof Date) return value.toISOString();
  if (typeof value !== 'object' || value === null) return value;
  const result: Record<string, unknown> = {};
  for (const [key, entry] of Object.entries(value)) {
    if (entry === undefined || key === '$metadata') continue;
    result[ackFieldName(key)] = USER_KEYED_MAPS.has(key) ? entry : asAckShape(entry);
  }
  return result;
}
