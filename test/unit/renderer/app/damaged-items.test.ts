import '../editor/jsdom-ranges';
import { cleanup, fireEvent, render, waitFor } from '@testing-library/svelte';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import App from '../../../../src-renderer/App.svelte';
import { testIds } from '../../../../src-renderer/lib/test-ids.ts';
import { useRealApi, value } from './real-api.ts';

describe('a damaged stored file is named to the writer at start-up', () => {
  const real = useRealApi();

  it('an intact library shows no banner; a corpus with torn meta.json is named, with its code, and can be dismissed', async () => {
    const intact = render(App, { props: { api: real().api } });
    await waitFor(() => expect(intact.getByTestId(testIds.appShell).dataset.ready).toBe('true'), { timeout: 20_000 });
    expect(intact.queryByTestId(testIds.damagedBanner)).toBeNull();
    cleanup();

    const source = join(real().work, 'notes.txt');
    await writeFile(source, 'A corpus that will be damaged.\n'.repeat(40));
    const [corpus] = value(await real().api.corpora.importFiles({ paths: [source] })).imported;
    if (!corpus) throw new Error('the corpus was not imported');
    await writeFile(join(real().dataDir, 'corpora', corpus.id, 'meta.json'), '{"broken": ');

    const after = await real().restart();
    try {
      const screen = render(App, { props: { api: after.api } });
      const banner = await waitFor(() => screen.getByTestId(testIds.damagedBanner), { timeout: 20_000 });
      const items = screen.getAllByTestId(testIds.damagedItem).map((item) => item.textContent ?? '');
      expect(items).toHaveLength(1);
      expect(items[0]).toContain(`corpus ${corpus.id}`);
      expect(items[0]).toContain('E_IO');
      expect(banner.textContent).toContain('everything else is here');
      await fireEvent.click(screen.getByTestId(testIds.damagedDismiss));
      expect(screen.queryByTestId(testIds.damagedBanner)).toBeNull();
    } finally {
      cleanup();
      await after.close();
    }
  });
});
