// Renders resources/icon.svg into the PNG sizes the window, the taskbar/dock and installers use
// (resources/icons/NxN.png) with the Chromium the end-to-end tests drive, so no image tool is needed:
//   node scripts/render-icons.mjs
// The PNGs are committed; run this again after changing the SVG. The renderer build copies resources/ (its
// publicDir), so the web adapter serves icons/32x32.png as the favicon and Electron's window takes icons/512x512.png.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from '@playwright/test';

const SIZES = [16, 24, 32, 48, 64, 128, 256, 512, 1024];
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const svg = fs.readFileSync(path.join(root, 'resources', 'icon.svg'), 'utf8');
const out = path.join(root, 'resources', 'icons');
fs.mkdirSync(out, { recursive: true });

const browser = await chromium.launch({ executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium' });
try {
  const page = await browser.newPage();
  for (const size of SIZES) {
    await page.setViewportSize({ width: size, height: size });
    const src = `data:image/svg+xml;base64,${Buffer.from(svg).toString('base64')}`;
    await page.setContent(
      `<html><body style="margin:0;background:transparent"><img src="${src}" width="${size}" height="${size}"></body></html>`,
    );
    await page.locator('img').evaluate((img) => img.decode());
    const file = path.join(out, `${size}x${size}.png`);
    await page.screenshot({ path: file, omitBackground: true, clip: { x: 0, y: 0, width: size, height: size } });
    console.log(`${path.relative(root, file)} ${fs.statSync(file).size} bytes`);
  }
} finally {
  await browser.close();
}
