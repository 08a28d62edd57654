// Builds the migration plan (pure): every old object, the AWS resources it stands for, the ACK object that adopts
// each resource exactly once, each one's current state, and what blocks adoption or cleanup.

import { compareNames, objectRef, stringAt, type KubeObject } from '../../kube/objects.ts';
import { ACK_KINDS, ADOPTED_RESOURCE_TYPE, type AckController, type AckKindName } from '../model/ack-kinds.ts';
import {
  identityOfAckObject,
  identityOfAdoptedResource,
  observeAdoptedResource,
  observeAnnotationTarget,
  type ExistingIdentity,
} from '../model/adoption-state.ts';
import { checkControllers } from '../discovery/controller-checks.ts';
import type { Inventory, MissingPermission } from '../discovery/inventory.ts';
import { HOSTING_DEPLOYMENT_OWNER_LABELS, OLD_FINALIZERS, OLD_KINDS, oldKindOf, type OldKind } from '../model/kinds.ts';
import { chooseMethod } from '../discovery/method.ts';
import { adoptedResourceNameFor, kubernetesNameFor, withHashSuffix } from '../model/names.ts';
import { ownersOf } from '../model/ownership.ts';
import { translateSpec } from '../model/spec-translation.ts';
import { awsDisplayName, targetKey, targetsOf, type AwsTarget } from '../model/targets.ts';
import { PLAN_API_VERSION, sourceRef, type AdoptionMethod, type Blocker, type MethodChoice, type MigrationPlan, type PlannedSource, type PlannedTarget, type PlanOptions, type SpecMode } from '../model/plan-types.ts';

export {
  PLAN_API_VERSION,
  REPORT_PLAN_OPTIONS,
  sourceRef,
  type Blocker,
  type DeletionPolicy,
  type MigrationPlan,
  type PlannedSource,
  type PlannedTarget,
  type PlanOptions,
  type SourceRole,
  type SpecMode,
} from '../model/plan-types.ts';

interface SourceEntry {
  kind: OldKind;
  object: KubeObject;
}

export function buildPlan(inventory: Inventory, options: PlanOptions): MigrationPlan {
  const entries = sortSources(recognise(inventory.oldObjects));
  const existing = indexExisting(inventory);
  const methods = chooseMethods(inventory, options);
  const methodFor = (kind: AckKindName): AdoptionMethod | undefined => methods.find((m) => m.controller === ACK_KINDS[kind].controller)?.method;

  const targets = new Map<string, PlannedTarget>();
  const takenNames = new Set<string>(existing.allNames);
  const sources: PlannedSource[] = [];
  const tuningJobNames = tuningJobIndex(entries);

  for (const entry of entries) {
    const source = describeSource(entry, tuningJobNames);
    const skipTargets = source.role === 'tuning-job-child' && !options.includeTuningJobChildren;
    const awsTargets = skipTargets ? [] : targetsWithChildFallback(entry, entries);
    if (skipTargets) {
      source.note = `spawned by tuning job${source.parent ? ` ${source.parent}` : ''}; ACK tracks it through the HyperParameterTuningJob (--include-tuning-job-children adopts it too)`;
    } else if (awsTargets.length === 0) {
      source.note = 'nothing to adopt: no AWS name in status or spec (it never reached AWS)';
    }
    for (const awsTarget of awsTargets) {
      source.targetKeys.push(awsTarget.key);
      const planned = targets.get(awsTarget.key) ?? planTarget(awsTarget, entry, existing, takenNames, methodFor(awsTarget.ackKind), inventory, options.spec);
      planned.sources.push(sourceRef(entry.kind.kind, entry.object.metadata.namespace, entry.object.metadata.name));
      targets.set(awsTarget.key, planned);
    }
    sources.push(source);
  }

  const plannedTargets = [...targets.values()];
  return {
    apiVersion: PLAN_API_VERSION,
    kind: 'MigrationPlan',
    context: inventory.cluster?.contextName,
    deletionPolicy: options.deletionPolicy,
    readOnly: options.readOnly,
    spec: options.spec,
    methods,
    sources,
    targets: plannedTargets,
    ...blockersAndWarnings(inventory, plannedTargets, sources, methods),
  };
}

function blockersAndWarnings(inventory: Inventory, targets: PlannedTarget[], sources: PlannedSource[], methods: MethodChoice[]): Pick<MigrationPlan, 'blockers' | 'warnings'> {
  const controllers = inventory.cluster ? checkControllers(inventory.cluster.ackControllers, targets) : { blockers: [], warnings: [] };
  return { blockers: blockersOf(inventory, targets, sources, methods, controllers.blockers), warnings: warningsOf(inventory, controllers.warnings) };
}

function warningsOf(inventory: Inventory, controllerWarnings: string[]): string[] {
  const cluster = inventory.cluster;
  if (!cluster) return [];
  const warnings = [...controllerWarnings];
  if (!cluster.ackObjectsClusterWide) {
    warnings.push(
      `ACK objects and AdoptedResources could be listed only in namespace ${inventory.scopeNamespace ?? 'default'}: one in another namespace that already adopts these AWS resources would not be seen, and adopt would make a second (two ACK objects for one resource fight once handed over)`,
    );
  }
  return warnings;
}

function recognise(objects: KubeObject[]): SourceEntry[] {
  const entries: SourceEntry[] = [];
  for (const object of objects) {
    const kind = oldKindOf(object);
    if (kind) entries.push({ kind, object });
  }
  return entries;
}

/** Parents before their children, so that ACK objects land in the parent's namespace and carry its name first. */
function sortSources(entries: SourceEntry[]): SourceEntry[] {
  const rank = (entry: SourceEntry): number => (isHostingChild(entry.object) || isTuningChild(entry.object) ? 1 : 0);
  return [...entries].sort(
    (a, b) =>
      rank(a) - rank(b) ||
      OLD_KINDS.indexOf(a.kind) - OLD_KINDS.indexOf(b.kind) ||
      compareNames(objectRef(a.object), objectRef(b.object)),
  );
}

/**
 * One plan from the plans of namespace groups that share nothing (namespace-groups.ts), group after group, each
 * blocker and warning once, those of adopt first.
 */
export function mergePlans(plans: MigrationPlan[]): MigrationPlan {
  const [first] = plans;
  if (!first) throw new Error('mergePlans needs at least one plan');
  const sources: PlannedSource[] = [];
  const targets: PlannedTarget[] = [];
  for (const plan of plans) {
    for (const source of plan.sources) sources.push(source);
    for (const target of plan.targets) targets.push(target);
  }
  const blockers = new Map<string, Blocker>();
  for (const blocker of plans.flatMap((plan) => plan.blockers)) blockers.set(`${blocker.step}|${blocker.message}`, blocker);
  const stepOrder = (blocker: Blocker): number => (blocker.step === 'adopt' ? 0 : 1);
  return {
    ...first,
    sources,
    targets,
    blockers: [...blockers.values()].sort((a, b) => stepOrder(a) - stepOrder(b)),
    warnings: [...new Set(plans.flatMap((plan) => plan.warnings))],
  };
}

function isHostingChild(object: KubeObject): boolean {
  return Boolean(object.metadata.labels?.[HOSTING_DEPLOYMENT_OWNER_LABELS.name]);
}

function isTuningChild(object: KubeObject): boolean {
  return (object.metadata.finalizers ?? []).includes(OLD_FINALIZERS.tuningJobChild);
}

function tuningJobIndex(entries: SourceEntry[]): Array<{ awsName: string; ref: string; namespace: string }> {
  return entries
    .filter((entry) => entry.kind.kind === 'HyperparameterTuningJob')
    .flatMap((entry) => {
      const awsName = targetsOf(entry.kind, entry.object)[0]?.identifiers['hyperParameterTuningJobName'];
      const namespace = entry.object.metadata.namespace ?? 'default';
      return awsName ? [{ awsName, ref: sourceRef(entry.kind.kind, namespace, entry.object.metadata.name), namespace }] : [];
    });
}

function describeSource(entry: SourceEntry, tuningJobs: Array<{ awsName: string; ref: string; namespace: string }>): PlannedSource {
  const { object, kind } = entry;
  const base: PlannedSource = {
    kind: kind.kind,
    namespace: object.metadata.namespace ?? 'default',
    name: object.metadata.name,
    uid: object.metadata.uid,
    phase: stringAt(object, kind.phasePath),
    role: 'primary',
    targetKeys: [],
    owners: ownersOf(object),
  };
  if (isHostingChild(object)) {
    const labels = object.metadata.labels ?? {};
    const parentNamespace = labels[HOSTING_DEPLOYMENT_OWNER_LABELS.namespace] ?? base.namespace;
    return { ...base, role: 'hosting-deployment-child', parent: sourceRef('HostingDeployment', parentNamespace, labels[HOSTING_DEPLOYMENT_OWNER_LABELS.name] ?? '') };
  }
  if (kind.kind === 'TrainingJob' && isTuningChild(object)) {
    // Spawned training jobs are named `<tuning job name>-<number>-<suffix>` and live in the tuning job's namespace.
    const parent = tuningJobs.find((job) => job.namespace === base.namespace && object.metadata.name.startsWith(`${job.awsName}-`));
    return parent ? { ...base, role: 'tuning-job-child', parent: parent.ref } : { ...base, role: 'tuning-job-child' };
  }
  return base;
}

/** A HostingDeployment's status loses its endpoint config and model names at times; its child objects still have them. */
function targetsWithChildFallback(entry: SourceEntry, entries: SourceEntry[]): AwsTarget[] {
  const own = targetsOf(entry.kind, entry.object);
  if (entry.kind.kind !== 'HostingDeployment') return own;
  const hasKind = (kind: AckKindName): boolean => own.some((target) => target.ackKind === kind);
  const namespace = entry.object.metadata.namespace;
  const children = entries.filter(
    (candidate) =>
      candidate.object.metadata.labels?.[HOSTING_DEPLOYMENT_OWNER_LABELS.name] === entry.object.metadata.name &&
      (candidate.object.metadata.labels?.[HOSTING_DEPLOYMENT_OWNER_LABELS.namespace] ?? candidate.object.metadata.namespace) === namespace,
  );
  const fromChildren = children
    .flatMap((child) => targetsOf(child.kind, child.object))
    .filter((target) => !hasKind(target.ackKind) && (target.ackKind === 'EndpointConfig' || target.ackKind === 'Model'));
  return [...own, ...fromChildren];
}

interface ExistingIndex {
  targets: Map<string, ExistingIdentity & { object: KubeObject }>;
  adoptedResources: Map<string, ExistingIdentity & { object: KubeObject }>;
  targetObjects: Map<string, KubeObject>;
  allNames: string[];
}

function nameKey(namespace: string, kind: AckKindName, name: string): string {
  return `${namespace}|${kind}|${name}`;
}

function indexExisting(inventory: Inventory): ExistingIndex {
  const index: ExistingIndex = { targets: new Map(), adoptedResources: new Map(), targetObjects: new Map(), allNames: [] };
  for (const object of inventory.ackObjects) {
    const identity = identityOfAckObject(object);
    if (!identity) continue;
    index.targetObjects.set(nameKey(identity.namespace, identity.ackKind, identity.targetName), object);
    index.allNames.push(nameKey(identity.namespace, identity.ackKind, identity.targetName));
    for (const key of identity.keys) index.targets.set(key, { ...identity, object });
  }
  for (const object of inventory.adoptedResources) {
    const identity = identityOfAdoptedResource(object);
    if (!identity) continue;
    index.allNames.push(nameKey(identity.namespace, identity.ackKind, identity.targetName));
    for (const key of identity.keys) index.adoptedResources.set(key, { ...identity, object });
  }
  return index;
}

function findExisting(map: Map<string, ExistingIdentity & { object: KubeObject }>, target: AwsTarget) {
  return map.get(target.key) ?? map.get(targetKey(target.ackKind, undefined, target.identifiers));
}

function planTarget(
  awsTarget: AwsTarget,
  entry: SourceEntry,
  existing: ExistingIndex,
  takenNames: Set<string>,
  method: AdoptionMethod | undefined,
  inventory: Inventory,
  specMode: SpecMode,
): PlannedTarget {
  const kind = ACK_KINDS[awsTarget.ackKind];
  const foundTarget = findExisting(existing.targets, awsTarget);
  const foundAdopted = findExisting(existing.adoptedResources, awsTarget);
  let namespace = entry.object.metadata.namespace ?? 'default';
  let name: string;
  if (foundTarget || foundAdopted) {
    // Resume: an earlier run (or the user) already made the ACK object for this AWS resource; keep its name.
    const found = (foundAdopted ?? foundTarget)!;
    namespace = found.namespace;
    name = found.targetName;
  } else {
    name = kubernetesNameFor(awsTarget);
    if (takenNames.has(nameKey(namespace, awsTarget.ackKind, name))) name = withHashSuffix(name, awsTarget.key);
  }
  takenNames.add(nameKey(namespace, awsTarget.ackKind, name));
  const targetObject = foundTarget?.object ?? existing.targetObjects.get(nameKey(namespace, awsTarget.ackKind, name));
  const adoptedResourceName = foundAdopted?.adoptedResourceName ?? adoptedResourceNameFor(awsTarget, name);
  const effectiveMethod = foundAdopted ? 'adopted-resource' : foundTarget ? 'annotation' : method;
  const observation = inventory.cluster === undefined && !foundTarget && !foundAdopted
    ? { state: 'not-started' as const }
    : effectiveMethod === 'adopted-resource'
      ? observeAdoptedResource(foundAdopted?.object, targetObject, awsTarget.identifiers)
      : observeAnnotationTarget(foundTarget?.object, kind, awsTarget.identifiers);
  return {
    key: awsTarget.key,
    ackKind: awsTarget.ackKind,
    namespace,
    name,
    method: effectiveMethod,
    ...(effectiveMethod === 'adopted-resource' ? { adoptedResourceName } : {}),
    identifiers: awsTarget.identifiers,
    region: awsTarget.region,
    awsName: awsDisplayName(awsTarget),
    ...observation,
    sources: [],
    // Only objects still to be created get a spec: for existing ones the plan would otherwise show a spec nobody sends.
    ...(specMode === 'translate' && effectiveMethod === 'annotation' && observation.state === 'not-started' ? translatedSpec(awsTarget) : {}),
  };
}

/** The old spec in ACK's shape, or, when the old object lacks a field the ACK CRD requires, which ones instead. */
function translatedSpec(awsTarget: AwsTarget): Pick<PlannedTarget, 'spec' | 'missingSpecFields'> {
  const { source, object, item } = awsTarget.specOrigin;
  const spec = translateSpec(source, object, item, awsTarget.identifiers);
  const missingSpecFields = ACK_KINDS[awsTarget.ackKind].requiredSpec.filter((field) => spec[field] === undefined);
  return missingSpecFields.length > 0 ? { missingSpecFields } : { spec };
}

function chooseMethods(inventory: Inventory, options: PlanOptions): MethodChoice[] {
  const controllers: AckController[] = ['sagemaker', 'applicationautoscaling'];
  const cluster = inventory.cluster;
  if (!cluster) {
    const method: AdoptionMethod = options.method === 'auto' ? 'annotation' : options.method;
    return controllers.map((controller) => ({
      controller,
      method,
      reason: options.method === 'auto' ? 'offline: no controller to ask, annotation adoption of current ACK releases assumed' : `--method ${method}`,
    }));
  }
  return controllers.map((controller) => chooseMethod(controller, options.method, cluster.ackControllers, cluster));
}

/** AdoptedResource adoption creates only AdoptedResources (ACK creates the target); annotation adoption creates the target. */
function permissionsAdoptNeeds(missing: MissingPermission[], targets: PlannedTarget[]): MissingPermission[] {
  const needed = new Set(
    targets
      .filter((target) => target.state === 'not-started')
      .map((target) => {
        const type = target.method === 'adopted-resource' ? ADOPTED_RESOURCE_TYPE : ACK_KINDS[target.ackKind];
        return `${target.namespace}|${type.plural}.${type.group}`;
      }),
  );
  return missing.filter((permission) => needed.has(`${permission.namespace}|${permission.resource}`));
}

function blockersOf(inventory: Inventory, targets: PlannedTarget[], sources: PlannedSource[], methods: MethodChoice[], controllerBlockers: string[]): Blocker[] {
  const blockers: Blocker[] = [];
  const usedControllers = new Set(targets.map((target) => ACK_KINDS[target.ackKind].controller));
  for (const choice of methods) {
    if (usedControllers.has(choice.controller) && choice.method === undefined) blockers.push({ step: 'adopt', message: choice.reason });
  }
  const cluster = inventory.cluster;
  if (cluster) {
    const missingKinds = [...new Set(targets.map((target) => target.ackKind))].filter((kind) => !cluster.servedAckKinds.includes(kind));
    for (const kind of missingKinds) {
      const ack = ACK_KINDS[kind];
      blockers.push({ step: 'adopt', message: `CRD ${ack.plural}.${ack.group} is not installed: install the ACK ${ack.controller} controller` });
    }
    if (targets.some((target) => target.method === 'adopted-resource' && target.state === 'not-started') && !cluster.adoptedResourceCrdServed) {
      blockers.push({ step: 'adopt', message: 'CRD adoptedresources.services.k8s.aws is not installed: use --method annotation' });
    }
    for (const message of controllerBlockers) blockers.push({ step: 'adopt', message });
    for (const permission of permissionsAdoptNeeds(cluster.missingPermissions, targets)) {
      blockers.push({ step: 'adopt', message: `missing permission: ${permission.verb} ${permission.resource} in namespace ${permission.namespace}` });
    }
    if (!cluster.deploymentsKnown) {
      blockers.push({ step: 'cleanup', message: 'cannot list Deployments in all namespaces, so the old operator cannot be proven stopped' });
    }
    for (const operator of cluster.oldOperators.filter((candidate) => candidate.running)) {
      const scope = operator.watchedNamespace ? `namespace ${operator.watchedNamespace}` : 'all namespaces';
      blockers.push({
        step: 'cleanup',
        message: `old operator Deployment ${operator.namespace}/${operator.name} is running (${operator.state}, watches ${scope}): uninstall it first, or deleting old objects deletes or stops the real SageMaker resources`,
      });
    }
  }
  for (const source of sources.filter((candidate) => candidate.owners.length > 0)) {
    blockers.push({
      step: 'cleanup',
      message: `${sourceRef(source.kind, source.namespace, source.name)} is managed by ${source.owners.join(', ')}: remove it from that source first, or it comes back`,
    });
  }
  return blockers;
}
