import { describe, expect, it } from 'vitest';
import { startStream } from '../../../../src-renderer/lib/run-stream.ts';
import { describeKeys, findShortcut, matchesKeys, SHORTCUTS } from '../../../../src-renderer/lib/shortcuts.ts';
import { appendThinned, type LossSample } from '../../../../src-renderer/lib/state/training.svelte.ts';
import { temperatureLabel } from '../../../../src-renderer/lib/temperature.ts';

const key = (key: string, mods: Partial<Record<'ctrlKey' | 'metaKey' | 'shiftKey' | 'altKey', boolean>> = {}) =>
  new KeyboardEvent('keydown', { key, ...mods });

describe('keyboard shortcuts', () => {
  it('match Mod as Ctrl off a Mac and Cmd on one, with no stray modifiers', () => {
    expect(matchesKeys(key('Enter', { ctrlKey: true }), 'Mod-Enter', false)).toBe(true);
    expect(matchesKeys(key('Enter', { metaKey: true }), 'Mod-Enter', true)).toBe(true);
    expect(matchesKeys(key('Enter', { metaKey: true }), 'Mod-Enter', false)).toBe(false);
    expect(matchesKeys(key('S', { ctrlKey: true, shiftKey: true }), 'Mod-s', false)).toBe(false);
    expect(findShortcut(key('S', { ctrlKey: true, shiftKey: true }), false)?.id).toBe('saveAs');
    expect(findShortcut(key('s', { ctrlKey: true }), false)?.id).toBe('save');
    expect(findShortcut(key('/', { ctrlKey: true }), false)?.id).toBe('help');
    expect(findShortcut(key('Escape'), false)?.id).toBe('stopGeneration');
  });

  it('cover every main action once, and read naturally in the help sheet', () => {
    const ids = SHORTCUTS.map((shortcut) => shortcut.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toEqual(
      expect.arrayContaining(['generate', 'stopGeneration', 'save', 'saveAs', 'open', 'newDocument', 'help']),
    );
    expect(describeKeys('Mod-Shift-s', false)).toBe('Ctrl+Shift+S');
    expect(describeKeys('Mod-Shift-s', true)).toBe('⌘⇧S');
  });

  it('label temperatures in plain words from safe to wild', () => {
    expect([0.2, 0.5, 0.8, 1.1, 1.5].map(temperatureLabel)).toEqual([
      'safe',
      'steady',
      'balanced',
      'adventurous',
      'wild',
    ]);
  });
});

describe('the loss history', () => {
  it('stays bounded by thinning old points while keeping the newest', () => {
    let points: LossSample[] = [];
    for (let step = 1; step <= 1000; step++) points = appendThinned(points, { step, bits: 5 - step / 1000 }, 100);
    expect(points.length).toBeLessThanOrEqual(100);
    expect(points.at(-1)?.step).toBe(1000);
    expect(points.map((point) => point.step)).toEqual([...points.map((point) => point.step)].sort((a, b) => a - b));
    expect(points[0]?.step).toBe(1);
  });
});

describe('startStream', () => {
  type Event = { type: 'chunk' | 'done'; runId: string; n: number };

  function channel() {
    const listeners = new Set<(event: Event) => void>();
    return {
      listeners,
      subscribe: (listener: (event: Event) => void) => {
        listeners.add(listener);
        return () => listeners.delete(listener);
      },
      emit: (event: Event) => {
        for (const listener of [...listeners]) listener(event);
      },
    };
  }

  it('keeps events that beat the start reply, drops other runs, and unsubscribes after the last', async () => {
    const bus = channel();
    const seen: number[] = [];
    const started = await startStream<Event, { runId: string }>(
      bus.subscribe,
      async () => {
        bus.emit({ type: 'chunk', runId: 'mine', n: 1 });
        bus.emit({ type: 'chunk', runId: 'other', n: 99 });
        return { ok: true, value: { runId: 'mine' } };
      },
      (event) => seen.push(event.n),
      (event) => event.type === 'done',
    );
    if (!started.ok) throw new Error('did not start');
    bus.emit({ type: 'chunk', runId: 'mine', n: 2 });
    bus.emit({ type: 'done', runId: 'mine', n: 3 });
    await started.value.finished;
    bus.emit({ type: 'chunk', runId: 'mine', n: 4 });
    expect(seen).toEqual([1, 2, 3]);
    expect(bus.listeners.size).toBe(0);
  });

  it('unsubscribes at once when the start is refused', async () => {
    const bus = channel();
    const result = await startStream<Event, { runId: string }>(
      bus.subscribe,
      async () => ({ ok: false, error: { code: 'E_NO_ACTIVE_MODEL', message: 'none' } }),
      () => {},
      () => true,
    );
    expect(result.ok).toBe(false);
    expect(bus.listeners.size).toBe(0);
  });
});
