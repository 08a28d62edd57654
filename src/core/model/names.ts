// Kubernetes names for ACK objects. SageMaker names may hold upper case, Kubernetes names may not; when making a
// name valid loses information, a short hash of the AWS identity keeps distinct resources apart.

import { createHash } from 'node:crypto';
import { DEFAULT_SCALING_POLICY_NAME } from './kinds.ts';
import { ackKindOf, type AwsTarget } from './targets.ts';

const MAX_NAME_LENGTH = 253;
const HASH_LENGTH = 8;

export function shortHash(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, HASH_LENGTH);
}

/** The name a reader expects: the AWS name itself, or `<endpoint>-<variant>[-<policy>]` for autoscaling. */
function naturalName(target: AwsTarget): string {
  const kind = ackKindOf(target);
  const primary = target.identifiers[kind.primaryField] ?? '';
  const autoscaling = /^endpoint\/([^/]+)\/variant\/([^/]+)$/.exec(primary);
  const base = autoscaling ? `${autoscaling[1]}-${autoscaling[2]}` : primary;
  const policy = target.identifiers['policyName'];
  // The default policy name says nothing; the kind already tells a policy from its scalable target.
  return policy && policy !== DEFAULT_SCALING_POLICY_NAME ? `${base}-${policy}` : base;
}

function sanitize(name: string): string {
  return name
    .toLowerCase()
    .replace(/[^a-z0-9.-]+/g, '-')
    .replace(/-{2,}/g, '-')
    .replace(/^[^a-z0-9]+|[^a-z0-9]+$/g, '');
}

export function withHashSuffix(name: string, identity: string): string {
  const room = MAX_NAME_LENGTH - HASH_LENGTH - 1;
  const trimmed = name.slice(0, room).replace(/[^a-z0-9]+$/, '');
  return trimmed ? `${trimmed}-${shortHash(identity)}` : shortHash(identity);
}

/** A valid, deterministic Kubernetes name for the ACK object that adopts this AWS resource. */
export function kubernetesNameFor(target: AwsTarget): string {
  const natural = naturalName(target);
  const valid = sanitize(natural);
  if (valid === natural && valid.length > 0 && valid.length <= MAX_NAME_LENGTH) return valid;
  return withHashSuffix(valid, target.key);
}

/** Names of AdoptedResource objects: one per target, unique across target kinds in a namespace. */
export function adoptedResourceNameFor(target: AwsTarget, targetName: string): string {
  const kind = ackKindOf(target).kind.toLowerCase();
  const name = `${kind}-${targetName}`;
  return name.length <= MAX_NAME_LENGTH ? name : withHashSuffix(name, target.key);
}
