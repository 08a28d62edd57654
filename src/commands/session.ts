// Builds what a command that reads objects needs from its flags: the kubeconfig and one Kubernetes client, and the
// inventory (from the cluster or from a dump). Closes the client when the command ends.

import { readFileSync } from 'node:fs';
import { discover, discoverByNamespaceGroup, type Scope } from '../core/discovery/discover.ts';
import { parseDump } from '../core/discovery/dump.ts';
import { UsageError } from '../errors.ts';
import { labelMatcher } from '../core/model/selector.ts';
import type { Inventory } from '../core/discovery/inventory.ts';
import { KubeClient } from '../kube/client.ts';
import type { LoadedConfig } from '../kube/config.ts';
import type { Terminal } from '../ui/terminal.ts';
import type { AwsReader } from '../aws/reader.ts';
import { profilesByAccount, selectedKinds, type AwsArgs, type CommonArgs } from './flags.ts';

export interface Session {
  terminal: Terminal;
  config: LoadedConfig;
  client: KubeClient;
}

export async function withSession<T>(args: CommonArgs, terminal: Terminal, work: (session: Session) => Promise<T>): Promise<T> {
  // The Kubernetes client library is large; loading it only here keeps --help and offline commands fast.
  const { loadKubeConfig } = await import('../kube/config.ts');
  const config = loadKubeConfig({ kubeconfig: args.kubeconfig, context: args.context, namespace: args.namespace });
  const client = new KubeClient(config.kubeConfig, {
    requestTimeoutMs: args.requestTimeout * 1000,
    // As many connections as requests in flight (--concurrency), and a few for the lists read beside them.
    maxSockets: Math.max(16, (args.concurrency ?? 0) + 4),
    ...(args.verbose > 0
      ? { onRequest: (entry) => terminal.info(terminal.color.dim(`${entry.method} ${entry.url} ${entry.status} in ${entry.milliseconds}ms`)) }
      : {}),
  });
  try {
    return await work({ terminal, config, client });
  } finally {
    client.close();
  }
}

export interface Reading {
  withSpecs?: boolean;
  oldObjectsEverywhere?: boolean;
  /** Whether the creates adopt would send are checked; plan and adopt report them, the others need not ask. */
  createRights?: boolean;
}

function scopeOf(session: Session, args: CommonArgs, reading: Reading): Scope {
  return {
    namespace: args.allNamespaces ? undefined : session.config.namespace,
    labelSelector: args.selector,
    kinds: selectedKinds(args),
    withSpecs: reading.withSpecs ?? false,
    oldObjectsEverywhere: reading.oldObjectsEverywhere ?? false,
    createRights: reading.createRights ?? false,
  };
}

export async function inventoryFromCluster(session: Session, args: CommonArgs, reading: Reading = {}): Promise<Inventory> {
  return await discover(session.client, scopeOf(session, args, reading), session.config.contextName);
}

/**
 * For reports over all namespaces: the inventory one group of namespaces at a time, planned alone with the same
 * result (see namespace-groups.ts); for one namespace, its whole inventory.
 */
export function inventoriesFromCluster(session: Session, args: CommonArgs, reading: Reading = {}): AsyncGenerator<Inventory> {
  const scope = scopeOf(session, args, reading);
  if (scope.namespace === undefined) return discoverByNamespaceGroup(session.client, scope, session.config.contextName);
  return (async function* () {
    yield await discover(session.client, scope, session.config.contextName);
  })();
}

export function inventoryFromFile(file: string, args: CommonArgs): Inventory {
  let text: string;
  try {
    text = readFileSync(file === '-' ? 0 : file, 'utf8');
  } catch (error) {
    throw new UsageError(`cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  const inventory = parseDump(text, file === '-' ? 'standard input' : file);
  const kinds = selectedKinds(args);
  const namespace = args.allNamespaces ? undefined : args.namespace;
  inventory.scopeNamespace = namespace;
  const matchesLabels = labelMatcher(args.selector);
  inventory.oldObjects = inventory.oldObjects.filter(
    (object) =>
      (!kinds || kinds.some((kind) => kind.kind === object.kind)) &&
      (!namespace || object.metadata.namespace === namespace) &&
      matchesLabels(object.metadata.labels),
  );
  return inventory;
}

/** The AWS reader, with the SDK loaded only now: commands that never read AWS never pay for it. */
export async function openAwsReader(args: AwsArgs): Promise<AwsReader & { close(): void }> {
  const profiles = profilesByAccount(args);
  const { AwsClient } = await import('../aws/client.ts');
  return new AwsClient({ profile: args.awsProfile, profilesByAccount: profiles });
}
