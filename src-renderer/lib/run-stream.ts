import type { Result, Unsubscribe } from '../../src-main/contract/index.ts';

interface RunEvent {
  runId: string;
  type: string;
}

export interface StreamRun<Value extends { runId: string }> {
  value: Value;
  /** Settles after the run's final event (or `detach`); the subscription is gone by then. */
  finished: Promise<void>;
  /** Stops listening without cancelling the run (e.g. the panel was closed). */
  detach(): void;
}

/**
 * Starts a run whose events arrive on a shared channel tagged with a runId. Subscribes BEFORE starting (events can
 * beat the start reply), buffers until the id is known, delivers only this run's events, and unsubscribes at the end.
 */
export async function startStream<Event extends RunEvent, Value extends { runId: string }>(
  subscribe: (listener: (event: Event) => void) => Unsubscribe,
  start: () => Promise<Result<Value>>,
  onEvent: (event: Event) => void,
  isFinal: (event: Event) => boolean,
): Promise<Result<StreamRun<Value>>> {
  let runId: string | null = null;
  let closed = false;
  const early: Event[] = [];
  let settle: () => void = () => {};
  const finished = new Promise<void>((resolve) => (settle = resolve));
  const deliver = (event: Event) => {
    if (closed || event.runId !== runId) return;
    onEvent(event);
    if (isFinal(event)) close();
  };
  const unsubscribe = subscribe((event) => (runId === null ? early.push(event) : deliver(event)));
  const close = () => {
    if (closed) return;
    closed = true;
    unsubscribe();
    settle();
  };
  let result: Result<Value>;
  try {
    result = await start();
  } catch (error) {
    close();
    throw error;
  }
  if (!result.ok) {
    close();
    return result;
  }
  runId = result.value.runId;
  for (const event of early.splice(0)) deliver(event);
  return { ok: true, value: { value: result.value, finished, detach: close } };
}

/** Follows a run that was started elsewhere (e.g. training still running after a reload). */
export function followRun<Event extends RunEvent>(
  subscribe: (listener: (event: Event) => void) => Unsubscribe,
  runId: string,
  onEvent: (event: Event) => void,
  isFinal: (event: Event) => boolean,
): StreamRun<{ runId: string }> {
  let settle: () => void = () => {};
  const finished = new Promise<void>((resolve) => (settle = resolve));
  let closed = false;
  const close = () => {
    if (closed) return;
    closed = true;
    unsubscribe();
    settle();
  };
  const unsubscribe = subscribe((event) => {
    if (closed || event.runId !== runId) return;
    onEvent(event);
    if (isFinal(event)) close();
  });
  return { value: { runId }, finished, detach: close };
}
