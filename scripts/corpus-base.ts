import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import { classifyFountain, classifyLine, START_CONTEXT } from '../src-main/fountain/classify.ts';
import { stagePlayToFountain } from '../src-main/fountain/stage-play.ts';

/**
 * `npm run corpus:base`: rebuilds resources/corpora/base/ (what the bundled base model is trained on) and
 * resources/corpora/held-out/ (a writer-size corpus the base never sees, for `bench --fine-tune`) from the
 * Shakespeare sample and Debian's r-cran-janeaustenr. The output depends only on those inputs.
 */
const ROOT = resolve(import.meta.dirname, '..', '..');
const CORPORA = join(ROOT, 'resources', 'corpora');
const BASE = join(CORPORA, 'base');
const HELD_OUT = join(CORPORA, 'held-out');
/** Persuasion stays out of the base so the benchmark fine-tunes on prose the base has not read. */
const HELD_OUT_BOOK = 'Persuasion';
const HELD_OUT_CHARS = 250_000;

const BOOK_FILES: Record<string, string> = {
  'Sense & Sensibility': 'austen-sense-and-sensibility.fountain',
  'Pride & Prejudice': 'austen-pride-and-prejudice.fountain',
  'Mansfield Park': 'austen-mansfield-park.fountain',
  Emma: 'austen-emma.fountain',
  'Northanger Abbey': 'austen-northanger-abbey.fountain',
  Persuasion: 'austen-persuasion.fountain',
};

/** Each of the six novels as janeaustenr ships it: name -> its lines. */
function austenBooks(): Map<string, string[]> {
  // A form feed never occurs in the texts, so it can separate the books on one stdout.
  const code =
    'library(janeaustenr); b <- austen_books(); for (n in levels(b$book)) { cat("\\f", n, "\\n", sep = ""); ' +
    'cat(b$text[b$book == n], sep = "\\n"); cat("\\n") }';
  const out = execFileSync('Rscript', ['-e', code], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  const books = new Map<string, string[]>();
  for (const chunk of out.split('\f').slice(1)) {
    const [name = '', ...lines] = chunk.split('\n');
    books.set(name.trim(), lines);
  }
  return books;
}

const CHAPTER = /^(chapter|volume)\b/i;
const END_MARK = /^(the end|finis)\.?$/i;

/** A novel as Fountain action: title block and chapter/volume lines dropped, one line per paragraph. */
export function novelToFountain(lines: readonly string[]): string {
  const firstChapter = lines.findIndex((line) => CHAPTER.test(line.trim()));
  const paragraphs: string[] = [];
  let current: string[] = [];
  const flush = () => {
    if (current.length > 0) paragraphs.push(asAction(current.join(' ').replace(/\s+/g, ' ').trim()));
    current = [];
  };
  for (const raw of lines.slice(Math.max(0, firstChapter))) {
    const line = raw.trim();
    if (line === '' || CHAPTER.test(line) || END_MARK.test(line)) flush();
    else current.push(line);
  }
  flush();
  return `${paragraphs.join('\n\n')}\n`;
}

/** A paragraph alone between blank lines that must read as action; `!` forces it where it would not. */
function asAction(paragraph: string): string {
  const reads = classifyLine(paragraph, START_CONTEXT, true).type === 'action';
  return reads && !paragraph.startsWith('!') ? paragraph : `!${paragraph}`;
}

/** Fails unless every line of `text` is action, dialogue, a cue, a parenthetical or blank, with nothing hidden. */
function checkFountain(name: string, text: string, allowed: ReadonlySet<string>): void {
  const { lines, hidden } = classifyFountain(text);
  if (hidden.length > 0) throw new Error(`${name}: ${hidden.length} notes or boneyard spans`);
  const odd = lines.find((line) => !allowed.has(line.type));
  if (odd) throw new Error(`${name}: line ${odd.index + 1} reads as ${odd.type}: ${odd.source.slice(0, 80)}`);
}

/** The longest run of whole paragraphs from the start that fits in `chars`. */
function leadingParagraphs(text: string, chars: number): string {
  const paragraphs = text.split('\n\n');
  const kept: string[] = [];
  let size = 0;
  for (const paragraph of paragraphs) {
    if (size + paragraph.length + 2 > chars) break;
    kept.push(paragraph.trimEnd());
    size += paragraph.length + 2;
  }
  return `${kept.join('\n\n')}\n`;
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

async function main() {
  const files: { path: string; text: string; source: string }[] = [];
  const play = stagePlayToFountain(await readFile(join(CORPORA, 'shakespeare.txt'), 'utf8'));
  checkFountain('shakespeare', play, new Set(['action', 'character', 'dialogue', 'parenthetical', 'blank']));
  files.push({ path: join(BASE, 'shakespeare.fountain'), text: play, source: 'tinyshakespeare (shakespeare.txt)' });
  for (const [book, lines] of austenBooks()) {
    const file = BOOK_FILES[book];
    if (!file) throw new Error(`janeaustenr has an unexpected book: ${book}`);
    const text = novelToFountain(lines);
    checkFountain(book, text, new Set(['action', 'blank']));
    if (book === HELD_OUT_BOOK) {
      const slice = leadingParagraphs(text, HELD_OUT_CHARS);
      files.push({ path: join(HELD_OUT, file), text: slice, source: `janeaustenr: ${book} (opening)` });
    } else files.push({ path: join(BASE, file), text, source: `janeaustenr: ${book}` });
  }
  await rm(BASE, { recursive: true, force: true });
  await rm(HELD_OUT, { recursive: true, force: true });
  await mkdir(BASE, { recursive: true });
  await mkdir(HELD_OUT, { recursive: true });
  for (const file of files) await writeFile(file.path, file.text);
  const manifest = files.map((file) => ({
    path: relative(CORPORA, file.path),
    source: file.source,
    chars: file.text.length,
    sha256: sha256(file.text),
  }));
  await writeFile(join(CORPORA, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  console.log(JSON.stringify(manifest));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
