// The module-loader hook that wat-hooks.mjs registers.
import { fileURLToPath } from 'node:url';
import { watModuleSource } from './wat-compile.mjs';

export async function load(url, context, nextLoad) {
  if (!url.endsWith('.wat')) return nextLoad(url, context);
  return { format: 'module', source: await watModuleSource(fileURLToPath(url)), shortCircuit: true };
}
