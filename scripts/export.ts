import { readFile, writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { fountainToFdx } from '../src-main/documents/fdx.ts';
import { fountainToPdf } from '../src-main/export/pdf.ts';
import type { Paper } from '../src-main/fountain/paginate.ts';

/**
 * `npm run export -- script.fountain --pdf out.pdf [--fdx out.fdx] [--paper a4] [--scene-numbers]`: the screenplay
 * PDF from the app's paginator (Courier 12 pt, US Letter unless `--paper a4`) and the Final Draft file.
 */
async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      pdf: { type: 'string' },
      fdx: { type: 'string' },
      paper: { type: 'string', default: 'letter' },
      'scene-numbers': { type: 'boolean', default: false },
      'contd-after-action': { type: 'boolean', default: false },
    },
  });
  const [script] = positionals;
  if (script === undefined || (values.pdf === undefined && values.fdx === undefined)) {
    throw new Error(
      'usage: npm run export -- script.fountain --pdf out.pdf [--fdx out.fdx] [--paper a4] [--scene-numbers]',
    );
  }
  if (values.paper !== 'letter' && values.paper !== 'a4') throw new Error('--paper must be letter or a4');
  const paper: Paper = values.paper;
  const source = await readFile(script, 'utf8');
  if (values.pdf !== undefined) {
    const options = {
      paper,
      sceneNumbers: values['scene-numbers'],
      contdAfterAction: values['contd-after-action'],
    };
    await writeFile(values.pdf, await fountainToPdf(source, options));
    process.stdout.write(`${values.pdf}\n`);
  }
  if (values.fdx !== undefined) {
    await writeFile(values.fdx, fountainToFdx(source));
    process.stdout.write(`${values.fdx}\n`);
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
