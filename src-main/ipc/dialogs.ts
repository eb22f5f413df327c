import type { DialogService } from '../app/dialog-service.ts';
import type { DomainHandlers } from './dispatcher.ts';

export function dialogHandlers(dialogs: DialogService) {
  return {
    'dialogs:openFiles': (input) => dialogs.openFiles(input),
    'dialogs:saveFile': (input) => dialogs.saveFile(input),
  } satisfies DomainHandlers<'dialogs'>;
}
