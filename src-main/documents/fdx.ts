/** Final Draft XML <-> Fountain as pure functions (no Node or DOM), so the renderer can use them too. */
export { fdxToFountain, parseFdx, readFdx, type FdxParagraph, type FdxScript } from './fdx-read.ts';
export { fountainToFdx } from './fdx-write.ts';
