import type { EngineService } from '../app/engine-service.ts';
import type { DomainHandlers } from './dispatcher.ts';

export function engineHandlers(engine: EngineService) {
  return {
    'engine:getStatus': () => engine.status(),
    'training:start': (input) => engine.startTraining(input),
    'training:pause': (run) => engine.pauseTraining(run),
    'training:resume': (run) => engine.resumeTraining(run),
    'training:cancel': (run) => engine.cancelTraining(run),
    'training:continue': ({ modelId, budget }) => engine.continueTraining(modelId, budget),
    'generation:start': (input) => engine.generate(input),
    'generation:cancel': (run) => engine.cancelGeneration(run),
    'generation:prepare': (input) => engine.prepareGeneration(input),
    'models:list': () => engine.listModels(),
    'models:setActive': ({ id }) => engine.setActive(id),
    'models:rename': ({ id, name }) => engine.rename(id, name),
    'models:delete': ({ id }) => engine.delete(id),
  } satisfies DomainHandlers<'engine' | 'training' | 'generation' | 'models'>;
}
