import { describe, expect, it } from 'vitest';
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
