import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseFountain } from '../../../src-main/fountain/parse.ts';
import {
  stagePlayToFountain,
  stageSpeaker,
  stageSpeakerAt,
  stageSpeakers,
} from '../../../src-main/fountain/stage-play.ts';

const shakespeare = readFileSync(resolve(import.meta.dirname, '../../../resources/corpora/shakespeare.txt'), 'utf8');

describe('stage plays', () => {
  it('recognises speaker lines with a colon, or upper case with a dot', () => {
    expect(stageSpeaker('First Citizen:')).toBe('First Citizen');
    expect(stageSpeaker('HAMLET.')).toBe('HAMLET');
    expect(stageSpeaker('  LADY MACBETH:  ')).toBe('LADY MACBETH');
    expect(stageSpeaker('He said: go.')).toBeUndefined();
    expect(stageSpeaker('Exit.')).toBeUndefined();
    // A speech opens a paragraph and has a line below it: `Come:` inside a speech is verse.
    expect(stageSpeakers(['ROMEO:', 'Hello.', '', 'JULIET:', ''])).toEqual(['ROMEO']);
    expect(stageSpeakers(['BRUTUS:', 'Come:', 'Half all honours.'])).toEqual(['BRUTUS']);
  });

  it('turns each speech into a cue and dialogue that the Fountain parser reads back', () => {
    const text = 'First Citizen:\nBefore we proceed any further,\nhear me speak.\n\nAll:\nSpeak, speak.\n';
    const fountain = stagePlayToFountain(text);
    expect(fountain).toBe('FIRST CITIZEN\nBefore we proceed any further,\nhear me speak.\n\nALL\nSpeak, speak.\n');
    expect(parseFountain(fountain).lines.map((line) => line.type)).toEqual([
      'character',
      'dialogue',
      'dialogue',
      'blank',
      'character',
      'dialogue',
      'blank',
    ]);
  });

  it('keeps other paragraphs as action, forced where Fountain would read them as another element', () => {
    const fountain = stagePlayToFountain('ACT I\nEnter the KING.\n\nINT. nothing\n\n#1 stage note\n');
    const lines = parseFountain(fountain).lines.filter((line) => line.type !== 'blank');
    expect(lines.map((line) => line.type)).toEqual(['action', 'action', 'action', 'action']);
    expect(lines.map((line) => line.text)).toEqual(['ACT I', 'Enter the KING.', 'INT. nothing', '#1 stage note']);
  });

  it('converts the Shakespeare sample: every speech gets its cue, no word is lost or moved', () => {
    const fountain = stagePlayToFountain(shakespeare);
    const document = parseFountain(fountain);
    const speakers = stageSpeakers(shakespeare.split('\n'));
    const cues = document.lines.filter((line) => line.type === 'character').map((line) => line.text);
    expect(cues).toEqual(speakers.map((name) => name.toUpperCase()));
    const kinds = new Set(document.lines.map((line) => line.type));
    // A speaker line with no speech below it (the sample has a few) stays as action.
    expect([...kinds].sort()).toEqual(['action', 'blank', 'character', 'dialogue']);
    const words = (text: string): string[] => text.split(/\s+/).filter((word) => word !== '');
    const spoken = document.lines
      .filter((line) => line.type === 'dialogue' || line.type === 'action')
      .flatMap((line) => words(line.text));
    const lines = shakespeare.split('\n');
    const original = lines.filter((_, index) => stageSpeakerAt(lines, index) === undefined).flatMap(words);
    expect(spoken.join(' ')).toBe(original.join(' '));
  });
});
