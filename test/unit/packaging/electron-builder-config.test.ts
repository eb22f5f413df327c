import { mkdir, mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import Ajv from 'ajv';
import { FileMatcher } from 'app-builder-lib/out/fileMatcher.js';
import type { Configuration, FileSet, TargetConfiguration } from 'electron-builder';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const require = createRequire(import.meta.url);
// js-yaml ships no types; it is the parser electron-builder itself reads electron-builder.yml with.
const { load: parseYaml } = require('js-yaml') as { load: (text: string) => unknown };

const ICON_SIZES = [16, 24, 32, 48, 64, 128, 256, 512, 1024];

function asArray<T>(value: T | T[] | null | undefined): T[] {
  if (value === null || value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

function targetNames(targets: Array<string | TargetConfiguration> | string | TargetConfiguration | null | undefined) {
  return asArray(targets).map((target) => (typeof target === 'string' ? target : target.target));
}

/** A configured icon path, resolved against the project root. */
function iconPath(value: string | null | undefined): string {
  if (typeof value !== 'string') throw new Error('icon is not configured');
  return join(ROOT, value);
}

/** Width and height from a PNG's IHDR chunk. */
async function pngSize(file: string): Promise<{ width: number; height: number }> {
  const buffer = await readFile(file);
  expect(buffer.subarray(0, 8).toString('hex'), `${file} is a PNG`).toBe('89504e470d0a1a0a');
  return { width: buffer.readUInt32BE(16), height: buffer.readUInt32BE(20) };
}

/** electron-builder's own matcher for a list of patterns, asked about files that really exist under `dir`. */
function matcherFor(dir: string, patterns: string[]): (relativePath: string) => Promise<boolean> {
  const filter = new FileMatcher(dir, '.', (pattern) => pattern, patterns).createFilter();
  return async (relativePath) => {
    const file = join(dir, relativePath);
    return filter(file, await stat(file));
  };
}

async function readConfig(): Promise<unknown> {
  return parseYaml(await readFile(join(ROOT, 'electron-builder.yml'), 'utf8'));
}

async function compileSchema() {
  const schemaPath = require.resolve('app-builder-lib/scheme.json');
  const schema: unknown = JSON.parse(await readFile(schemaPath, 'utf8'));
  if (typeof schema !== 'object' || schema === null) throw new Error(`${schemaPath} is not a JSON schema`);
  // strict: false as electron-builder itself does (the schema has its own keywords such as `typeof`);
  // optimize: false halves the compile time of this 10,000-line schema, and one run needs no faster code.
  return new Ajv({ strict: false, code: { optimize: false } }).compile<Configuration>(schema);
}

describe('electron-builder.yml', () => {
  let validate: Awaited<ReturnType<typeof compileSchema>>;
  let config: Configuration;
  let tree: string;

  beforeAll(async () => {
    validate = await compileSchema();
    const raw = await readConfig();
    if (!validate(raw)) throw new Error(`electron-builder.yml: ${JSON.stringify(validate.errors, null, 2)}`);
    config = raw;

    // A project tree with the files packaging has to tell apart, including tfjs-node's native parts.
    tree = await mkdtemp(join(tmpdir(), 'understudy-packaging-'));
    const wasmNames = (await readdir(join(ROOT, 'node_modules/@tensorflow/tfjs-backend-wasm/dist'))).filter((name) =>
      name.endsWith('.wasm'),
    );
    const files = [
      'package.json',
      'out/main/index.js',
      'out/main/index.js.map',
      'out/main/web.js',
      'out/preload/index.cjs',
      'out/renderer/index.html',
      'out/renderer/favicon.png',
      'out/tools/train-demo.js',
      'src-main/index.ts',
      'src-renderer/App.svelte',
      'test/unit/packaging/electron-builder-config.test.ts',
      'docs/architecture.md',
      'scripts/make-icons.mjs',
      'resources/corpora/shakespeare.txt',
      'electron-builder.yml',
      'tsconfig.json',
      'node_modules/@tensorflow/tfjs-node/lib/napi-v8/tfjs_binding.node',
      'node_modules/@tensorflow/tfjs-node/lib/napi-v8/tensorflow.dll',
      'node_modules/@tensorflow/tfjs-node/deps/lib/libtensorflow.so.2',
      'node_modules/@tensorflow/tfjs-core/dist/index.js',
      ...wasmNames.map((name) => `node_modules/@tensorflow/tfjs-backend-wasm/dist/${name}`),
    ];
    for (const file of files) {
      await mkdir(dirname(join(tree, file)), { recursive: true });
      await writeFile(join(tree, file), '');
    }
  });

  afterAll(async () => {
    if (tree) await rm(tree, { recursive: true, force: true });
  });

  it('is valid against the configuration schema shipped in app-builder-lib', async () => {
    expect(validate(await readConfig()), JSON.stringify(validate.errors)).toBe(true);
    expect(validate({ ...config, fileAsociations: [] }), 'the schema rejects a misspelt key').toBe(false);
    expect(validate({ ...config, asarUnpack: 42 }), 'the schema rejects a wrong type').toBe(false);
  });

  it('names the app and builds AppImage + deb, NSIS and dmg', () => {
    expect(config.appId).toBe('app.understudy.desktop');
    expect(config.productName).toBe('Understudy');
    expect(targetNames(config.linux?.target)).toEqual(expect.arrayContaining(['AppImage', 'deb']));
    expect(targetNames(config.win?.target)).toContain('nsis');
    expect(targetNames(config.mac?.target)).toContain('dmg');
    expect(config.linux?.maintainer, 'deb needs a maintainer').toMatch(/<.+@.+>/);
  });

  it('associates .fountain and .fdx files with the app', () => {
    const extensions = asArray(config.fileAssociations).flatMap((association) =>
      asArray(association.ext).map((ext) => ext.replace(/^\./, '')),
    );
    expect(extensions).toEqual(expect.arrayContaining(['fountain', 'fdx']));
  });

  it('packs only built output and package.json, never sources, tests, docs or scripts', async () => {
    const patterns = asArray(config.files);
    expect(patterns.every((pattern) => typeof pattern === 'string')).toBe(true);
    const included = matcherFor(tree, patterns as string[]);
    for (const file of [
      'package.json',
      'out/main/index.js',
      'out/main/web.js',
      'out/preload/index.cjs',
      'out/renderer/index.html',
    ]) {
      expect(await included(file), file).toBe(true);
    }
    for (const file of [
      'out/main/index.js.map',
      'out/tools/train-demo.js',
      'src-main/index.ts',
      'src-renderer/App.svelte',
      'test/unit/packaging/electron-builder-config.test.ts',
      'docs/architecture.md',
      'scripts/make-icons.mjs',
      'resources/corpora/shakespeare.txt',
      'tsconfig.json',
    ]) {
      expect(await included(file), file).toBe(false);
    }
  });

  it('unpacks tfjs-node native code and the wasm binaries from app.asar, and nothing else', async () => {
    const unpacked = matcherFor(tree, asArray(config.asarUnpack));
    const wasmFiles = (await readdir(join(tree, 'node_modules/@tensorflow/tfjs-backend-wasm/dist'))).map(
      (name) => `node_modules/@tensorflow/tfjs-backend-wasm/dist/${name}`,
    );
    expect(wasmFiles.length).toBeGreaterThan(0);
    for (const file of [
      'node_modules/@tensorflow/tfjs-node/lib/napi-v8/tfjs_binding.node',
      'node_modules/@tensorflow/tfjs-node/lib/napi-v8/tensorflow.dll',
      'node_modules/@tensorflow/tfjs-node/deps/lib/libtensorflow.so.2',
      ...wasmFiles,
    ]) {
      expect(await unpacked(file), file).toBe(true);
    }
    for (const file of ['out/main/index.js', 'package.json', 'node_modules/@tensorflow/tfjs-core/dist/index.js']) {
      expect(await unpacked(file), file).toBe(false);
    }
  });

  it('copies corpora, models and samples to resources/ in the resources path', async () => {
    const copies = asArray(config.extraResources).filter((entry): entry is FileSet => typeof entry !== 'string');
    const mapping = Object.fromEntries(copies.map((entry) => [entry.from, entry.to]));
    for (const name of ['corpora', 'models', 'samples']) {
      expect(mapping[`resources/${name}`], name).toBe(`resources/${name}`);
    }
    for (const name of ['corpora', 'samples']) {
      expect((await stat(join(ROOT, 'resources', name))).isDirectory(), name).toBe(true);
    }
  });

  it('points every platform at icons made from resources/icons/icon.svg', async () => {
    const macIcon = iconPath(config.mac?.icon);
    const winIcon = iconPath(config.win?.icon);
    const linuxIcons = iconPath(config.linux?.icon);
    expect((await pngSize(macIcon)).width, 'macOS wants at least 512 px').toBeGreaterThanOrEqual(512);
    expect((await pngSize(winIcon)).width, 'Windows wants at least 256 px').toBeGreaterThanOrEqual(256);
    for (const size of ICON_SIZES) {
      expect(await pngSize(join(linuxIcons, `${size}x${size}.png`))).toEqual({ width: size, height: size });
    }
    expect(await pngSize(join(ROOT, 'resources/icons/icon.png'))).toEqual({ width: 512, height: 512 });
    expect((await stat(join(ROOT, 'resources/icons/icon.svg'))).isFile()).toBe(true);
  });

  it('gives the renderer the 32 px icon as its favicon', async () => {
    expect(await pngSize(join(ROOT, 'src-renderer/public/favicon.png'))).toEqual({ width: 32, height: 32 });
    const html = await readFile(join(ROOT, 'src-renderer/index.html'), 'utf8');
    expect(html).toContain('<link rel="icon" href="./favicon.png" />');
  });

  it('has npm scripts to build the installers and redraw the icons', async () => {
    const packageJson: unknown = JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8'));
    const { scripts } = z.object({ scripts: z.record(z.string(), z.string()) }).parse(packageJson);
    expect(scripts['dist']).toBe('npm run build && electron-builder');
    expect(scripts['icons']).toBe('node scripts/make-icons.mjs');
  });
});
