import { describe, expect, it } from 'vitest';
import { fdxToFountain, fountainToFdx, parseFdx } from '../../../src-main/documents/fdx.ts';
import { parseFountain } from '../../../src-main/fountain/parse.ts';
import {
  DRAFT_END_NOTE,
  findDraftSpans,
  formatProvenanceNote,
  withoutDrafts,
  wrapDraft,
} from '../../../src-main/fountain/provenance.ts';

const SCRIPT = `INT. HOUSE - DAY

John enters. He is *tired* and **angry**, and _late_.

JOHN
(quietly)
Hello.
Is anyone here?

MARY
No.

BOB ^
Nobody.

CUT TO:

.FLASHBACK

!A LOUD BANG
The walls shake.

@McCLANE
Yippee.

> THE END <
`;

/** Shaped like a file saved by Final Draft: extra elements, entities, styled runs, a title page. */
const FINAL_DRAFT_FILE = `<?xml version="1.0" encoding="UTF-8" standalone="no" ?>
<FinalDraft DocumentType="Script" Template="No" Version="5">
  <Content>
    <Paragraph Number="1" Type="Scene Heading">
      <SceneProperties Length="1" Page="1" Title=""/>
      <Text>int. diner - night</Text>
    </Paragraph>
    <Paragraph Type="Action"><Text>Rosa wipes the counter. Tom &amp; Jerry&#8217;s sign flickers.</Text></Paragraph>
    <Paragraph Type="Character"><Text>ROSA</Text></Paragraph>
    <Paragraph Type="Parenthetical"><Text>(not looking up)</Text></Paragraph>
    <Paragraph Type="Dialogue"><Text>We&apos;re </Text><Text Style="Bold+Underline">closed</Text><Text>.</Text></Paragraph>
    <Paragraph Type="Transition"><Text>Smash cut to black</Text></Paragraph>
    <Paragraph Type="Action"><Text/></Paragraph>
  </Content>
  <TitlePage><Content><Paragraph Type="Text"><Text>DINER</Text></Paragraph></Content></TitlePage>
</FinalDraft>`;

describe('fdx', () => {
  it('round-trips Fountain through FDX', () => {
    expect(fdxToFountain(fountainToFdx(SCRIPT))).toBe(SCRIPT);
  });

  it('writes typed paragraphs, dual dialogue, emphasis runs and the title page', () => {
    const fdx = fountainToFdx(`Title: Night Shift\nAuthor: A. Writer\n\n${SCRIPT}`);
    const types = parseFdx(fdx).map((p) => p.type);
    expect(types.slice(0, 5)).toEqual(['Scene Heading', 'Action', 'Character', 'Parenthetical', 'Dialogue']);
    expect(types).toContain('Transition');
    expect(fdx).toMatch(/<DualDialogue>\s*<Paragraph Type="Character"><Text>MARY<\/Text>/);
    expect(fdx).toContain('<Text Style="Italic">tired</Text>');
    expect(fdx).toContain('<Text Style="Underline">late</Text>');
    expect(fdx).toMatch(/<TitlePage>[\s\S]*<Text>Night Shift<\/Text>/);
  });

  it('reads a Final Draft file into Fountain', () => {
    expect(fdxToFountain(FINAL_DRAFT_FILE)).toBe(
      'Title: DINER\n\nINT. DINER - NIGHT #1#\n\nRosa wipes the counter. Tom & Jerry’s sign flickers.\n\n' +
        "ROSA\n(not looking up)\nWe're **_closed_**.\n\n> SMASH CUT TO BLACK\n",
    );
  });

  it('refuses malformed XML and files that are not Final Draft', () => {
    expect(() => fdxToFountain('<FinalDraft><Content><Paragraph></Content></FinalDraft>')).toThrow(
      expect.objectContaining({ code: 'E_FDX_INVALID', message: expect.stringContaining('line 1') }),
    );
    expect(() => fdxToFountain('<html><body/></html>')).toThrow(/FinalDraft/);
  });

  it('follows Fountain where a writer leaves out blank lines', () => {
    const paragraphs = parseFdx(fountainToFdx('# Act One\nINT. HALL - DAY\nShe waits.\n\n= She is early.\n'));
    expect(paragraphs.map((p) => [p.type, p.text])).toEqual([
      ['Section', 'Act One'],
      ['Action', 'INT. HALL - DAY\nShe waits.'],
      ['Synopsis', 'She is early.'],
    ]);
  });

  it('escapes XML special characters and keeps escaped Fountain emphasis literal', () => {
    const fdx = fountainToFdx('A <tag> & "quotes" cost 2\\*3.\n');
    expect(fdx).toContain('<Text>A &lt;tag&gt; &amp; &quot;quotes&quot; cost 2*3.</Text>');
    expect(fountainToFdx('***both*** plain\n')).toContain('<Text Style="Bold+Italic">both</Text><Text> plain</Text>');
  });
});

describe('fdx: consecutive forced action lines', () => {
  it('drops the ! from every line, not only the first', () => {
    // Spec, Action: "You can force an Action element ... by preceding it with an exclamation point !"; the mark
    // does not print. Each of the three lines is forced, so none keeps its mark.
    const paragraphs = parseFdx(fountainToFdx('!ONE\n!TWO\n!THREE\n'));
    expect(paragraphs.map((p) => p.type)).toEqual(paragraphs.map(() => 'Action'));
    const lines = paragraphs.flatMap((p) => p.text.split('\n'));
    expect(lines).toEqual(['ONE', 'TWO', 'THREE']);
    for (const line of lines) expect(line).not.toContain('!');
  });
});

describe('fdx: provenance notes that bound a draft', () => {
  // Emphasis marks in a model's name belong to the note, not to the styles around it.
  const provenance = { model: 'my_noir *2*', mode: 'scene', temperature: 0.8, seed: 7, date: '2026-01-02T03:04:00' };
  const start = formatProvenanceNote(provenance);
  const inline = (text: string): string => wrapDraft(text, provenance, { atLineStart: false });
  const script = `INT. ${inline('KITCHEN - NIGHT')}

She waits.

${wrapDraft('BOB\nYou came back.\n', provenance)}
She opens the ${inline('*window*')} slowly.

JUNE
Hi.
${wrapDraft('Bye.\n', provenance)}
CUT TO:${inline('')}

EXT. ROAD - DAY
`;
  const bodies = (text: string): string[] =>
    findDraftSpans(text).map((span) => text.slice(span.body.from, span.body.to));

  it('exports notes on a line of their own as General paragraphs, and inline notes inline', () => {
    const paragraphs = parseFdx(fountainToFdx(script));
    expect(paragraphs.map((p) => [p.type, p.text])).toEqual([
      ['Scene Heading', `INT. ${start}KITCHEN - NIGHT${DRAFT_END_NOTE}`],
      ['Action', 'She waits.'],
      ['General', start],
      ['Character', 'BOB'],
      ['Dialogue', 'You came back.'],
      ['General', DRAFT_END_NOTE],
      ['Action', `She opens the ${start}*window*${DRAFT_END_NOTE} slowly.`],
      ['Character', 'JUNE'],
      ['Dialogue', 'Hi.'],
      ['General', start],
      ['Dialogue', 'Bye.'],
      ['General', DRAFT_END_NOTE],
      ['Transition', `CUT TO:${start}${DRAFT_END_NOTE}`],
      ['Scene Heading', 'EXT. ROAD - DAY'],
    ]);
    expect(fountainToFdx(script)).toContain('<Text Style="Italic">window</Text>');
  });

  it('reads them back into the same notes around the same drafts, so a re-import still leaves the drafts out', () => {
    const back = fdxToFountain(fountainToFdx(script));
    expect(back).toBe(script);
    expect(bodies(back)).toEqual(['KITCHEN - NIGHT', '\nBOB\nYou came back.\n', '*window*', '\nBye.\n', '']);
    expect(findDraftSpans(back).map((span) => span.provenance)).toEqual(
      Array.from({ length: 5 }, () => ({ ...provenance, date: '2026-01-02 03:04' })),
    );
    const kept = withoutDrafts(back).text;
    expect(kept).toBe('INT. \n\nShe waits.\n\nShe opens the  slowly.\n\nJUNE\nHi.\n\nCUT TO:\n\nEXT. ROAD - DAY\n');
    expect(parseFountain(kept).lines.map((line) => line.type)).toEqual(
      parseFountain(withoutDrafts(script).text).lines.map((line) => line.type),
    );
  });

  it('keeps a start note a speech opens with inside the speech, and one never closed', () => {
    const speech = `MARA\n${wrapDraft('(low)\nGo.\n', provenance)}\nEXT. ROAD - DAY\n`;
    expect(fdxToFountain(fountainToFdx(speech))).toBe(speech);
    const unclosed = `She waits.\n\n${start}\nBOB\nHi.\n`;
    expect(fdxToFountain(fountainToFdx(unclosed))).toBe(unclosed);
  });
});

describe('fdx: everything the Fountain core represents, both ways', () => {
  const FULL = `Title: The Pier
Credit: written by
Author: A. Writer
Draft date: 2026-12-01

# Act One

= The pier at dawn.

INT. PIER - DAWN #6A#

Gulls [[Check the gull sound.]] cry.

[[A note of its own]]
MARA
~Row, row, row
~your boat

JOHN
Hi.

MARY ^
Ho.

===

> THE END <

> FADE OUT.

CUT TO:
`;

  it('writes the title page with keys, Number, StartsNewPage, ScriptNote, DualDialogue, Lyrics, centred text', () => {
    const fdx = fountainToFdx(FULL);
    expect(fdx).toContain('<Paragraph Type="General" Key="title" Alignment="Center"><Text>The Pier</Text>');
    expect(fdx).toContain('<Paragraph Type="Scene Heading" Number="6A"><Text>INT. PIER - DAWN</Text>');
    expect(fdx).toContain(
      '<Text>Gulls </Text><ScriptNote><Paragraph><Text>Check the gull sound.</Text></Paragraph></ScriptNote><Text> cry.</Text>',
    );
    expect(fdx).toContain('<ScriptNote Kind="Section" Level="1">');
    expect(fdx).toContain('<ScriptNote Kind="Synopsis">');
    expect(fdx).toContain('<Paragraph Type="Lyrics"><Text>Row, row, row\nyour boat</Text>');
    expect(fdx).toMatch(/<DualDialogue>\s*<Paragraph Type="Character"><Text>JOHN<\/Text>/);
    expect(fdx).toContain('<Paragraph Type="Action" Alignment="Center" StartsNewPage="Yes"><Text>THE END</Text>');
    expect(fdx).toContain('<Paragraph Type="Transition"><Text>FADE OUT.</Text>');
  });

  it('reads its own file back to the same script', () => {
    expect(fdxToFountain(fountainToFdx(FULL))).toBe(FULL);
  });

  it('keeps page breaks at the end and two in a row', () => {
    const script = 'She waits.\n\n===\n\n===\n\nHe comes.\n\n===\n';
    const back = fdxToFountain(fountainToFdx(script));
    expect(
      parseFountain(back)
        .lines.filter((l) => l.type !== 'blank')
        .map((l) => l.type),
    ).toEqual(['action', 'page-break', 'page-break', 'action', 'page-break']);
  });
});

describe('fdx: bad and unusual input', () => {
  const wrap = (body: string): string =>
    `<?xml version="1.0"?>\n<FinalDraft DocumentType="Script">\n<Content>\n${body}\n</Content>\n</FinalDraft>\n`;

  it('names the line of a malformed file with E_FDX_INVALID', () => {
    const broken = wrap(
      '<Paragraph Type="Action"><Text>One</Text></Paragraph>\n<Paragraph Type="Action">\n<Text>Two</Paragraph>',
    );
    expect(() => fdxToFountain(broken)).toThrow(expect.objectContaining({ code: 'E_FDX_INVALID' }));
    expect(() => fdxToFountain(broken)).toThrow(/line 6/);
    expect(() => fdxToFountain(wrap('<Paragraph Type=Action><Text>x</Text></Paragraph>'))).toThrow(/line 4/);
    expect(() => fdxToFountain(wrap('<Paragraph><Text>&#x110000;</Text></Paragraph>'))).toThrow(/line 4/);
    expect(() => fdxToFountain(wrap('<Paragraph Type="Action">'))).toThrow(/line 5.*does not close <Paragraph>/);
  });

  it('keeps the text of paragraph types it does not know as action', () => {
    const fdx = wrap(
      '<Paragraph Type="Cast List"><Text>MARA, a sailor</Text></Paragraph>\n<Paragraph Type="Outline 2"><Text>INT. NOT A HEADING</Text></Paragraph>',
    );
    const back = fdxToFountain(fdx);
    expect(back).toBe('MARA, a sailor\n\n!INT. NOT A HEADING\n');
    expect(
      parseFountain(back)
        .lines.filter((l) => l.type !== 'blank')
        .map((l) => [l.type, l.text]),
    ).toEqual([
      ['action', 'MARA, a sailor'],
      ['action', 'INT. NOT A HEADING'],
    ]);
  });

  it('never expands a DOCTYPE entity (an entity bomb reads in no time) and refuses 10,000-deep nesting', () => {
    const bomb = `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">${Array.from({ length: 9 }, (_, i) => `<!ENTITY lol${i + 1} "${`&lol${i || ''};`.repeat(10)}">`).join('')}]><FinalDraft><Content><Paragraph Type="Action"><Text>&lol9;</Text></Paragraph></Content></FinalDraft>`;
    const started = Date.now();
    expect(fdxToFountain(bomb)).toBe('&lol9;\n');
    expect(Date.now() - started).toBeLessThan(1000);
    const deep = `<FinalDraft><Content>${'<Paragraph Type="Action"><Text>'.repeat(10_000)}x${'</Text></Paragraph>'.repeat(10_000)}</Content></FinalDraft>`;
    expect(() => fdxToFountain(deep)).toThrow(expect.objectContaining({ code: 'E_FDX_INVALID' }));
  });

  it('reads a Final Draft scene summary as the synopsis of its scene', () => {
    const fdx = wrap(
      '<Paragraph Type="Scene Heading"><SceneProperties><Summary><Paragraph><Text>They meet.</Text></Paragraph></Summary></SceneProperties><Text>EXT. ROAD - DAY</Text></Paragraph>',
    );
    expect(fdxToFountain(fdx)).toBe('EXT. ROAD - DAY\n\n= They meet.\n');
  });
});
