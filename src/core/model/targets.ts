// Reads an old object through its kind's rules and returns the AWS resources it stands for (pure).

import { stringAt, valueAt, type KubeObject } from '../../kube/objects.ts';
import { ACK_KINDS, type AckKind, type AckKindName } from './ack-kinds.ts';
import type { FieldRule, ForEachRule, OldKind, TargetRule } from './kinds.ts';
import type { SpecSource } from './spec-translation.ts';

/** One AWS resource, named the way ACK identifies it. */
export interface AwsTarget {
  ackKind: AckKindName;
  /** adoption-fields: every identifier of the ACK kind, as strings. */
  identifiers: Record<string, string>;
  /** The region the old object was created in (spec.region), written onto the ACK object. */
  region: string | undefined;
  /** Stable identity of the AWS resource, used to adopt each resource exactly once. */
  key: string;
  /** What the ACK spec is translated from, when a manifest needs one (translated only then: see plan.ts). */
  specOrigin: { source: SpecSource; object: KubeObject; item: string | undefined };
}

export function ackKindOf(target: AwsTarget): AckKind {
  return ACK_KINDS[target.ackKind];
}

/** A readable name of the AWS resource: its primary identifier, plus the policy name for scaling policies. */
export function awsDisplayName(target: AwsTarget): string {
  const kind = ackKindOf(target);
  const primary = target.identifiers[kind.primaryField] ?? '';
  return target.identifiers['policyName'] ? `${primary} (${target.identifiers['policyName']})` : primary;
}

/** `group|kind|region|primary|additional...`: built by concatenation, as it is made several times for every object. */
export function targetKey(ackKind: AckKindName, region: string | undefined, identifiers: Record<string, string>): string {
  const kind = ACK_KINDS[ackKind];
  let key = `${kind.group}|${kind.kind}|${region ?? ''}|${identifiers[kind.primaryField] ?? ''}`;
  for (const field of kind.additionalFields) key += `|${identifiers[field] ?? ''}`;
  return key;
}

export function targetsOf(kind: OldKind, object: KubeObject): AwsTarget[] {
  const region = stringAt(object, 'spec.region');
  return kind.targets.flatMap((rule) => expandRule(rule, object, region));
}

function expandRule(rule: TargetRule, object: KubeObject, region: string | undefined): AwsTarget[] {
  const items = rule.forEach ? listItems(rule.forEach, object) : [undefined];
  const targets: AwsTarget[] = [];
  for (const item of items) {
    const identifiers: Record<string, string> = {};
    let complete = true;
    for (const [field, fieldRule] of Object.entries(rule.identifiers)) {
      const value = resolveField(fieldRule, object, item);
      if (value === undefined) complete = false;
      else identifiers[field] = value;
    }
    // A resource with no name in status or spec never reached AWS: there is nothing to adopt, and nothing is guessed.
    if (!complete) continue;
    targets.push({ ackKind: rule.ack, identifiers, region, key: targetKey(rule.ack, region, identifiers), specOrigin: { source: rule.spec, object, item } });
  }
  return dedupe(targets);
}

function resolveField(rule: FieldRule, object: KubeObject, item: string | undefined): string | undefined {
  if (rule.fromItem) return item;
  for (const path of rule.paths ?? []) {
    const value = stringAt(object, path);
    if (value !== undefined) return value;
  }
  return rule.fallback;
}

function listItems(rule: ForEachRule, object: KubeObject): string[] {
  const fromList = asArray(valueAt(object, rule.list))
    .map((entry) => (rule.itemField ? stringAt(entry, rule.itemField) : typeof entry === 'string' ? entry : undefined))
    .filter((value): value is string => value !== undefined && value.length > 0);
  if (fromList.length > 0 || !rule.fallbackList) return fromList;
  const template = rule.fallbackList.template;
  return asArray(valueAt(object, rule.fallbackList.path))
    .map((entry) => fillTemplate(template, entry))
    .filter((value): value is string => value !== undefined);
}

function fillTemplate(template: string, entry: unknown): string | undefined {
  let missing = false;
  const filled = template.replace(/\{(\w+)\}/g, (_match, field: string) => {
    const value = stringAt(entry, field);
    if (value === undefined) missing = true;
    return value ?? '';
  });
  return missing ? undefined : filled;
}

function asArray(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

function dedupe(targets: AwsTarget[]): AwsTarget[] {
  const seen = new Set<string>();
  return targets.filter((target) => (seen.has(target.key) ? false : (seen.add(target.key), true)));
}
