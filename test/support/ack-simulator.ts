// SIMULATES AWS + ACK for fast tests: an in-memory table stands for the AWS resources that exist, and this code plays
// the ACK controllers against the real API server, following the ACK runtime's documented behaviour
// (shared/reference/ack.md sections 1.4, 2.3, 2.5; runtime pkg/runtime/reconciler.go Sync, read in v0.61.0):
// - annotation adoption (`adoption-policy: adopt` + `adoption-fields`, gate ResourceAdoption): when the resource is
//   found, the finalizer and `services.k8s.aws/adopted: "true"` are added, the spec is overwritten with the AWS
//   state and status is written; when it is not found, NOTHING is written (no status, no condition); bad
//   adoption-fields give ACK.Terminal (runtime >= v0.59). With the gate off, the object goes down the create path
//   and gets ACK.Terminal "Resource already exists".
// - AdoptedResource (runtime <= v0.52): ACK.Adopted True after creating the target, or False with "resource not
//   found"; a target that already exists is left untouched and still reported adopted.
// It never talks to AWS; `awsWrites` records what real ACK would have written (tags when not read-only).

import { setMaxListeners } from 'node:events';
import type { KubeClient } from '../../src/kube/client.ts';
import { isNotFound } from '../../src/kube/errors.ts';
import { stringAt, type KubeObject, type ResourceType } from '../../src/kube/objects.ts';

export interface SimulatedAwsResource {
  group: string;
  kind: string;
  region: string;
  identifiers: Record<string, string>;
  spec?: Record<string, unknown>;
  /** e.g. { endpointStatus: 'InService' } or { trainingJobStatus: 'InProgress' } */
  status?: Record<string, unknown>;
}

interface SimulatedKind extends ResourceType {
  primaryField: string;
  requiredFields: string[];
}

const KINDS: SimulatedKind[] = [
  ['sagemaker', 'TrainingJob', 'trainingjobs', 'trainingJobName', []],
  ['sagemaker', 'HyperParameterTuningJob', 'hyperparametertuningjobs', 'hyperParameterTuningJobName', []],
  ['sagemaker', 'TransformJob', 'transformjobs', 'transformJobName', []],
  ['sagemaker', 'ProcessingJob', 'processingjobs', 'processingJobName', []],
  ['sagemaker', 'Model', 'models', 'modelName', []],
  ['sagemaker', 'EndpointConfig', 'endpointconfigs', 'endpointConfigName', []],
  ['sagemaker', 'Endpoint', 'endpoints', 'endpointName', []],
  ['applicationautoscaling', 'ScalableTarget', 'scalabletargets', 'resourceID', ['serviceNamespace']],
  ['applicationautoscaling', 'ScalingPolicy', 'scalingpolicies', 'resourceID', ['serviceNamespace']],
].map(([service, kind, plural, primaryField, required]) => ({
  group: `${service}.services.k8s.aws`,
  version: 'v1alpha1',
  kind: kind as string,
  plural: plural as string,
  namespaced: true,
  primaryField: primaryField as string,
  requiredFields: [primaryField as string, ...(required as string[])],
}));

const ADOPTED_RESOURCE: ResourceType = { group: 'services.k8s.aws', version: 'v1alpha1', kind: 'AdoptedResource', plural: 'adoptedresources', namespaced: true };

export interface SimulatorOptions {
  namespaces: string[];
  /** Which adoption paths the simulated controllers serve. */
  serves: { annotation: boolean; adoptedResource: boolean };
  /** Runtime >= v0.59 surfaces adoption-annotation errors as ACK.Terminal; older ones only log them. */
  surfacesAdoptionErrors?: boolean;
  defaultRegion?: string;
  accountID?: string;
}

export class AdoptionSimulator {
  readonly awsWrites: string[] = [];
  private readonly controller = new AbortController();
  private readonly loops: Array<Promise<void>> = [];
  private readonly client: KubeClient;
  private readonly aws: SimulatedAwsResource[];
  private readonly options: Required<SimulatorOptions>;

  constructor(client: KubeClient, aws: SimulatedAwsResource[], options: SimulatorOptions) {
    this.client = client;
    this.aws = aws;
    this.options = { surfacesAdoptionErrors: true, defaultRegion: 'us-east-2', accountID: '123456789012', ...options };
  }

  start(): void {
    setMaxListeners(0, this.controller.signal);
    for (const namespace of this.options.namespaces) {
      for (const kind of KINDS) this.loops.push(this.watchLoop(kind, namespace, (object) => this.reconcileAnnotated(kind, object)));
      this.loops.push(this.watchLoop(ADOPTED_RESOURCE, namespace, (object) => this.reconcileAdoptedResource(object)));
    }
  }

  async stop(): Promise<void> {
    this.controller.abort();
    await Promise.allSettled(this.loops);
  }

  private async watchLoop(type: ResourceType, namespace: string, reconcile: (object: KubeObject) => Promise<void>): Promise<void> {
    const signal = this.controller.signal;
    while (!signal.aborted) {
      try {
        const snapshot = await this.client.listSnapshot(type, { namespace });
        for (const item of snapshot.items) await this.safely(() => reconcile(item));
        for await (const event of this.client.watch(type, { namespace, resourceVersion: snapshot.resourceVersion, timeoutSeconds: 30 }, signal)) {
          if (event.type === 'ADDED' || event.type === 'MODIFIED') {
            await this.safely(() => reconcile({ ...event.object, apiVersion: `${type.group}/${type.version}`, kind: type.kind }));
          }
        }
      } catch {
        if (signal.aborted) return;
      }
    }
  }

  private async safely(work: () => Promise<void>): Promise<void> {
    try {
      await work();
    } catch (error) {
      if (!isNotFound(error) && !this.controller.signal.aborted) throw error;
    }
  }

  private find(kind: SimulatedKind, identifiers: Record<string, string>, region: string): SimulatedAwsResource | undefined {
    return this.aws.find(
      (resource) =>
        resource.group === kind.group &&
        resource.kind === kind.kind &&
        resource.region === region &&
        Object.entries(identifiers).every(([field, value]) => resource.identifiers[field] === undefined || resource.identifiers[field] === value) &&
        resource.identifiers[kind.primaryField] === identifiers[kind.primaryField],
    );
  }

  private arnOf(resource: SimulatedAwsResource, kind: SimulatedKind): string {
    return `arn:aws:sagemaker:${resource.region}:${this.options.accountID}:${kind.kind.toLowerCase()}/${resource.identifiers[kind.primaryField]}`;
  }

  private adoptedStatus(resource: SimulatedAwsResource, kind: SimulatedKind): Record<string, unknown> {
    const jobStatus = Object.entries(resource.status ?? {}).find(([key]) => key.endsWith('JobStatus'))?.[1];
    const synced = jobStatus === 'InProgress' || jobStatus === 'Stopping'
      ? { type: 'ACK.ResourceSynced', status: 'False', message: `${kind.kind} is in ${jobStatus} status.` }
      : { type: 'ACK.ResourceSynced', status: 'True', message: 'Resource synced successfully' };
    return {
      ...(resource.status ?? {}),
      ackResourceMetadata: { arn: this.arnOf(resource, kind), ownerAccountID: this.options.accountID, region: resource.region },
      conditions: [synced],
    };
  }

  private async terminal(kind: SimulatedKind, object: KubeObject, message: string): Promise<void> {
    await this.client.patchStatus(kind, object.metadata.name, object.metadata.namespace, {
      status: { conditions: [{ type: 'ACK.Terminal', status: 'True', message }, { type: 'ACK.ResourceSynced', status: 'False', message: 'Resource not synced' }] },
    });
  }

  /** resourceReconciler.Sync for an object with adoption annotations. */
  private async reconcileAnnotated(kind: SimulatedKind, object: KubeObject): Promise<void> {
    const annotations = object.metadata.annotations ?? {};
    const finalizer = `finalizers.${kind.group}/${kind.kind}`;
    if ((object.metadata.finalizers ?? []).includes(finalizer) || annotations['services.k8s.aws/adopted'] === 'true') return;
    if (object.metadata.deletionTimestamp) return;
    const policy = annotations['services.k8s.aws/adoption-policy'];
    const region = annotations['services.k8s.aws/region'] ?? this.options.defaultRegion;
    if (policy === undefined || !this.options.serves.annotation) {
      // Create path: an existing AWS resource that ACK did not create is refused.
      const name = stringAt(object, `spec.${kind.primaryField}`);
      if (name && this.find(kind, { [kind.primaryField]: name }, region) && !object.status?.['conditions']) {
        await this.terminal(kind, object, 'Resource already exists');
      }
      return;
    }
    if (policy !== 'adopt' && policy !== 'adopt-or-create') {
      if (this.options.surfacesAdoptionErrors && !object.status?.['conditions']) {
        await this.terminal(kind, object, `unrecognized adoption policy ${policy}. Supported policies are "adopt" and "adopt-or-create"`);
      }
      return;
    }
    let fields: Record<string, string>;
    try {
      fields = JSON.parse(annotations['services.k8s.aws/adoption-fields'] ?? '') as Record<string, string>;
    } catch (error) {
      if (this.options.surfacesAdoptionErrors && !object.status?.['conditions']) {
        await this.terminal(kind, object, `unmarshalling adoption-fields annotation: ${(error as Error).message}`);
      }
      return;
    }
    const missing = kind.requiredFields.find((field) => typeof fields[field] !== 'string');
    if (missing) {
      if (this.options.surfacesAdoptionErrors && !object.status?.['conditions']) {
        await this.terminal(kind, object, `Error populating adoption fields: required field missing: ${missing}`);
      }
      return;
    }
    const resource = this.find(kind, fields, region);
    if (!resource) return; // ackerr.AdoptedResourceNotFound: only a log line, no status at all.
    const readOnly = annotations['services.k8s.aws/read-only'] === 'true';
    if (!readOnly) this.awsWrites.push(`TagResource ${this.arnOf(resource, kind)}`);
    await this.client.mergePatch(kind, object.metadata.name, object.metadata.namespace, {
      metadata: { finalizers: [...(object.metadata.finalizers ?? []), finalizer], annotations: { 'services.k8s.aws/adopted': 'true' } },
      spec: { ...(resource.spec ?? {}), ...resource.identifiers },
    });
    await this.client.patchStatus(kind, object.metadata.name, object.metadata.namespace, { status: this.adoptedStatus(resource, kind) });
  }

  /** adoptionReconciler.reconcile of runtime <= v0.52. */
  private async reconcileAdoptedResource(adopted: KubeObject): Promise<void> {
    if (!this.options.serves.adoptedResource) return;
    const finalizer = 'finalizers.services.k8s.aws/AdoptedResource';
    const namespace = adopted.metadata.namespace!;
    if (adopted.metadata.deletionTimestamp) {
      if ((adopted.metadata.finalizers ?? []).includes(finalizer)) {
        await this.client.mergePatch(ADOPTED_RESOURCE, adopted.metadata.name, namespace, {
          metadata: { finalizers: (adopted.metadata.finalizers ?? []).filter((entry) => entry !== finalizer) },
        });
      }
      return;
    }
    const conditions = (adopted.status?.['conditions'] as Array<{ type: string; status: string }> | undefined) ?? [];
    if (conditions.some((condition) => condition.type === 'ACK.Adopted' && condition.status === 'True')) return;
    const kind = KINDS.find((candidate) => candidate.group === stringAt(adopted, 'spec.kubernetes.group') && candidate.kind === stringAt(adopted, 'spec.kubernetes.kind'));
    if (!kind) return; // "resource manager factory not found": logged, no condition
    const setAdopted = (status: 'True' | 'False', message?: string) =>
      this.client.patchStatus(ADOPTED_RESOURCE, adopted.metadata.name, namespace, {
        status: { conditions: [{ type: 'ACK.Adopted', status, ...(message ? { message } : {}) }] },
      });
    const nameOrID = stringAt(adopted, 'spec.aws.nameOrID');
    if (!nameOrID) {
      await setAdopted('False', 'expected name identifier, found nil');
      return;
    }
    const additional = (adopted.spec?.['aws'] as { additionalKeys?: Record<string, string> }).additionalKeys ?? {};
    const region = adopted.metadata.annotations?.['services.k8s.aws/region'] ?? this.options.defaultRegion;
    const resource = this.find(kind, { ...additional, [kind.primaryField]: nameOrID }, region);
    if (!resource) {
      if (!conditions.some((condition) => condition.type === 'ACK.Adopted')) await setAdopted('False', 'resource not found');
      return;
    }
    const meta = (adopted.spec?.['kubernetes'] as { metadata?: { name?: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> } }).metadata ?? {};
    const targetName = meta.name || adopted.metadata.name;
    const targetNamespace = meta.namespace || namespace;
    try {
      await this.client.get(kind, targetName, targetNamespace);
    } catch (error) {
      if (!isNotFound(error)) throw error;
      await this.client.create(kind, {
        apiVersion: `${kind.group}/${kind.version}`,
        kind: kind.kind,
        metadata: {
          name: targetName,
          namespace: targetNamespace,
          ...(meta.labels ? { labels: meta.labels } : {}),
          annotations: { ...(meta.annotations ?? {}), 'services.k8s.aws/adopted': 'true' },
          finalizers: [`finalizers.${kind.group}/${kind.kind}`],
        },
        spec: { ...(resource.spec ?? {}), ...resource.identifiers },
      });
      await this.client.patchStatus(kind, targetName, targetNamespace, { status: this.adoptedStatus(resource, kind) });
    }
    await this.client.mergePatch(ADOPTED_RESOURCE, adopted.metadata.name, namespace, {
      metadata: { finalizers: [...new Set([...(adopted.metadata.finalizers ?? []), finalizer])] },
    });
    await setAdopted('True');
  }
}
