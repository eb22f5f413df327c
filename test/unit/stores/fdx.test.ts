import { describe, expect, it } from 'vitest';
import { emphasisRuns, fdxToFountain, fountainToFdx, parseFdx } from '../../../src-main/documents/fdx.ts';

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
      'INT. DINER - NIGHT\n\nRosa wipes the counter. Tom & Jerry’s sign flickers.\n\n' +
        "ROSA\n(not looking up)\nWe're **_closed_**.\n\n> SMASH CUT TO BLACK\n",
    );
  });

  it('refuses malformed XML and files that are not Final Draft', () => {
    expect(() => fdxToFountain('<FinalDraft><Content><Paragraph></Content></FinalDraft>')).toThrow(
      expect.objectContaining({ code: 'E_INVALID_INPUT' }),
    );
    expect(() => fdxToFountain('<html><body/></html>')).toThrow(/FinalDraft/);
  });

  it('follows Fountain where a writer leaves out blank lines', () => {
    const paragraphs = parseFdx(fountainToFdx('# Act One\nINT. HALL - DAY\nShe waits.\n\n= She is early.\n'));
    expect(paragraphs.map((p) => [p.type, p.text])).toEqual([['Action', 'INT. HALL - DAY\nShe waits.']]);
  });

  it('escapes XML special characters and keeps escaped Fountain emphasis literal', () => {
    const fdx = fountainToFdx('A <tag> & "quotes" cost 2\\*3.\n');
    expect(fdx).toContain('<Text>A &lt;tag&gt; &amp; &quot;quotes&quot; cost 2*3.</Text>');
    expect(emphasisRuns('***both*** plain')).toEqual([
      { text: 'both', styles: ['Bold', 'Italic'] },
      { text: ' plain', styles: [] },
    ]);
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
