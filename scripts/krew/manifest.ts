// The krew plugin manifest (krew.googlecontainertools.github.com/v1alpha2 Plugin): built from release archives,
// and checked against the rules krew applies when it loads a manifest (pure; no I/O).

export const KREW_API_VERSION = 'krew.googlecontainertools.github.com/v1alpha2';
export const PLUGIN_NAME = 'sagemaker-migrate';
// `kubectl krew search` shows the short description in one column; we hold it to this many characters.
export const SHORT_DESCRIPTION_LIMIT = 50;

export interface PlatformArchive {
  os: 'linux' | 'darwin' | 'windows';
  arch: 'amd64' | 'arm64';
  uri: string;
  sha256: string;
  bin: string;
}

export interface KrewPlugin {
  apiVersion: string;
  kind: string;
  metadata: { name: string };
  spec: {
    version: string;
    homepage: string;
    shortDescription: string;
    description: string;
    caveats: string;
    platforms: Array<{
      selector: { matchLabels?: Record<string, string>; matchExpressions?: Array<{ key: string; operator: string; values?: string[] }> };
      uri: string;
      sha256: string;
      bin: string;
      files?: Array<{ from: string; to: string }>;
    }>;
  };
}

const DESCRIPTION = `Moves objects of the SageMaker Operators for Kubernetes (sagemaker.aws.amazon.com, end of support)
to the ACK SageMaker and Application Auto Scaling controllers without deleting or stopping the real
SageMaker resources. plan shows every old object and the ACK objects that will adopt its AWS resources;
adopt creates them (annotation adoption or AdoptedResource, chosen from the ACK controller's version);
status reports progress; cleanup removes the old objects only once adopted and the old operator is gone,
backing up each object first; handover then lets ACK manage the resources.
`;

const CAVEATS = `Migrate in this order, or real SageMaker resources can be deleted or stopped:
  1. kubectl sagemaker-migrate plan -A
  2. kubectl sagemaker-migrate adopt -A --wait
  3. Uninstall the old operator's Deployment (keep its CRDs for now).
  4. kubectl sagemaker-migrate cleanup -A
  5. kubectl sagemaker-migrate handover -A
  6. kubectl sagemaker-migrate cleanup -A --delete-crds
The ACK SageMaker controller (and Application Auto Scaling, for HostingAutoscalingPolicy) must be installed.
`;

export function buildManifest(version: string, homepage: string, archives: PlatformArchive[]): KrewPlugin {
  return {
    apiVersion: KREW_API_VERSION,
    kind: 'Plugin',
    metadata: { name: PLUGIN_NAME },
    spec: {
      version,
      homepage,
      shortDescription: 'Migrate SageMaker operator objects to ACK safely',
      description: DESCRIPTION,
      caveats: CAVEATS,
      platforms: archives.map((archive) => ({
        selector: { matchLabels: { os: archive.os, arch: archive.arch } },
        uri: archive.uri,
        sha256: archive.sha256,
        bin: archive.bin,
        files: [
          { from: archive.bin, to: '.' },
          { from: 'LICENSE', to: '.' },
        ],
      })),
    },
  };
}

const WINDOWS_RESERVED = ['CON', 'PRN', 'AUX', 'NUL', ...Array.from({ length: 9 }, (_, i) => `COM${i + 1}`), ...Array.from({ length: 9 }, (_, i) => `LPT${i + 1}`)];
const SEMVER_WITH_V = /^v(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$/;

/** Every problem krew (or a krew-index reviewer) would raise; an empty list means the manifest is acceptable. */
export function validateManifest(manifest: KrewPlugin, expectedName: string = PLUGIN_NAME): string[] {
  const problems: string[] = [];
  if (manifest.apiVersion !== KREW_API_VERSION) problems.push(`apiVersion must be ${KREW_API_VERSION}`);
  if (manifest.kind !== 'Plugin') problems.push('kind must be Plugin');
  const name = manifest.metadata?.name ?? '';
  if (!/^[\w-]+$/.test(name) || WINDOWS_RESERVED.includes(name.toUpperCase())) problems.push(`name "${name}" is not a safe plugin name`);
  // krew-index stores it as plugins/<name>.yaml and requires the two to agree.
  if (name !== expectedName) problems.push(`name "${name}" must be "${expectedName}"`);
  const spec = manifest.spec;
  if (!spec) return [...problems, 'spec is missing'];
  if (!SEMVER_WITH_V.test(spec.version ?? '')) problems.push(`version "${spec.version}" must be a semantic version with a leading v`);
  if (!spec.homepage?.startsWith('https://')) problems.push('homepage must be an https URL');
  if (!spec.shortDescription) problems.push('shortDescription is required');
  else if (/[\r\n]/.test(spec.shortDescription)) problems.push('shortDescription must be one line');
  else if (spec.shortDescription.length > SHORT_DESCRIPTION_LIMIT) problems.push(`shortDescription is over ${SHORT_DESCRIPTION_LIMIT} characters`);
  if (!spec.description) problems.push('description is required');
  if (!spec.platforms || spec.platforms.length === 0) problems.push('at least one platform is required');
  for (const [index, platform] of (spec.platforms ?? []).entries()) {
    const where = `platforms[${index}]`;
    if (!platform.uri) problems.push(`${where}.uri is required`);
    if (!/^[a-f0-9]{64}$/.test(platform.sha256 ?? '')) problems.push(`${where}.sha256 must be 64 lower-case hex characters`);
    if (!platform.bin) problems.push(`${where}.bin is required`);
    const selector = platform.selector;
    const keys = [...Object.keys(selector?.matchLabels ?? {}), ...(selector?.matchExpressions ?? []).map((expression) => expression.key)];
    if (keys.length === 0) problems.push(`${where}.selector must not be empty`);
    for (const key of keys) if (key !== 'os' && key !== 'arch') problems.push(`${where}.selector key "${key}" is not supported (os, arch)`);
    if (platform.files && platform.files.length === 0) problems.push(`${where}.files must be left out or non-empty`);
    for (const file of platform.files ?? []) if (!file.from || !file.to) problems.push(`${where}.files entries need from and to`);
  }
  return problems;
}
