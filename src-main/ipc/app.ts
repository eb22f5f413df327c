import type { AppService } from '../app/app-service.ts';
import type { DomainHandlers } from './dispatcher.ts';

export function appHandlers(app: AppService) {
  return {
    'app:getInfo': () => app.getInfo(),
    'app:ping': ({ echo }) => ({ echo, at: Date.now() }),
    'app:openExternal': ({ url }) => app.openExternal(url),
    'app:takeLaunchFiles': () => app.takeLaunchFiles(),
    'app:listDamaged': () => app.listDamaged(),
  } satisfies DomainHandlers<'app'>;
}
