import type { EngineService } from '../app/engine-service.ts';
import type { DomainHandlers } from './dispatcher.ts';

export function engineHandlers(engine: EngineService) {
  return {
    'engine:getStatus': () => engine.status(),
    'training:start': (input) => engine.startTraining(input),
    'training:pause': async ({ runId }) => engine.pauseTraining(runId),
    'training:resume': async ({ runId }) => engine.resumeTraining(runId),
    'training:cancel': async ({ runId }) => engine.cancelTraining(runId),
    'training:continue': ({ modelId, budget }) => engine.continueTraining(modelId, budget),
    'generation:start': (input) => engine.generate(input),
    'generation:cancel': async ({ runId }) => engine.cancelGeneration(runId),
    'generation:prepare': ({ prime, primeChars }) => engine.prepareGeneration(prime, primeChars),
    'models:list': () => engine.listModels(),
    'models:setActive': ({ id }) => engine.setActive(id),
    'models:rename': ({ id, name }) => engine.rename(id, name),
    'models:delete': ({ id }) => engine.delete(id),
  } satisfies DomainHandlers<'engine' | 'training' | 'generation' | 'models'>;
}
