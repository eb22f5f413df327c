// `node --import jiti/register --import ./scripts/build/wat-hooks.mjs`: lets code run from TypeScript import `.wat`
// files as the vite plugin compiles them (registered after jiti, so wat-loader.mjs sees `.wat` URLs first).
import { register } from 'node:module';

register('./wat-loader.mjs', import.meta.url);
