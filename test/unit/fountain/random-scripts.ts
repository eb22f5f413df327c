const PIECES = [
  'INT. ',
  'EXT. ',
  'BOB',
  '(V.O.)',
  '\n',
  '\n\n',
  '  ',
  '[[',
  ']]',
  '/*',
  '*/',
  '.',
  '@',
  '!',
  '>',
  '<',
].concat(['~', '=', '===', '#', '^', '*', '_', 'TO:', 'Title: ', 'a', 'Z', ' ', '\t', '\r\n', 'é']);

/** Scripts stitched from Fountain's significant pieces by a fixed-seed generator, so failures reproduce. */
export function randomScripts(count: number, seed = 7): string[] {
  let state = seed;
  const next = (): number => (state = (state * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  return Array.from({ length: count }, () =>
    Array.from({ length: Math.floor(next() * 120) }, () => PIECES[Math.floor(next() * PIECES.length)]).join(''),
  );
}
