// `npm run bench -- --core` (seconds, no control plane): the decisions each command makes once the cluster is read,
// over ONE namespace of adopted TrainingJobs, the largest namespace group a cluster can hand the plugin, by each
// adoption method. A step whose cost per object grows with the namespace (a search of every object for each
// object) shows as a growth ratio far above 1 between the small and the large namespace.

import { ACK_KINDS, ADOPTED_RESOURCE_TYPE, type AckKindName } from '../src/core/model/ack-kinds.ts';
import { buildStatus } from '../src/core/adoption/status.ts';
import { decideCleanup } from '../src/core/cleanup/cleanup-plan.ts';
import type { ClusterFacts, Inventory } from '../src/core/discovery/inventory.ts';
import { projectAckObject, projectForPlan } from '../src/core/discovery/projection.ts';
import { decideHandover } from '../src/core/handover/handover.ts';
import { OLD_KINDS } from '../src/core/model/kinds.ts';
import { REPORT_PLAN_OPTIONS } from '../src/core/model/plan-types.ts';
import { manifestsToCreate } from '../src/core/plan/manifests.ts';
import { buildPlan } from '../src/core/plan/plan.ts';
import { decideUndo } from '../src/core/undo/undo.ts';
import type { KubeObject } from '../src/kube/objects.ts';
import { adoptedAckTrainingJob, adoptedAckTrainingJobStatus, appliedOldTrainingJob } from './bench-seed.ts';

type Method = 'annotation' | 'adopted-resource';
const NAMESPACE = 'ml-platform';
const OLD_TRAINING_JOB = OLD_KINDS.find((kind) => kind.kind === 'TrainingJob')!;
const SERVED_ACK_KINDS = Object.keys(ACK_KINDS) as AckKindName[];

const cluster: ClusterFacts = {
  contextName: 'bench',
  deploymentsKnown: true,
  oldOperators: [],
  ackControllers: (['sagemaker', 'applicationautoscaling'] as const).map((controller) => ({
    controller, namespace: 'ack-system', name: `ack-${controller}-controller`, image: `public.ecr.aws/aws-controllers-k8s/${controller}-controller:1.5.0`, version: '1.5.0',
    featureGates: {}, running: true, state: '1 pod(s) alive', watchNamespaces: undefined, watchSelectors: undefined, reconcileResources: undefined, caBundle: false,
  })),
  servedAckKinds: SERVED_ACK_KINDS,
  adoptedResourceCrdServed: true,
  ackObjectsClusterWide: true,
  oldObjectsClusterWide: true,
  missingPermissions: [],
};

/** Old TrainingJobs as kubectl applied them and the old operator finished them, kept as discovery keeps them. */
function oldObjects(count: number): KubeObject[] {
  return Array.from({ length: count }, (_, index) => {
    const name = `job-${index}`;
    const object = appliedOldTrainingJob(NAMESPACE, name);
    return projectForPlan(OLD_TRAINING_JOB, { ...object, status: { trainingJobStatus: 'Completed', sageMakerTrainingJobName: name } });
  });
}

/**
 * Every old object adopted by `method`: for annotations, the ACK object this tool creates as ACK leaves it; for
 * AdoptedResources, the plan's own AdoptedResources, adopted, and the objects ACK creates from them.
 */
function adopted(old: KubeObject[], method: Method): Pick<Inventory, 'ackObjects' | 'adoptedResources'> {
  const withStatus = (object: KubeObject, name: string): KubeObject => projectAckObject(ACK_KINDS.TrainingJob, { ...object, status: adoptedAckTrainingJobStatus(name) });
  if (method === 'annotation') {
    return { ackObjects: old.map((object) => withStatus(adoptedAckTrainingJob(NAMESPACE, object.metadata.name), object.metadata.name)), adoptedResources: [] };
  }
  const plan = buildPlan({ oldObjects: old, ackObjects: [], adoptedResources: [], cluster, scopeNamespace: NAMESPACE }, { ...REPORT_PLAN_OPTIONS, method: 'adopted-resource' });
  const adoptedResources = manifestsToCreate(plan).map(({ manifest }) => ({
    ...manifest,
    metadata: { ...manifest.metadata, finalizers: ['finalizers.services.k8s.aws/AdoptedResource'] },
    status: { conditions: [{ type: 'ACK.Adopted', status: 'True' }] },
  }));
  const ackObjects = adoptedResources.map((resource) => {
    const target = (resource.spec as { kubernetes: { metadata: { name: string; labels: Record<string, string>; annotations: Record<string, string> } } }).kubernetes.metadata;
    const awsName = (resource.spec as { aws: { nameOrID: string } }).aws.nameOrID;
    const { spec } = adoptedAckTrainingJob(NAMESPACE, awsName);
    return withStatus({
      apiVersion: 'sagemaker.services.k8s.aws/v1alpha1',
      kind: 'TrainingJob',
      metadata: { name: target.name, namespace: NAMESPACE, labels: target.labels, annotations: { ...target.annotations, 'services.k8s.aws/adopted': 'true' }, finalizers: ['finalizers.sagemaker.services.k8s.aws/TrainingJob'] },
      spec,
    }, awsName);
  });
  if (adoptedResources.some((resource) => resource.kind !== ADOPTED_RESOURCE_TYPE.kind)) throw new Error('the plan made something other than AdoptedResources');
  return { ackObjects, adoptedResources };
}

export interface CoreStepTimes {
  method: Method;
  count: number;
  /** Milliseconds per step: during the overlap (old objects present), then after cleanup (old objects gone). */
  steps: Record<string, number>;
}

/** What the step returned, and the milliseconds it took. */
function timed<T>(work: () => T): [T, number] {
  const started = performance.now();
  const result = work();
  return [result, performance.now() - started];
}

export function measureCore(method: Method, count: number): CoreStepTimes {
  const old = oldObjects(count);
  const { ackObjects, adoptedResources } = adopted(old, method);
  const overlap: Inventory = { oldObjects: old, ackObjects, adoptedResources, cluster, scopeNamespace: undefined };
  const afterCleanup: Inventory = { ...overlap, oldObjects: [] };
  const steps: Record<string, number> = {};
  const [plan, planMs] = timed(() => buildPlan(overlap, REPORT_PLAN_OPTIONS));
  if (plan.targets.length !== count || plan.targets.some((target) => target.state !== 'adopted')) throw new Error(`${method}: not every target reads as adopted`);
  steps['plan'] = planMs;
  const [status, statusMs] = timed(() => buildStatus(plan, overlap));
  steps['status'] = statusMs;
  const [decisions, cleanupMs] = timed(() => decideCleanup(plan, { force: false, includeUnadoptedFinishedJobs: false }));
  if (decisions.filter((item) => item.verdict.action === 'delete').length !== count) throw new Error(`${method}: cleanup would not remove every adopted object`);
  steps['cleanup'] = cleanupMs;
  const [undo, undoMs] = timed(() => decideUndo(overlap));
  if (undo.filter((item) => item.action === 'remove').length !== count) throw new Error(`${method}: undo would not remove every object it made`);
  steps['undo'] = undoMs;
  const planAfter = buildPlan(afterCleanup, REPORT_PLAN_OPTIONS);
  const [statusAfter, statusAfterMs] = timed(() => buildStatus(planAfter, afterCleanup));
  if (statusAfter.rows.length !== count || status.rows.length !== count) throw new Error(`${method}: status does not show one row per old object`);
  steps['status after cleanup'] = statusAfterMs;
  const [handover, handoverMs] = timed(() => decideHandover(afterCleanup));
  if (handover.items.filter((item) => item.action === 'hand-over').length !== count) throw new Error(`${method}: handover would not release every object`);
  steps['handover'] = handoverMs;
  return { method, count, steps };
}

/** The `core` row and the line `--core` ends with: each step's time at both sizes, and how its cost per object grew. */
export function describeCore(small: number, large: number): { row: string; lastLine: string } {
  // One untimed pass first, so that the first measured size is not also the one that pays for V8's compiling.
  measureCore('annotation', Math.min(small, 1000));
  let worst = { growth: 0, step: '', method: '' };
  const parts = (['annotation', 'adopted-resource'] as const).map((method) => {
    const [few, many] = [measureCore(method, small), measureCore(method, large)];
    const steps = Object.keys(few.steps).map((step) => {
      const growth = (many.steps[step]! / large) / (few.steps[step]! / small);
      if (growth > worst.growth) worst = { growth, step, method };
      return `${step} ${few.steps[step]!.toFixed(0)} / ${many.steps[step]!.toFixed(0)} ms (${growth.toFixed(2)}x per object)`;
    });
    return `${method}: ${steps.join(', ')}`;
  });
  return {
    row: `one namespace of ${small} / ${large} adopted TrainingJobs, each command's decisions once the cluster is read (the bench's Node): ${parts.join('; ')}`,
    lastLine: `core decisions per object, ${large} vs ${small} in one namespace (1.00 = linear): worst ${worst.growth.toFixed(2)}x (${worst.step}, ${worst.method})`,
  };
}
