import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';

// A plain CommonJS require: inside a module-loader hook thread, wabt imported as ESM cannot require its own parts.
const wabtInit = createRequire(import.meta.url)('wabt');

/** WebAssembly features the hand-written kernels use (relaxed SIMD only validates where the engine has it). */
const FEATURES = { simd: true, relaxed_simd: true };

/**
 * A `.wat` (WebAssembly text) file as the source of an ES module whose default export is the binary (a Uint8Array),
 * so the kernels ship inside the JavaScript with no file to locate at run time. Used by the vite plugin (builds,
 * vitest) and by wat-hooks.mjs (worker threads run from TypeScript through jiti).
 */
export async function watModuleSource(path) {
  const wabt = await wabtInit();
  const module = wabt.parseWat(path, await readFile(path, 'utf8'), FEATURES);
  try {
    module.validate();
    const base64 = Buffer.from(module.toBinary({}).buffer).toString('base64');
    return `export default Uint8Array.from(atob(${JSON.stringify(base64)}), (c) => c.charCodeAt(0));`;
  } finally {
    module.destroy();
  }
}
