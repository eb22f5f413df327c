import type { Services } from '../services.ts';
import { appHandlers } from './app.ts';
import { corporaHandlers } from './corpora.ts';
import { documentsHandlers } from './documents.ts';
import { dialogHandlers } from './dialogs.ts';
import { engineHandlers } from './engine.ts';
import type { Handlers } from './dispatcher.ts';
import { settingsHandlers } from './settings.ts';

/** The whole handler table; `satisfies` makes a missing or mistyped handler a compile error. */
export function createHandlers(services: Services): Handlers {
  return {
    ...appHandlers(services.app),
    ...engineHandlers(services.engine),
    ...dialogHandlers(services.dialogs),
    ...corporaHandlers(services.corpora),
    ...documentsHandlers(services.documents),
    ...settingsHandlers(services.settings),
  } satisfies Handlers;
}
