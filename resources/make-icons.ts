// Draws Plugboard's icons: a white plug on an indigo rounded square, plus an
// amber dot for the tray's "needs attention" state. One geometry feeds both the
// SVG and the PNGs (rendered from signed distances, so edges are anti-aliased),
// and the PNGs feed the app icon's containers for packaging: icon.ico (Windows)
// and icon.icns (macOS); Linux takes icon.png.
// Run once after changing it: node resources/make-icons.ts
import { writeFileSync } from 'node:fs';
import { crc32, deflateSync } from 'node:zlib';
import { ICNS_TYPES, ICO_SIZES, icns, ico } from './icon-containers.ts';

/** Design space: 512 × 512. */
const TILE = { x: 32, y: 32, w: 448, h: 448, r: 104 };
const GRADIENT = { top: [0x63, 0x66, 0xf1], bottom: [0x43, 0x38, 0xca] } as const;
const PLUG = [
  { x: 190, y: 92, w: 40, h: 112, r: 20 }, // prongs
  { x: 282, y: 92, w: 40, h: 112, r: 20 },
  { x: 144, y: 184, w: 224, h: 144, r: 60 }, // body
  { x: 236, y: 300, w: 40, h: 148, r: 20 }, // cable
];
const DOT = { cx: 408, cy: 104, ring: 100, r: 76, color: [0xf5, 0x9e, 0x0b] } as const;

type Rect = { x: number; y: number; w: number; h: number; r: number };
type Rgba = [number, number, number, number];

function roundedRectDistance(px: number, py: number, b: Rect): number {
  const qx = Math.abs(px - (b.x + b.w / 2)) - b.w / 2 + b.r;
  const qy = Math.abs(py - (b.y + b.h / 2)) - b.h / 2 + b.r;
  return Math.hypot(Math.max(qx, 0), Math.max(qy, 0)) + Math.min(Math.max(qx, qy), 0) - b.r;
}

/** Paints a shape given by its distance field (design units) over dst with straight alpha. */
function over(dst: Rgba, color: readonly number[], distance: number, unitsPerPixel: number): void {
  const a = Math.min(1, Math.max(0, 0.5 - distance / unitsPerPixel));
  if (a === 0) return;
  const outA = a + dst[3] * (1 - a);
  for (let i = 0; i < 3; i++) dst[i] = (color[i]! * a + dst[i]! * dst[3] * (1 - a)) / outA;
  dst[3] = outA;
}

function render(size: number, attention: boolean): Buffer {
  const unitsPerPixel = 512 / size;
  const rows: Buffer[] = [];
  for (let y = 0; y < size; y++) {
    const row = Buffer.alloc(1 + size * 4); // filter byte 0: none
    for (let x = 0; x < size; x++) {
      const px = (x + 0.5) * unitsPerPixel;
      const py = (y + 0.5) * unitsPerPixel;
      const t = Math.min(1, Math.max(0, (py - TILE.y) / TILE.h));
      const tile = GRADIENT.top.map((c, i) => c + (GRADIENT.bottom[i]! - c) * t);
      const pixel: Rgba = [0, 0, 0, 0];
      over(pixel, tile, roundedRectDistance(px, py, TILE), unitsPerPixel);
      over(pixel, [255, 255, 255], Math.min(...PLUG.map((part) => roundedRectDistance(px, py, part))), unitsPerPixel);
      if (attention) {
        const d = Math.hypot(px - DOT.cx, py - DOT.cy);
        over(pixel, [255, 255, 255], d - DOT.ring, unitsPerPixel);
        over(pixel, DOT.color, d - DOT.r, unitsPerPixel);
      }
      pixel.forEach((v, i) => row.writeUInt8(Math.round(i === 3 ? v * 255 : v), 1 + x * 4 + i));
    }
    rows.push(row);
  }
  return png(size, Buffer.concat(rows));
}

/**
 * The macOS menu-bar variant: the plug alone, black with alpha, filling the
 * icon (a template image, which macOS tints for light and dark menu bars; the
 * tile would become a solid square there). Its file name ends in "Template",
 * which is how nativeImage recognises a template image.
 */
function renderTemplate(size: number): Buffer {
  const view = { x: 66, y: 80, size: 380 }; // the plug's bounding box, squared, in design units
  const unitsPerPixel = view.size / size;
  const rows: Buffer[] = [];
  for (let y = 0; y < size; y++) {
    const row = Buffer.alloc(1 + size * 4);
    for (let x = 0; x < size; x++) {
      const px = view.x + (x + 0.5) * unitsPerPixel;
      const py = view.y + (y + 0.5) * unitsPerPixel;
      const pixel: Rgba = [0, 0, 0, 0];
      over(pixel, [0, 0, 0], Math.min(...PLUG.map((part) => roundedRectDistance(px, py, part))), unitsPerPixel);
      pixel.forEach((v, i) => row.writeUInt8(Math.round(i === 3 ? v * 255 : v), 1 + x * 4 + i));
    }
    rows.push(row);
  }
  return png(size, Buffer.concat(rows));
}

function png(size: number, scanlines: Buffer): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const out = Buffer.alloc(8 + data.length + 4);
    out.writeUInt32BE(data.length, 0);
    body.copy(out, 4);
    out.writeUInt32BE(crc32(body), 8 + data.length);
    return out;
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header.set([8, 6, 0, 0, 0], 8); // 8-bit RGBA, no interlace
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(scanlines, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

function svg(): string {
  const hex = (c: readonly number[]) => '#' + c.map((v) => v.toString(16).padStart(2, '0')).join('');
  const rect = (b: Rect, fill: string) => `  <rect x="${b.x}" y="${b.y}" width="${b.w}" height="${b.h}" rx="${b.r}" fill="${fill}"/>`;
  return [
    '<svg xmlns="http://www.w3.org/2000/svg" width="512" height="512" viewBox="0 0 512 512">',
    '  <defs>',
    `    <linearGradient id="tile" x1="0" y1="${TILE.y}" x2="0" y2="${TILE.y + TILE.h}" gradientUnits="userSpaceOnUse">`,
    `      <stop offset="0" stop-color="${hex(GRADIENT.top)}"/>`,
    `      <stop offset="1" stop-color="${hex(GRADIENT.bottom)}"/>`,
    '    </linearGradient>',
    '  </defs>',
    rect(TILE, 'url(#tile)'),
    ...PLUG.map((part) => rect(part, '#ffffff')),
    '</svg>',
    '',
  ].join('\n');
}

const out = (name: string) => new URL(name, import.meta.url);
writeFileSync(out('icon.svg'), svg());
// Every size is drawn from the geometry, never scaled down from a larger one (which blurs the small ones).
const appIcon = new Map<number, Buffer>();
const drawn = (size: number): Buffer => appIcon.get(size) ?? appIcon.set(size, render(size, false)).get(size)!;
writeFileSync(out('icon.png'), drawn(512));
writeFileSync(out('icon.ico'), ico(ICO_SIZES.map((size) => ({ size, png: drawn(size) }))));
writeFileSync(out('icon.icns'), icns(ICNS_TYPES.map(({ type, size }) => ({ type, png: drawn(size) }))));
writeFileSync(out('tray.png'), render(16, false));
writeFileSync(out('tray@2x.png'), render(32, false));
writeFileSync(out('tray-attention.png'), render(16, true));
writeFileSync(out('tray-attention@2x.png'), render(32, true));
writeFileSync(out('trayTemplate.png'), renderTemplate(16));
writeFileSync(out('trayTemplate@2x.png'), renderTemplate(32));
