// SIMULATES the ACK controllers for fast tests, with AWS played by an in-memory table (simulated-aws.ts), against the
// real API server and the real ACK CRDs. The ACK controllers cannot run here (the Go module proxy refuses their
// modules), so this is a model of them, and a checked one: test/integration/simulator-conformance.test.ts compares
// what it writes, field by field, with what the REAL controllers wrote in shared/reference/ack-observed/:
// - runtime 'v0.62': sagemaker-controller v1.9.1 + applicationautoscaling-controller v1.4.1 (annotation adoption);
// - runtime 'v0.52': sagemaker-controller v1.5.0 + applicationautoscaling-controller v1.1.1 (AdoptedResource, and
//   annotation adoption: test/adopted-resource-era/simulator-conformance.test.ts).
// The code paths follow the ACK runtime's resourceReconciler.Sync (v0.61.0 / main) and adoptionReconciler.Sync
// (v0.52.0), read upstream:
// - annotation adoption (`adoption-policy: adopt` + `adoption-fields`, gate ResourceAdoption): when found, v0.62 sets
//   the finalizer and `services.k8s.aws/adopted` together (setResourceManagedAndAdopted), then replaces the spec by
//   the AWS state; v0.52 sets the finalizer alone (setResourceManaged), then `adopted` in the same patch as the spec.
//   A spec the CRD rejects leaves the object's spec as it was (and on v0.52 no `adopted` marker): with the
//   identifiers in it ACK goes on and writes status, without them every later reconcile logs "adopted resource not
//   found" and writes nothing. Then status: ackResourceMetadata, the kind's status fields, ACK.ResourceSynced (and
//   Ready on v0.62). When not found, NOTHING is written. Bad adoption-fields give ACK.Terminal on runtimes that
//   surface them (>= v0.59).
// - AdoptedResource: the target is created with ONLY spec.kubernetes.metadata's name, namespace, labels and
//   annotations (plus `adopted` and the finalizer), then ACK.Adopted True without a message; a missing resource
//   gives ACK.Adopted False "resource not found", a target the CRD rejects ACK.Adopted False with the API server's
//   words; an existing target is left untouched and reported adopted.
// AWS is either an in-memory table (simulated-aws.ts: nothing is ever sent, `awsWrites` records what real ACK would
// have written) or, with `aws: { endpoint }`, moto (ack-aws.ts): then ReadOne is the kind's Describe against moto,
// converted as ACK converts it, and a managed object is reconciled as ACK's Sync does after adoption: on a spec
// change (generation), at `resyncNow()`, and every `resyncMs`. While read-only nothing is written and the spec stays;
// otherwise a spec that differs from AWS (ack-delta.ts) is pushed with the kind's update call, as the real
// controllers did after handover (shared/reference/ack-observed/README.md, "Handover over drift"). Each write is
// sent to moto and recorded in `awsWrites` as `<Action> <JSON input>`.

import { setMaxListeners } from 'node:events';
import type { KubeClient } from '../../src/kube/client.ts';
import { isNotFound, KubeApiError } from '../../src/kube/errors.ts';
import { stringAt, type KubeObject, type ResourceType } from '../../src/kube/objects.ts';
import { AckAws, type AwsReading, type AwsWrite } from './ack-aws.ts';
import { ackDelta, withAckDefaults } from './ack-delta.ts';
import { SIMULATED_KINDS, SimulatedAws, simulatedKind, syncedCondition, type SimulatedAwsResource, type SimulatedKind } from './simulated-aws.ts';

export type { SimulatedAwsResource } from './simulated-aws.ts';

/** What differs between the two recorded runtime generations. */
const RUNTIMES = {
  'v0.62': { readyCondition: true, partition: true, adoptedResource: false, surfacesAdoptionErrors: true, marksAdoptedWithSpec: false },
  'v0.52': { readyCondition: false, partition: false, adoptedResource: true, surfacesAdoptionErrors: false, marksAdoptedWithSpec: true },
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
  /** The in-memory table's account; with `aws`, STS GetCallerIdentity says it. */
  accountID?: string;
  /** AWS at this endpoint (moto, see aws-emulator.ts) instead of the in-memory table; `resources` is then unused. */
  aws?: { endpoint: string };
  /** With `aws`: reconcile every managed object this often (ACK's resync period); otherwise only at resyncNow(). */
  resyncMs?: number;
}

/** sagemaker-controller's annotation on an Endpoint it updated (endpoint/hooks.go, customUpdateEndpointSetOutput). */
const LAST_ENDPOINT_CONFIG_FOR_UPDATE = 'sagemaker.services.k8s.aws/last-endpoint-config-for-update';

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
  private readonly moto?: AckAws;
  private readonly resyncMs?: number;
  private resyncTimer?: NodeJS.Timeout;
  /** The generation each managed object was last reconciled at: ACK reconciles on spec changes only. */
  private readonly reconciledGenerations = new Map<string, number>();
  /** `uid@resourceVersion` of every object version a watch delivered and the simulator has handled. */
  private readonly handledVersions = new Set<string>();
  /** One reconcile at a time, as one controller worker would, so resyncNow() and the watches never interleave. */
  private queue: Promise<void> = Promise.resolve();

  constructor(client: KubeClient, resources: SimulatedAwsResource[], options: SimulatorOptions) {
    this.client = client;
    this.aws = new SimulatedAws(resources, options.accountID ?? '123456789012');
    this.namespaces = options.namespaces;
    this.runtime = RUNTIMES[options.runtime ?? 'v0.62'];
    this.serves = options.serves ?? { annotation: options.resourceAdoption ?? true, adoptedResource: this.runtime.adoptedResource };
    this.defaultRegion = options.defaultRegion ?? 'us-east-2';
    if (options.aws) this.moto = new AckAws(client, options.aws.endpoint);
    if (options.resyncMs !== undefined) this.resyncMs = options.resyncMs;
  }

  start(): void {
    setMaxListeners(0, this.controller.signal);
    for (const namespace of this.namespaces) {
      for (const kind of SIMULATED_KINDS) this.loops.push(this.watchLoop(kind, namespace, (object) => this.sync(kind, object)));
      this.loops.push(this.watchLoop(ADOPTED_RESOURCE, namespace, (object) => this.syncAdoptedResource(object)));
    }
    if (this.moto && this.resyncMs !== undefined) {
      // A resync still running when the next is due is not doubled: the controller's queue holds each object once.
      let running = false;
      this.resyncTimer = setInterval(() => {
        if (running) return;
        running = true;
        void this.resyncNow()
          .catch(() => undefined)
          .finally(() => (running = false));
      }, this.resyncMs);
    }
  }

  async stop(): Promise<void> {
    clearInterval(this.resyncTimer);
    this.controller.abort();
    await Promise.allSettled(this.loops);
    await this.queue;
  }

  /**
   * One reconcile of every managed object (ACK's finalizer, not being deleted) in the watched namespaces, now: what
   * the controllers do at each resync period or restart. Only with `aws`; returns when all are done.
   */
  async resyncNow(): Promise<void> {
    if (!this.moto) throw new Error('resyncNow needs the simulator to read AWS from moto (option aws)');
    for (const namespace of this.namespaces) {
      for (const kind of SIMULATED_KINDS) {
        for (const object of await this.client.listAll(kind, { namespace })) {
          if (!(object.metadata.finalizers ?? []).includes(this.finalizerOf(kind)) || object.metadata.deletionTimestamp) continue;
          await this.safely(() => this.serially(() => this.reconcileManaged(kind, { ...object, apiVersion: `${kind.group}/${kind.version}`, kind: kind.kind })));
        }
      }
    }
  }

  /**
   * Resolves once the simulator's watches have delivered and handled each of these object versions (as returned by a
   * create or patch): after that, whatever the simulator does about the change has been done.
   */
  async handled(objects: KubeObject[], timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!objects.every((object) => this.handledVersions.has(versionOf(object)))) {
      if (Date.now() > deadline) throw new Error(`the simulator did not handle ${objects.filter((object) => !this.handledVersions.has(versionOf(object))).length} object version(s) within ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    await this.queue;
  }

  private serially(work: () => Promise<void>): Promise<void> {
    const run = this.queue.then(work);
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async watchLoop(type: ResourceType, namespace: string, reconcile: (object: KubeObject) => Promise<void>): Promise<void> {
    const signal = this.controller.signal;
    while (!signal.aborted) {
      try {
        const snapshot = await this.client.listSnapshot(type, { namespace });
        for (const item of snapshot.items) {
          await this.safely(() => this.serially(() => reconcile(item)));
          this.handledVersions.add(versionOf(item));
        }
        for await (const event of this.client.watch(type, { namespace, resourceVersion: snapshot.resourceVersion, timeoutSeconds: 30 }, signal)) {
          if (event.type === 'ADDED' || event.type === 'MODIFIED') {
            await this.safely(() => this.serially(() => reconcile({ ...event.object, apiVersion: `${type.group}/${type.version}`, kind: type.kind })));
            this.handledVersions.add(versionOf(event.object));
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

  /** ReadOne: the AWS resource these identifiers (ACK field names) name, as ACK reads it; undefined: NotFound. */
  private async read(kind: SimulatedKind, identifiers: Record<string, unknown>, region: string): Promise<AwsReading | undefined> {
    if (this.moto) return this.moto.read(kind, identifiers, region);
    const strings = Object.fromEntries(Object.entries(identifiers).filter((entry): entry is [string, string] => typeof entry[1] === 'string'));
    const resource = this.aws.find(kind, strings, region);
    return resource && { spec: this.aws.describedSpec(resource), status: resource.status ?? {}, arn: this.aws.arnOf(resource, kind) };
  }

  private async adoptedStatus(reading: AwsReading, kind: SimulatedKind, region: string): Promise<Record<string, unknown>> {
    return { ...reading.status, ackResourceMetadata: await this.metadata(reading, region), conditions: this.conditions(syncedCondition(reading.status, kind, this.now())) };
  }

  private async metadata(reading: AwsReading, region: string): Promise<Record<string, unknown>> {
    const ownerAccountID = this.moto ? await this.moto.accountID() : this.aws.accountID;
    return { arn: reading.arn, ownerAccountID, ...(this.runtime.partition ? { partition: 'aws' } : {}), region };
  }

  /** ACK.ResourceSynced, and Ready after it on runtimes that set Ready (ensureConditions). */
  private conditions(synced: Record<string, unknown>): Array<Record<string, unknown>> {
    return this.runtime.readyCondition ? [synced, { ...synced, type: 'Ready' }] : [synced];
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
      if (annotations[ANNOTATION.deletionPolicy] !== 'retain' && !readOnly && !(await this.deleteInAws(kind, object))) return;
      await this.client.mergePatch(kind, object.metadata.name, object.metadata.namespace, {
        metadata: { resourceVersion: object.metadata.resourceVersion, finalizers: (object.metadata.finalizers ?? []).filter((entry) => entry !== finalizer) },
      });
      return;
    }
    if (managed) {
      // ACK reconciles a managed object again when its spec changes (a new generation), not for metadata alone:
      // removing read-only takes effect at the next resync. Without moto the table never changes, so nothing would.
      const key = object.metadata.uid ?? `${object.metadata.namespace}/${object.metadata.name}`;
      if (this.moto && this.reconciledGenerations.get(key) !== object.metadata.generation) await this.reconcileManaged(kind, object);
      return;
    }
    const region = this.regionOf(object);
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
    // handlePopulation: the desired object with the adoption fields set is what ReadOne reads.
    const reading = await this.read(kind, this.moto ? { ...object.spec, ...fields } : fields, region);
    if (!reading) return; // ackerr.AdoptedResourceNotFound: a log line, no status at all
    // EnsureTags; recorded, never sent to moto (the tags ACK writes matter to no test).
    if (!readOnly) this.awsWrites.push(`TagResource ${reading.arn}`);
    const marksAdoptedWithSpec = this.runtime.marksAdoptedWithSpec;
    await this.client.mergePatch(kind, object.metadata.name, object.metadata.namespace, {
      metadata: { finalizers: [...(object.metadata.finalizers ?? []), finalizer], ...(marksAdoptedWithSpec ? {} : { annotations: { [ANNOTATION.adopted]: 'true' } }) },
    });
    try {
      const markAdopted = { op: 'add' as const, path: `/metadata/annotations/${ANNOTATION.adopted.replace('/', '~1')}`, value: 'true' };
      const adopted = await this.client.jsonPatch(kind, object.metadata.name, object.metadata.namespace, [...(marksAdoptedWithSpec ? [markAdopted] : []), { op: 'add', path: '/spec', value: reading.spec }]);
      this.reconciledGenerations.set(adopted.metadata.uid ?? '', adopted.metadata.generation ?? 0);
    } catch (error) {
      if (!(error instanceof KubeApiError && error.code === 422)) throw error;
      // The CRD rejected what AWS described (a required field missing): the object keeps the spec it had. The next
      // resync reads AWS with that spec's identifiers: found, status is written; none, "adopted resource not found".
      const keptIdentity = Object.entries(fields).every(([field, value]) => object.spec?.[field] === value);
      if (!keptIdentity) return;
    }
    await this.client.patchStatus(kind, object.metadata.name, object.metadata.namespace, { status: await this.adoptedStatus(reading, kind, region) });
  }

  /** The region ACK uses for an object: its region annotation, else the controller's. */
  private regionOf(object: KubeObject): string {
    return object.metadata.annotations?.[ANNOTATION.region] ?? this.defaultRegion;
  }

  /**
   * Sync of a managed object (runtime v0.61 resourceReconciler.Sync, after adoption): ReadOne; read-only: only
   * status is refreshed ("desired resource state has changed, but resource is read-only - skipping update");
   * otherwise, when the kind's delta finds a difference, the kind's update with the stored spec.
   */
  private async reconcileManaged(kind: SimulatedKind, object: KubeObject): Promise<void> {
    const moto = this.moto!;
    const { name, namespace } = object.metadata;
    this.reconciledGenerations.set(object.metadata.uid ?? `${namespace}/${name}`, object.metadata.generation ?? 0);
    const region = this.regionOf(object);
    const stored = object.spec ?? {};
    const latest = await this.read(kind, stored, region);
    if (!latest) return; // AdoptedResourceNotFound / ReadOnlyResourceNotFound: logged, requeued, nothing written
    const desired = withAckDefaults(kind.kind, stored, latest.spec);
    const differences = ackDelta(kind.kind, desired, latest.spec, (await moto.schemaOf(kind)).spec);
    const readOnly = object.metadata.annotations?.[ANNOTATION.readOnly] === 'true';
    const previous = (object.status?.['conditions'] as Array<Record<string, unknown>> | undefined) ?? [];
    const status = async (synced: Record<string, unknown>, extra: Record<string, unknown> = {}, conditions = this.conditions(synced)) =>
      this.client.patchStatus(kind, name, namespace, {
        status: { ...latest.status, ...extra, ackResourceMetadata: await this.metadata(latest, region), conditions: keepTransitionTimes(conditions, previous) },
      });
    if (readOnly || differences.length === 0) {
      await status(syncedCondition(latest.status, kind, this.now()));
      return;
    }
    const write = moto.updateOf(kind, desired);
    if (!write) {
      // Model, EndpointConfig, HyperParameterTuningJob, TransformJob and ProcessingJob: sdkUpdate returns
      // ackerr.NewTerminalError(ackerr.NotImplemented), so the runtime sets ACK.Terminal with that error,
      // ResourceSynced False, and Ready False with the terminal message. TrainingJob's own update (warm pool,
      // profiler: UpdateTrainingJob) is not modelled; a difference gets the same Terminal here.
      const message = 'not implemented';
      const synced = { type: 'ACK.ResourceSynced', status: 'False', message: 'Resource not synced', reason: message, lastTransitionTime: this.now() };
      const terminal = { type: 'ACK.Terminal', status: 'True', message, lastTransitionTime: this.now() };
      await status(synced, {}, [terminal, synced, ...(this.runtime.readyCondition ? [{ ...synced, type: 'Ready', message }] : [])]);
      return;
    }
    if (kind.kind === 'Endpoint' && latest.status['endpointStatus'] !== 'InService') {
      // requeueUntilCanModify: no update while the endpoint is Creating, Updating, ...; requeued.
      await status(syncedCondition(latest.status, kind, this.now()));
      return;
    }
    if (!(await this.sendToAws(kind, write, region, status))) return;
    if (kind.kind === 'Endpoint') {
      // customUpdateEndpointSetOutput: the config asked for is remembered, the endpoint reported Updating.
      await this.client.mergePatch(kind, name, namespace, { metadata: { annotations: { [LAST_ENDPOINT_CONFIG_FOR_UPDATE]: String(desired['endpointConfigName']) } } });
      const updating = { endpointStatus: 'Updating' };
      await status(syncedCondition(updating, kind, this.now()), updating);
      return;
    }
    await status(syncedCondition(latest.status, kind, this.now()));
  }

  /**
   * Sends one write and records it; a refusal leaves ACK.Recoverable (the SDK's error) and Ready False, as the
   * real controller did when moto answered UpdateEndpoint with 500. Returns whether AWS took it.
   */
  private async sendToAws(kind: SimulatedKind, write: AwsWrite, region: string, status?: (synced: Record<string, unknown>, extra?: Record<string, unknown>, conditions?: Array<Record<string, unknown>>) => Promise<unknown>): Promise<boolean> {
    this.awsWrites.push(`${write.action} ${JSON.stringify(write.input)}`);
    try {
      await this.moto!.send(kind, write, region);
      return true;
    } catch (error) {
      const message = (error as Error).message;
      const synced = { type: 'ACK.ResourceSynced', status: 'Unknown', message: 'Unable to determine if desired resource state matches latest observed state', reason: message, lastTransitionTime: this.now() };
      const recoverable = { type: 'ACK.Recoverable', status: 'True', message, lastTransitionTime: this.now() };
      await status?.(synced, {}, [recoverable, synced, ...(this.runtime.readyCondition ? [{ ...synced, type: 'Ready', status: 'False', message }] : [])]);
      return false;
    }
  }

  /** resourceReconciler.deleteResource: the kind's Delete (or Stop, for jobs) against AWS. Returns whether it is gone. */
  private async deleteInAws(kind: SimulatedKind, object: KubeObject): Promise<boolean> {
    if (!this.moto) {
      this.awsWrites.push(`Delete${kind.kind} ${stringAt(object, `spec.${kind.primaryField}`)}`);
      return true;
    }
    const region = this.regionOf(object);
    // deleteResource reads first: a resource already gone needs no Delete, only the finalizer removed.
    if (!(await this.read(kind, object.spec ?? {}, region))) return true;
    const status = (_synced: Record<string, unknown>, _extra?: Record<string, unknown>, conditions?: Array<Record<string, unknown>>) =>
      this.client.patchStatus(kind, object.metadata.name, object.metadata.namespace, { status: { conditions } });
    return this.sendToAws(kind, this.moto.deleteOf(kind, object.spec ?? {}), region, status);
  }

  /** No adoption: ACK reads AWS with the spec's identifiers; read-only stops there, otherwise it creates or updates. */
  private async createOrUpdatePath(kind: SimulatedKind, object: KubeObject, region: string, readOnly: boolean): Promise<void> {
    if (object.status?.['conditions']) return;
    const name = stringAt(object, `spec.${kind.primaryField}`);
    // The in-memory table matches every identifier given; moto's Describe of the autoscaling kinds needs them all.
    const identifiers = this.moto ? { ...object.spec } : { [kind.primaryField]: name };
    const reading = name ? await this.read(kind, identifiers, region) : undefined;
    if (readOnly) {
      if (reading) await this.client.patchStatus(kind, object.metadata.name, object.metadata.namespace, { status: await this.adoptedStatus(reading, kind, region) });
      return;
    }
    this.awsWrites.push(`${reading ? 'Update' : 'Create'}${kind.kind} ${name ?? ''}`);
    if (reading) await this.terminal(kind, object, 'Resource already exists');
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
    const reading = await this.read(kind, { ...additional, [kind.primaryField]: nameOrID }, region);
    if (!reading) {
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
          spec: reading.spec,
        });
      } catch (createError) {
        if (createError instanceof KubeApiError) {
          await setAdopted('False', createError.apiMessage);
          return;
        }
        throw createError;
      }
      await this.client.patchStatus(kind, targetName, targetNamespace, { status: await this.adoptedStatus(reading, kind, region) });
    }
    await this.client.mergePatch(ADOPTED_RESOURCE, adopted.metadata.name, namespace, {
      metadata: { finalizers: [...new Set([...(adopted.metadata.finalizers ?? []), finalizer])] },
    });
    await setAdopted('True');
  }
}

/** A condition that did not change keeps its lastTransitionTime, as Kubernetes conditions do. */
function keepTransitionTimes(conditions: Array<Record<string, unknown>>, previous: Array<Record<string, unknown>>): Array<Record<string, unknown>> {
  return conditions.map((condition) => {
    const before = previous.find((candidate) => candidate['type'] === condition['type']);
    return before && before['status'] === condition['status'] && before['message'] === condition['message'] ? { ...condition, lastTransitionTime: before['lastTransitionTime'] } : condition;
  });
}

function versionOf(object: KubeObject): string {
  return `${object.metadata.uid}@${object.metadata.resourceVersion}`;
}
