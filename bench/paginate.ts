import { performance } from 'node:perf_hooks';
import { paginate, type Paper } from '../src-main/fountain/paginate.ts';
import { parseFountain } from '../src-main/fountain/parse.ts';

export interface PaginateBenchOptions {
  /** A Fountain script whose body is repeated until the whole reaches `pages`. */
  script: string;
  pages: number;
  paper: Paper;
  runs: number;
}

export interface PaginateBenchReport {
  pages: number;
  lines: number;
  /** Median over the runs, in milliseconds. */
  parseMs: number;
  paginateMs: number;
}

/** Times parsing and paginating a long script (the issue asks under 500 ms for 300 pages). */
export function paginateBench(options: PaginateBenchOptions): PaginateBenchReport {
  const text = longScript(options.script, options.pages, options.paper);
  const parseTimes: number[] = [];
  const paginateTimes: number[] = [];
  let pages = 0;
  let lines = 0;
  for (let run = 0; run < options.runs; run++) {
    const start = performance.now();
    const document = parseFountain(text);
    const parsed = performance.now();
    pages = paginate(document, { paper: options.paper }).pages.length;
    paginateTimes.push(performance.now() - parsed);
    parseTimes.push(parsed - start);
    lines = document.lines.length;
  }
  return { pages, lines, parseMs: median(parseTimes), paginateMs: median(paginateTimes) };
}

function longScript(script: string, pages: number, paper: Paper): string {
  const body = script.slice(script.search(/^(?:INT|EXT|#)/m));
  const pagesOf = (copies: number): number =>
    paginate(parseFountain(Array(copies).fill(body).join('\n\n')), { paper }).pages.length;
  let copies = Math.ceil(pages / Math.max(1, pagesOf(1)));
  while (pagesOf(copies) < pages) copies++;
  return Array(copies).fill(body).join('\n\n');
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return Math.round((sorted[Math.floor(sorted.length / 2)] ?? 0) * 10) / 10;
}
