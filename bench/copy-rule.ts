import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { CopyIndex } from '../src-main/engine/copy-index.ts';

export interface CopyRuleOptions {
  /** The training corpus: its first 90% is indexed and its last 10% held out. */
  corpus: string;
  text: string;
  /** Unrelated English text; without it, Jane Austen's six novels from R's janeaustenr, if R has them. */
  heldoutFile?: string;
  windows: readonly number[];
  /** The largest share of unrelated text the chosen window may mark. */
  threshold: number;
}

interface Book {
  name: string;
  text: string;
}

const AUSTEN_SCRIPT =
  'library(janeaustenr); b <- austen_books(); ' +
  'for (n in levels(b$book)) { cat("\\f", n, "\\n", sep = ""); writeLines(b$text[b$book == n]) }';

/** Jane Austen's novels, one per book, or none where R or the package is missing. */
async function austenBooks(): Promise<Book[]> {
  try {
    const { stdout } = await promisify(execFile)('Rscript', ['-e', AUSTEN_SCRIPT], { maxBuffer: 64 * 1024 * 1024 });
    return stdout
      .split('\f')
      .filter((part) => part.length > 0)
      .map((part) => {
        const newline = part.indexOf('\n');
        return { name: part.slice(0, newline), text: part.slice(newline + 1) };
      });
  } catch {
    return [];
  }
}

function markedShare(index: CopyIndex, text: string): number {
  return 1 - index.novelty(text);
}

/** The most frequent marked spans: what "lighting up" looks like at this window. */
function commonSpans(index: CopyIndex, text: string, top: number): { span: string; count: number }[] {
  const counts = new Map<string, number>();
  for (const { from, to } of index.markSpans(text)) {
    const span = text.slice(from, to);
    counts.set(span, (counts.get(span) ?? 0) + 1);
  }
  return [...counts]
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([span, count]) => ({ span, count }));
}

/** Every window of `heldout` checked against a Set of the training windows: hash collisions, counted exactly. */
function exactCheck(
  training: string,
  heldout: string,
  k: number,
): { windows: number; falsePositives: number; falseNegatives: number } {
  const index = CopyIndex.build([training], k);
  const trainingCps = Array.from(training);
  const truth = new Set<string>();
  for (let i = 0; i + k <= trainingCps.length; i++) truth.add(trainingCps.slice(i, i + k).join(''));
  const cps = Array.from(heldout);
  const matcher = index.matcher();
  let falsePositives = 0;
  let falseNegatives = 0;
  cps.forEach((ch, i) => {
    const found = matcher.wouldCopy(ch);
    const inTraining = i + 1 >= k && truth.has(cps.slice(i + 1 - k, i + 1).join(''));
    if (found && !inTraining) falsePositives++;
    if (!found && inTraining) falseNegatives++;
    matcher.push(ch);
  });
  return { windows: Math.max(0, cps.length - k + 1), falsePositives, falseNegatives };
}

function cost(text: string, k: number): { buildMsPerMB: number; bytesPerCorpusByte: number; lookupNsPerChar: number } {
  const megabytes = Buffer.byteLength(text) / 1e6;
  const times: number[] = [];
  let index = CopyIndex.build([text], k);
  for (let run = 0; run < 3; run++) {
    const started = performance.now();
    index = CopyIndex.build([text], k);
    times.push(performance.now() - started);
  }
  const started = performance.now();
  index.markSpans(text);
  const lookupMs = performance.now() - started;
  return {
    buildMsPerMB: Math.round(Math.min(...times) / megabytes),
    bytesPerCorpusByte: Number((index.serialize().length / Buffer.byteLength(text)).toFixed(3)),
    lookupNsPerChar: Math.round((lookupMs * 1e6) / index.corpusChars),
  };
}

export async function copyRule(options: CopyRuleOptions): Promise<Record<string, unknown>> {
  const cut = Math.floor(options.text.length * 0.9);
  const training = options.text.slice(0, cut);
  const austen = options.heldoutFile === undefined ? await austenBooks() : [];
  const unrelated =
    options.heldoutFile === undefined
      ? austen.map((book) => book.text).join('\n')
      : await readFile(options.heldoutFile, 'utf8');
  const sets: Record<string, { trainedOn: string; training: string; heldout: string }> = {
    'same corpus, last 10%': { trainedOn: 'corpus', training, heldout: options.text.slice(cut) },
  };
  if (unrelated.length > 0) sets['unrelated text'] = { trainedOn: 'corpus', training, heldout: unrelated };
  const lastBook = austen.at(-1);
  if (lastBook !== undefined) {
    const others = austen.slice(0, -1).map((book) => book.text);
    sets[`same author, another work (Austen: ${lastBook.name} vs the other five)`] = {
      trainedOn: 'austen',
      training: others.join('\n'),
      heldout: lastBook.text,
    };
  }

  const indexes = new Map<string, CopyIndex>();
  const table = options.windows.map((k) => {
    indexes.clear();
    const marked: Record<string, number> = {};
    for (const [name, set] of Object.entries(sets)) {
      const index = indexes.get(set.trainedOn) ?? CopyIndex.build([set.training], k);
      indexes.set(set.trainedOn, index);
      marked[name] = Number((markedShare(index, set.heldout) * 100).toFixed(3));
    }
    process.stderr.write(`K=${k}: ${JSON.stringify(marked)}\n`);
    return { k, markedPercent: marked };
  });

  // New text in the corpus's own form (its held-out tail: speaker names, headings) must stay as unmarked as prose.
  const gates = ['unrelated text', 'same corpus, last 10%'].filter((name) => name in sets);
  const chosen =
    table.find((row) => gates.every((name) => (row.markedPercent[name] ?? 100) <= options.threshold * 100))?.k ??
    options.windows.at(-1) ??
    0;
  const examples: Record<string, unknown> = {};
  for (const k of [...new Set([Math.max(1, chosen - 4), chosen, chosen + 4])]) {
    const byName: Record<string, unknown> = {};
    for (const [name, set] of Object.entries(sets)) {
      byName[name] = commonSpans(CopyIndex.build([set.training], k), set.heldout, 8);
    }
    examples[`K=${k}`] = byName;
  }
  const unrelatedSet = sets['unrelated text'];
  return {
    date: new Date().toISOString(),
    corpus: options.corpus,
    trainingChars: Array.from(training).length,
    heldout: Object.fromEntries(Object.entries(sets).map(([name, set]) => [name, Array.from(set.heldout).length])),
    unrelatedSource: options.heldoutFile ?? (austen.length > 0 ? 'janeaustenr::austen_books()' : 'none'),
    rule: `the smallest K marking at most ${options.threshold * 100}% of each of: ${gates.join(', ')}`,
    table,
    chosenK: chosen,
    examples,
    exactCheck:
      unrelatedSet === undefined ? null : { k: chosen, ...exactCheck(training, unrelatedSet.heldout, chosen) },
    cost: { k: chosen, corpusBytes: Buffer.byteLength(options.text), ...cost(options.text, chosen) },
  };
}
