import type { Services } from '../services.ts';
import { appHandlers } from './app.ts';
import { engineHandlers } from './engine.ts';
import type { Handlers } from './dispatcher.ts';

/** The whole handler table; `satisfies` makes a missing or mistyped handler a compile error. */
export function createHandlers(services: Services): Handlers {
  return {
    ...appHandlers(services.app),
    ...engineHandlers(services.engine),
  } satisfies Handlers;
}
