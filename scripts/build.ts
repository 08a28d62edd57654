// `npm run build`: bundles src/ into one CommonJS file with esbuild, then makes it a Node single executable
// application, dist/kubectl-sagemaker_migrate, for this platform, with jq-web's WebAssembly embedded as an asset.
// The Node runtime inside is an official Node 24 binary taken from the npm registry package node-<os>-<arch>
// (Node 20, which runs the build, is past its end of life), cached outside the repository.

import { execFileSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type Plugin } from 'esbuild';

export const RUNTIME_NODE_VERSION = '24.21.0';
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dist = path.join(root, 'dist');
const log = (message: string): void => void process.stderr.write(`build: ${message}\n`);

/** Optional native add-ons of ws/node-fetch: absent on purpose, so they must fail the way a missing module does. */
const absentOptionalModules: Plugin = {
  name: 'absent-optional-modules',
  setup(builder) {
    builder.onResolve({ filter: /^(bufferutil|utf-8-validate|encoding)$/ }, (args) => ({ path: args.path, namespace: 'absent' }));
    builder.onLoad({ filter: /.*/, namespace: 'absent' }, (args) => ({
      contents: `const error = new Error("Cannot find module '${args.path}'"); error.code = 'MODULE_NOT_FOUND'; throw error;`,
      loader: 'js',
    }));
  },
};

/** jq-web loads jq.wasm from its own folder; inside the executable the bytes come from the embedded asset instead. */
const embeddedJqWasm: Plugin = {
  name: 'embedded-jq-wasm',
  setup(builder) {
    builder.onLoad({ filter: /jq-web[\\/]jq\.js$/ }, (args) => {
      const source = readFileSync(args.path, 'utf8');
      const call = 'jq = jq().then(';
      if (!source.includes(call)) throw new Error('jq-web changed: cannot find its module factory call');
      const moduleArgument = `function smmJqModuleArgument() {
  try {
    const sea = require('node:sea');
    if (sea.isSea()) return { wasmBinary: new Uint8Array(sea.getAsset('jq.wasm')) };
  } catch (error) {}
  return {};
}
`;
      return { contents: moduleArgument + source.replace(call, 'jq = jq(smmJqModuleArgument()).then('), loader: 'js' };
    });
  },
};

export async function bundle(): Promise<string> {
  const outfile = path.join(dist, 'bundle', 'kubectl-sagemaker_migrate.cjs');
  await build({
    entryPoints: [path.join(root, 'src', 'main.ts')],
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    outfile,
    minify: true,
    legalComments: 'none',
    // yargs reads import.meta.url, which CommonJS output would leave empty.
    define: { 'import.meta.url': 'smmImportMetaUrl' },
    // Deprecation notices from dependencies (punycode in node-fetch's URL stack) are noise for a CLI's users.
    banner: { js: "process.noDeprecation = true; const smmImportMetaUrl = require('node:url').pathToFileURL(__filename).href;" },
    plugins: [absentOptionalModules, embeddedJqWasm],
    logLevel: 'warning',
  });
  // Running the bundle with plain node (no executable) finds jq.wasm beside it.
  copyFileSync(path.join(root, 'node_modules', 'jq-web', 'jq.wasm'), path.join(path.dirname(outfile), 'jq.wasm'));
  return outfile;
}

export function runtimePackage(platform: NodeJS.Platform = process.platform, arch: string = process.arch): string {
  const os = platform === 'win32' ? 'win' : platform;
  return `node-${os}-${arch}`;
}

/** The official Node binary for a platform, from the npm registry, cached across builds. */
export function runtimeBinary(packageName: string, version = RUNTIME_NODE_VERSION): string {
  const cache = path.join(process.env['SAGEMAKER_MIGRATE_CACHE'] ?? path.join(process.env['XDG_CACHE_HOME'] ?? path.join(homedir(), '.cache'), 'kubectl-sagemaker-migrate'), 'runtimes', `${packageName}-${version}`);
  const binary = path.join(cache, 'package', 'bin', packageName.startsWith('node-win') ? 'node.exe' : 'node');
  const windowsBinary = path.join(cache, 'package', 'node.exe');
  if (existsSync(binary)) return binary;
  if (existsSync(windowsBinary)) return windowsBinary;
  mkdirSync(cache, { recursive: true });
  log(`fetching ${packageName}@${version} from the npm registry`);
  const tarball = execFileSync('npm', ['pack', `${packageName}@${version}`, '--silent', '--pack-destination', cache], { encoding: 'utf8' }).trim().split('\n').pop()!;
  execFileSync('tar', ['-xzf', path.join(cache, tarball), '-C', cache]);
  rmSync(path.join(cache, tarball));
  if (existsSync(binary)) return binary;
  if (existsSync(windowsBinary)) return windowsBinary;
  throw new Error(`${packageName}@${version} has no node binary where expected`);
}

/**
 * Injects the bundle into a copy of a Node binary. The blob is made by `blobMaker`, a Node of the same version that
 * runs here; code cache only when the target runtime itself runs here.
 */
export function makeExecutable(bundlePath: string, runtime: string, output: string, blobMaker: string, runnableHere: boolean): void {
  const work = path.join(dist, 'sea', path.basename(path.dirname(output)) + '-' + path.basename(output));
  mkdirSync(work, { recursive: true });
  const blob = path.join(work, 'sea-prep.blob');
  const config = path.join(work, 'sea-config.json');
  writeFileSync(config, JSON.stringify({
    main: bundlePath,
    output: blob,
    disableExperimentalSEAWarning: true,
    useCodeCache: runnableHere,
    useSnapshot: false,
    // V8's young generation otherwise grows to tens of MiB on large lists; 2 MiB semi-spaces kept status over
    // 10,000 objects at 163 MiB instead of 223 MiB (measured), for a few more quick scavenges.
    execArgv: ['--max-semi-space-size=2'],
    assets: { 'jq.wasm': path.join(root, 'node_modules', 'jq-web', 'jq.wasm') },
  }));
  // The blob must come from the same Node version as the binary it goes into.
  execFileSync(blobMaker, ['--experimental-sea-config', config], { stdio: ['ignore', 'ignore', 'inherit'] });
  mkdirSync(path.dirname(output), { recursive: true });
  copyFileSync(runtime, output);
  chmodSync(output, 0o755);
  const postject = path.join(root, 'node_modules', 'postject', 'dist', 'cli.js');
  const macho = output.includes('darwin') ? ['--macho-segment-name', 'NODE_SEA'] : [];
  execFileSync(process.execPath, [postject, output, 'NODE_SEA_BLOB', blob, '--sentinel-fuse', 'NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2', ...macho], { stdio: ['ignore', 'ignore', 'inherit'] });
}

/** Newest modification time among the files a build reads. */
function newestInput(): number {
  const files: string[] = [path.join(root, 'package-lock.json'), fileURLToPath(import.meta.url)];
  const walk = (directory: string): void => {
    for (const entry of readdirSync(directory, { withFileTypes: true })) {
      const full = path.join(directory, entry.name);
      if (entry.isDirectory()) walk(full);
      else files.push(full);
    }
  };
  walk(path.join(root, 'src'));
  return Math.max(...files.map((file) => statSync(file).mtimeMs));
}

async function main(): Promise<void> {
  const started = Date.now();
  const output = path.join(dist, 'kubectl-sagemaker_migrate');
  if (!process.argv.includes('--force') && existsSync(output) && statSync(output).mtimeMs > newestInput()) {
    log(`${path.relative(root, output)} is up to date`);
    return;
  }
  rmSync(path.join(dist, 'sea'), { recursive: true, force: true });
  const bundlePath = await bundle();
  log(`bundled ${path.relative(root, bundlePath)}`);
  const runtime = runtimeBinary(runtimePackage());
  makeExecutable(bundlePath, runtime, output, runtime, true);
  log(`built ${path.relative(root, output)} with Node ${RUNTIME_NODE_VERSION} in ${Math.round((Date.now() - started) / 1000)}s`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  main().catch((error: Error) => {
    process.stderr.write(`build: ${error.message}\n`);
    process.exit(1);
  });
}
