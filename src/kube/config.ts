// Loads the user's kubeconfig the way kubectl does (--kubeconfig, then every path in KUBECONFIG, then ~/.kube/config)
// and applies --context and --namespace. Never falls back to localhost:8080 as client-node would.

import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import { KubeConfig } from '@kubernetes/client-node/dist/config.js';
import { UsageError } from '../errors.ts';

export interface ConnectionFlags {
  kubeconfig?: string | undefined;
  context?: string | undefined;
  namespace?: string | undefined;
}

export interface LoadedConfig {
  kubeConfig: KubeConfig;
  contextName: string;
  server: string;
  /** The namespace from -n, else the context's, else `default`. */
  namespace: string;
}

export function loadKubeConfig(flags: ConnectionFlags, env: NodeJS.ProcessEnv = process.env): LoadedConfig {
  const kubeConfig = new KubeConfig();
  const files = kubeconfigFiles(flags, env);
  try {
    kubeConfig.loadFromFile(files[0]!);
    for (const file of files.slice(1)) {
      const extra = new KubeConfig();
      extra.loadFromFile(file);
      kubeConfig.mergeConfig(extra, true);
    }
  } catch (error) {
    throw new UsageError(`cannot read kubeconfig ${files.join(path.delimiter)}: ${(error as Error).message}`);
  }
  if (flags.context) {
    if (!kubeConfig.getContextObject(flags.context)) {
      throw new UsageError(`context "${flags.context}" does not exist in ${files.join(path.delimiter)}`);
    }
    kubeConfig.setCurrentContext(flags.context);
  }
  const contextName = kubeConfig.getCurrentContext();
  const context = kubeConfig.getContextObject(contextName);
  if (!contextName || !context) {
    throw new UsageError('the kubeconfig has no current context: pass --context or run `kubectl config use-context NAME`');
  }
  const cluster = kubeConfig.getCurrentCluster();
  if (!cluster) {
    throw new UsageError(`context "${contextName}" names a cluster that is not in the kubeconfig`);
  }
  return {
    kubeConfig,
    contextName,
    server: cluster.server,
    namespace: flags.namespace || context.namespace || 'default',
  };
}

function kubeconfigFiles(flags: ConnectionFlags, env: NodeJS.ProcessEnv): string[] {
  if (flags.kubeconfig) {
    if (!existsSync(flags.kubeconfig)) throw new UsageError(`kubeconfig ${flags.kubeconfig} does not exist`);
    return [flags.kubeconfig];
  }
  const fromEnv = (env['KUBECONFIG'] ?? '').split(path.delimiter).filter((file) => file.length > 0);
  if (fromEnv.length > 0) {
    // kubectl skips missing entries of KUBECONFIG and fails only when none exists.
    const existing = fromEnv.filter((file) => existsSync(file));
    if (existing.length === 0) throw new UsageError(`no kubeconfig found: none of KUBECONFIG=${env['KUBECONFIG']} exists`);
    return existing;
  }
  const home = env['HOME'] ?? homedir();
  const defaultFile = path.join(home, '.kube', 'config');
  if (existsSync(defaultFile)) return [defaultFile];
  throw new UsageError('no kubeconfig found: set KUBECONFIG or pass --kubeconfig');
}
