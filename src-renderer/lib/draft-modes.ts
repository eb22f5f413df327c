import { DRAFT_MODES, type DraftMode } from '../../src-main/contract/index.ts';

/** How each Generate mode reads in the UI: its control, its button and what it writes. */
export const MODE_INFO: Readonly<Record<DraftMode, { label: string; button: string; about: string }>> = {
  scene: { label: 'Scene', button: 'Generate scene', about: 'A whole scene: heading, action and an exchange.' },
  continue: { label: 'Continue', button: 'Continue', about: 'Carries on from the cursor.' },
  line: { label: 'Line', button: 'Write a line', about: "One character's next speech." },
  action: { label: 'Action', button: 'Write an action beat', about: 'One paragraph of action.' },
  heading: { label: 'Heading', button: 'Write a scene heading', about: 'The heading of a new scene.' },
};

export { DRAFT_MODES };
export type { DraftMode };

/** Scene lengths a writer picks from, in pages (a page is about a minute of screen time). */
export const SCENE_PAGES: readonly number[] = [0.125, 0.25, 0.5, 1, 2, 3];

/** `0.125` -> `1/8 page`, `2` -> `2 pages`. */
export function describePages(pages: number): string {
  const eighths = Math.round(pages * 8);
  if (eighths % 8 === 0) return `${eighths / 8} ${eighths === 8 ? 'page' : 'pages'}`;
  const whole = Math.floor(eighths / 8);
  const rest = eighths % 8;
  const gcd = rest % 4 === 0 ? 4 : rest % 2 === 0 ? 2 : 1;
  const fraction = `${rest / gcd}/${8 / gcd}`;
  return whole === 0 ? `${fraction} page` : `${whole} ${fraction} pages`;
}
