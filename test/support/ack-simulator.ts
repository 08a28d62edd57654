// SIMULATES the ACK controllers for fast tests, with AWS played by an in-memory table (simulated-aws.ts), against the
// real API server and the real ACK CRDs. The ACK controllers cannot run here (the Go module proxy refuses their
// modules), so this is a model of them, and a checked one: test/integration/simulator-conformance.test.ts compares
// what it writes, field by field, with what the REAL controllers wrote in shared/reference/ack-observed/:
// - runtime 'v0.62': sagemaker-controller v1.9.1 + applicationautoscaling-controller v1.4.1 (annotation adoption);
// - runtime 'v0.52': sagemaker-controller v1.5.0 + applicationautoscaling-controller v1.1.1 (AdoptedResource).
// The code paths follow the ACK runtime's resourceReconciler.Sync (v0.61.0 / main) and adoptionReconciler.Sync
// (v0.52.0), read upstream:
// - annotation adoption (`adoption-policy: adopt` + `adoption-fields`, gate ResourceAdoption): when found, the
//   finalizer and `services.k8s.aws/adopted` are set first, then the spec is replaced by the AWS state (a spec the
//   CRD rejects leaves the object's spec as it was: with the identifiers in it ACK goes on and writes status, without
//   them every later reconcile logs "adopted resource not found" and writes nothing), then status: ackResourceMetadata, the kind's status fields, ACK.ResourceSynced (and Ready on v0.62). When not
//   found, NOTHING is written. Bad adoption-fields give ACK.Terminal on runtimes that surface them (>= v0.59).
// - AdoptedResource: the target is created with ONLY spec.kubernetes.metadata's name, namespace, labels and
//   annotations (plus `adopted` and the finalizer), then ACK.Adopted True without a message; a missing resource
//   gives ACK.Adopted False "resource not found", a target the CRD rejects ACK.Adopted False with the API server's
//   words; an existing target is left untouched and reported adopted.
// It never talks to AWS; `awsWrites` records what real ACK would have written (tags when not read-only, and so on).

import { setMaxListeners } from 'node:events';
import type { KubeClient } from '../../src/kube/client.ts';
import { isNotFound, KubeApiError } from '../../src/kube/errors.ts';
import { stringAt, type KubeObject, type ResourceType } from '../../src/kube/objects.ts';
import { SIMULATED_KINDS, SimulatedAws, simulatedKind, type SimulatedAwsResource, type SimulatedKind } from './simulated-aws.ts';

export type { SimulatedAwsResource } from './simulated-aws.ts';

/** What differs between the two recorded runtime generations. */
const RUNTIMES = {
  'v0.62': { readyCondition: true, partition: true, adoptedResource: false, surfacesAdoptionErrors: true },
  'v0.52': { readyCondition: false, partition: false, adoptedResource: true, surfacesAdoptionErrors: false },
} as const;
export type AckRuntime = keyof typeof RUNTIMES;

const ADOPTED_RESOURCE: ResourceType = { group: 'services.k8s.aws', version: 'v1alpha1', kind: 'AdoptedResource', plural: 'adoptedresources', namespaced: true };
// ACK's own names, written out here rather than imported from the plugin, so that a wrong name in the plugin
// cannot be matched by the same wrong name in its model of ACK.
const ANNOTATION = {
  adoptionPolicy: 'services.k8s.aws/adoption-policy',
  adoptionFields: 'services.k8s.aws/adoption-fields',
  adopted: 'services.k8s.aws/adopted',
  readOnly: 'services.k8s.aws/read-only',
  deletionPolicy: 'services.k8s.aws/deletion-policy',
  region: 'services.k8s.aws/region',
};

export interface SimulatorOptions {
  namespaces: string[];
  /** Default 'v0.62' (current releases). */
  runtime?: AckRuntime;
  /** The ResourceAdoption feature gate; on by default in both recorded releases. */
  resourceAdoption?: boolean;
  /** Overrides the runtime's choice of adoption paths (kept for callers that pin them). */
  serves?: { annotation: boolean; adoptedResource: boolean };
  defaultRegion?: string;
  accountID?: string;
}

export class AdoptionSimulator {
  readonly awsWrites: string[] = [];
  private readonly controller = new AbortController();
  private readonly loops: Array<Promise<void>> = [];
  private readonly client: KubeClient;
  private readonly aws: SimulatedAws;
  private readonly namespaces: string[];
  private readonly runtime: (typeof RUNTIMES)[AckRuntime];
  private readonly serves: { annotation: boolean; adoptedResource: boolean };
  private readonly defaultRegion: string;

  constructor(client: KubeClient, resources: SimulatedAwsResource[], options: SimulatorOptions) {
    this.client = client;
    this.aws = new SimulatedAws(resources, options.accountID ?? '123456789012');
    this.namespaces = options.namespaces;
    this.runtime = RUNTIMES[options.runtime ?? 'v0.62'];
    this.serves = options.serves ?? { annotation: options.resourceAdoption ?? true, adoptedResource: this.runtime.adoptedResource };
    this.defaultRegion = options.defaultRegion ?? 'us-east-2';
  }

  start(): void {
    setMaxListeners(0, this.controller.signal);
    for (const namespace of this.namespaces) {
      for (const kind of SIMULATED_KINDS) this.loops.push(this.watchLoop(kind, namespace, (object) => this.sync(kind, object)));
      this.loops.push(this.watchLoop(ADOPTED_RESOURCE, namespace, (object) => this.syncAdoptedResource(object)));
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

  private now(): string {
    return new Date().toISOString().replace(/\.\d+Z$/, 'Z');
  }

  private adoptedStatus(resource: SimulatedAwsResource, kind: SimulatedKind): Record<string, unknown> {
    const synced = this.aws.syncedCondition(resource, kind, this.now());
    return {
      ...(resource.status ?? {}),
      ackResourceMetadata: {
        arn: this.aws.arnOf(resource, kind),
        ownerAccountID: this.aws.accountID,
        ...(this.runtime.partition ? { partition: 'aws' } : {}),
        region: resource.region,
      },
      conditions: this.runtime.readyCondition ? [synced, { ...synced, type: 'Ready' }] : [synced],
    };
  }

  private async terminal(kind: SimulatedKind, object: KubeObject, message: string): Promise<void> {
    if (object.status?.['conditions']) return;
    await this.client.patchStatus(kind, object.metadata.name, object.metadata.namespace, {
      status: { conditions: [{ type: 'ACK.Terminal', status: 'True', message }, { type: 'ACK.ResourceSynced', status: 'False', message: 'Resource not synced' }] },
    });
  }

  private finalizerOf(kind: SimulatedKind): string {
    return `finalizers.${kind.group}/${kind.kind}`;
  }

  /** resourceReconciler.Sync: adoption by annotations, or the create/update path ACK takes without them. */
  private async sync(kind: SimulatedKind, object: KubeObject): Promise<void> {
    const annotations = object.metadata.annotations ?? {};
    const finalizer = this.finalizerOf(kind);
    const managed = (object.metadata.finalizers ?? []).includes(finalizer);
    const readOnly = annotations[ANNOTATION.readOnly] === 'true';
    if (object.metadata.deletionTimestamp) {
      if (!managed) return;
      if (annotations[ANNOTATION.deletionPolicy] !== 'retain' && !readOnly) this.awsWrites.push(`Delete${kind.kind} ${stringAt(object, `spec.${kind.primaryField}`)}`);
      await this.client.mergePatch(kind, object.metadata.name, object.metadata.namespace, {
        metadata: { resourceVersion: object.metadata.resourceVersion, finalizers: (object.metadata.finalizers ?? []).filter((entry) => entry !== finalizer) },
      });
      return;
    }
    // Already managed: a resync reads AWS with the identifiers in spec; no spec identity means NotFound, only logged.
    if (managed) return;
    const region = annotations[ANNOTATION.region] ?? this.defaultRegion;
    const policy = annotations[ANNOTATION.adoptionPolicy];
    if (policy === undefined || !this.serves.annotation) {
      await this.createOrUpdatePath(kind, object, region, readOnly);
      return;
    }
    if (policy !== 'adopt' && policy !== 'adopt-or-create') {
      if (this.runtime.surfacesAdoptionErrors) await this.terminal(kind, object, `unrecognized adoption policy ${policy}. Supported policies are "adopt" and "adopt-or-create"`);
      return;
    }
    let fields: Record<string, string>;
    try {
      fields = JSON.parse(annotations[ANNOTATION.adoptionFields] ?? '') as Record<string, string>;
    } catch (error) {
      if (this.runtime.surfacesAdoptionErrors) await this.terminal(kind, object, `unmarshalling adoption-fields annotation: ${(error as Error).message}`);
      return;
    }
    const missing = kind.requiredFields.find((field) => typeof fields[field] !== 'string');
    if (missing) {
      if (this.runtime.surfacesAdoptionErrors) await this.terminal(kind, object, `Error populating adoption fields: required field missing: ${missing}`);
      return;
    }
    const resource = this.aws.find(kind, fields, region);
    if (!resource) return; // ackerr.AdoptedResourceNotFound: a log line, no status at all
    if (!readOnly) this.awsWrites.push(`TagResource ${this.aws.arnOf(resource, kind)}`);
    await this.client.mergePatch(kind, object.metadata.name, object.metadata.namespace, {
      metadata: { finalizers: [...(object.metadata.finalizers ?? []), finalizer], annotations: { [ANNOTATION.adopted]: 'true' } },
    });
    try {
      await this.client.jsonPatch(kind, object.metadata.name, object.metadata.namespace, [{ op: 'add', path: '/spec', value: this.aws.describedSpec(resource) }]);
    } catch (error) {
      if (!(error instanceof KubeApiError && error.code === 422)) throw error;
      // The CRD rejected what AWS described (a required field missing): the object keeps the spec it had. The next
      // resync reads AWS with that spec's identifiers: found, status is written; none, "adopted resource not found".
      const keptIdentity = Object.entries(fields).every(([field, value]) => object.spec?.[field] === value);
      if (!keptIdentity) return;
    }
    await this.client.patchStatus(kind, object.metadata.name, object.metadata.namespace, { status: this.adoptedStatus(resource, kind) });
  }

  /** No adoption: ACK reads AWS with the spec's identifiers; read-only stops there, otherwise it creates or updates. */
  private async createOrUpdatePath(kind: SimulatedKind, object: KubeObject, region: string, readOnly: boolean): Promise<void> {
    if (object.status?.['conditions']) return;
    const name = stringAt(object, `spec.${kind.primaryField}`);
    const resource = name ? this.aws.find(kind, { [kind.primaryField]: name }, region) : undefined;
    if (readOnly) {
      if (resource) await this.client.patchStatus(kind, object.metadata.name, object.metadata.namespace, { status: this.adoptedStatus(resource, kind) });
      return;
    }
    this.awsWrites.push(`${resource ? 'Update' : 'Create'}${kind.kind} ${name ?? ''}`);
    if (resource) await this.terminal(kind, object, 'Resource already exists');
  }

  /** adoptionReconciler.Sync of runtime <= v0.52. */
  private async syncAdoptedResource(adopted: KubeObject): Promise<void> {
    if (!this.serves.adoptedResource) return;
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
    const kind = simulatedKind(stringAt(adopted, 'spec.kubernetes.group'), stringAt(adopted, 'spec.kubernetes.kind'));
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
    const region = adopted.metadata.annotations?.[ANNOTATION.region] ?? this.defaultRegion;
    const resource = this.aws.find(kind, { ...additional, [kind.primaryField]: nameOrID }, region);
    if (!resource) {
      await setAdopted('False', 'resource not found');
      return;
    }
    const meta = (adopted.spec?.['kubernetes'] as { metadata?: { name?: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> } }).metadata ?? {};
    const targetName = meta.name || adopted.metadata.name;
    const targetNamespace = meta.namespace || namespace;
    try {
      await this.client.get(kind, targetName, targetNamespace);
    } catch (error) {
      if (!isNotFound(error)) throw error;
      try {
        await this.client.create(kind, {
          apiVersion: `${kind.group}/${kind.version}`,
          kind: kind.kind,
          metadata: {
            name: targetName,
            namespace: targetNamespace,
            ...(meta.labels && Object.keys(meta.labels).length > 0 ? { labels: meta.labels } : {}),
            annotations: { ...(meta.annotations ?? {}), [ANNOTATION.adopted]: 'true' },
            finalizers: [this.finalizerOf(kind)],
          },
          spec: this.aws.describedSpec(resource),
        });
      } catch (createError) {
        if (createError instanceof KubeApiError) {
          await setAdopted('False', createError.apiMessage);
          return;
        }
        throw createError;
      }
      await this.client.patchStatus(kind, targetName, targetNamespace, { status: this.adoptedStatus(resource, kind) });
    }
    await this.client.mergePatch(ADOPTED_RESOURCE, adopted.metadata.name, namespace, {
      metadata: { finalizers: [...new Set([...(adopted.metadata.finalizers ?? []), finalizer])] },
    });
    await setAdopted('True');
  }
}
