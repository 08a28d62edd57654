// The REAL old SageMaker operator (built from its Go module by scripts/rehearsal-assets.sh) as a local process
// against the test API server, watching one namespace, with AWS reached only through the loopback gateway to moto;
// and the Deployment that marks it installed, as its namespaced installer creates it (the test control plane runs
// no pods, so the plugin sees the operator through this Deployment, as it would in a cluster).

import type { ChildProcess } from 'node:child_process';
import path from 'node:path';
import type { KubeObject } from '../../src/kube/objects.ts';
import type { AwsGateway } from './aws-gateway.ts';
import { freePorts, spawnLogged, terminate, waitFor } from './control-plane.ts';
import { deployment } from './deployments.ts';
import { FAKE_CREDENTIALS } from './moto.ts';

export const OPERATOR_DEPLOYMENT = 'sagemaker-k8s-operator-controller-manager';

export interface OldOperator {
  process: ChildProcess;
  logPath: string;
  metricsUrl: string;
  stop(): Promise<void>;
}

export async function startOldOperator(binary: string, options: { kubeconfig: string; namespace: string; gateway: AwsGateway; directory: string }): Promise<OldOperator> {
  const [metricsPort] = await freePorts(1);
  const logPath = path.join(options.directory, 'old-operator.log');
  // A clean environment: no real AWS credentials, profiles or CA bundle of the developer's reach the operator.
  const child = spawnLogged(binary, [`--metrics-addr=127.0.0.1:${metricsPort}`, '--enable-leader-election=false', `--namespace=${options.namespace}`], logPath, {
    PATH: '/usr/bin:/bin',
    HOME: options.directory,
    KUBECONFIG: options.kubeconfig,
    ...FAKE_CREDENTIALS,
    AWS_CONFIG_FILE: path.join(options.directory, 'no-aws-config'),
    AWS_SHARED_CREDENTIALS_FILE: path.join(options.directory, 'no-aws-credentials'),
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_DEFAULT_SAGEMAKER_ENDPOINT: options.gateway.url,
    HTTPS_PROXY: options.gateway.url,
    NO_PROXY: '127.0.0.1,localhost',
    // aws-sdk-go reads its trust roots from here; the gateway's CA is the only one.
    AWS_CA_BUNDLE: options.gateway.caPath,
  });
  const metricsUrl = `http://127.0.0.1:${metricsPort}/metrics`;
  await waitFor('the old operator metrics endpoint', 60_000, async () => (await fetch(metricsUrl)).ok, child);
  return { process: child, logPath, metricsUrl, stop: () => terminate(child) };
}

/** The Deployment of a namespaced install (release/rolebased/namespaced/operator.yaml), watching `namespace`. */
export function operatorDeployment(namespace: string): KubeObject {
  return deployment(namespace, OPERATOR_DEPLOYMENT, {
    containerName: 'manager',
    image: '957583890962.dkr.ecr.us-east-1.amazonaws.com/amazon-sagemaker-operator-for-k8s:v1',
    args: ['--metrics-addr=127.0.0.1:8080', `--namespace=${namespace}`],
    env: { AWS_DEFAULT_SAGEMAKER_ENDPOINT: '' },
    labels: { 'control-plane': 'controller-manager' },
  });
}
