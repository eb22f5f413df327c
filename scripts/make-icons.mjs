#!/usr/bin/env node
/**
 * Renders resources/icons/icon.svg to the PNGs electron-builder and the renderer use, with Debian's Chromium:
 *   resources/icons/NxN.png       the Linux icon set (16..1024)
 *   resources/icons/icon.png      512x512, the Windows and fallback icon
 *   src-renderer/public/favicon.png   the 32px favicon
 * Usage: npm run icons   (CHROMIUM_PATH overrides /usr/bin/chromium)
 */
import { existsSync } from 'node:fs';
import { mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const ICONS_DIR = join(ROOT, 'resources', 'icons');
const SOURCE = join(ICONS_DIR, 'icon.svg');
const FAVICON = join(ROOT, 'src-renderer', 'public', 'favicon.png');
const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

const ICON_SIZES = [16, 24, 32, 48, 64, 128, 256, 512, 1024];
const APP_ICON_SIZE = 512;
const FAVICON_SIZE = 32;

/** Each output file and the size it is rendered at. */
function outputs() {
  return [
    ...ICON_SIZES.map((size) => ({ file: join(ICONS_DIR, `${size}x${size}.png`), size })),
    { file: join(ICONS_DIR, 'icon.png'), size: APP_ICON_SIZE },
    { file: FAVICON, size: FAVICON_SIZE },
  ];
}

/** Width and height from the PNG's IHDR chunk (bytes 16..23), to check what Chromium produced. */
function pngSize(buffer) {
  const signature = '89504e470d0a1a0a';
  if (buffer.length < 24 || buffer.subarray(0, 8).toString('hex') !== signature) {
    throw new Error('not a PNG');
  }
  return { width: buffer.readUInt32BE(16), height: buffer.readUInt32BE(20) };
}

/** Temp file in the same directory, fsync, rename: a reader never sees half an icon. */
async function writeAtomic(file, data) {
  await mkdir(dirname(file), { recursive: true });
  const temp = `${file}.${process.pid}.tmp`;
  const handle = await open(temp, 'w');
  try {
    await handle.writeFile(data);
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await rename(temp, file);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}

/** The SVG drawn at exactly size x size CSS pixels on a transparent page, so small sizes are rasterised, not shrunk. */
function pageFor(svg, size) {
  const dataUrl = `data:image/svg+xml;base64,${Buffer.from(svg).toString('base64')}`;
  return `<!doctype html><html><head><style>
    html, body { margin: 0; padding: 0; background: transparent; }
    img { display: block; width: ${size}px; height: ${size}px; }
  </style></head><body><img src="${dataUrl}" alt=""></body></html>`;
}

async function main() {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(`Chromium not found at ${CHROMIUM_PATH}: apt-get install chromium (or set CHROMIUM_PATH)`);
  }
  const svg = await readFile(SOURCE, 'utf8');
  const browser = await chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: [
      '--no-sandbox',
      '--headless',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
  try {
    const page = await browser.newPage({ deviceScaleFactor: 1 });
    for (const { file, size } of outputs()) {
      await page.setViewportSize({ width: size, height: size });
      await page.setContent(pageFor(svg, size));
      await page.locator('img').evaluate((img) => img.decode());
      const png = await page.screenshot({ omitBackground: true, clip: { x: 0, y: 0, width: size, height: size } });
      const { width, height } = pngSize(png);
      if (width !== size || height !== size) throw new Error(`${file}: rendered ${width}x${height}, wanted ${size}`);
      await writeAtomic(file, png);
      console.log(`${size}x${size}  ${file.slice(ROOT.length + 1)}`);
    }
  } finally {
    await browser.close();
  }
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
