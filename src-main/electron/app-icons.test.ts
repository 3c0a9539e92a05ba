// The app icons electron-builder packs (electron-builder.yml: mac.icon, win.icon,
// linux.icon), read back with parsers written here from the formats, not from
// resources/icon-containers.ts, so a writer bug cannot hide behind its own
// reader. A file that is cut short, mislabelled or holds a broken or blank PNG fails.
import { readFileSync } from 'node:fs';
import { crc32, inflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';

const resource = (name: string) => readFileSync(new URL(`../../resources/${name}`, import.meta.url));

interface Png {
  width: number;
  height: number;
  /** Unfiltered RGBA rows. */
  pixels: Buffer;
}

/** A PNG, checked chunk by chunk (lengths, CRCs, IHDR first, IEND last), decoded to RGBA. */
function readPng(data: Buffer): Png {
  expect(data.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])), 'PNG signature').toBe(true);
  const chunks: { type: string; body: Buffer }[] = [];
  for (let at = 8; at < data.length; ) {
    expect(at + 12, 'a chunk runs past the end of the PNG').toBeLessThanOrEqual(data.length);
    const length = data.readUInt32BE(at);
    expect(at + 12 + length, 'a chunk runs past the end of the PNG').toBeLessThanOrEqual(data.length);
    const typed = data.subarray(at + 4, at + 8 + length);
    expect(data.readUInt32BE(at + 8 + length), `CRC of ${typed.subarray(0, 4).toString('latin1')}`).toBe(crc32(typed));
    chunks.push({ type: typed.subarray(0, 4).toString('latin1'), body: typed.subarray(4) });
    at += 12 + length;
  }
  expect(chunks[0]?.type).toBe('IHDR');
  expect(chunks.at(-1)?.type).toBe('IEND');
  const ihdr = chunks[0]!.body;
  const width = ihdr.readUInt32BE(0);
  const height = ihdr.readUInt32BE(4);
  expect([...ihdr.subarray(8, 13)], 'bit depth 8, RGBA, deflate, standard filters, no interlace').toEqual([8, 6, 0, 0, 0]);
  const raw = inflateSync(Buffer.concat(chunks.filter((c) => c.type === 'IDAT').map((c) => c.body)));
  const stride = width * 4;
  expect(raw.length).toBe(height * (1 + stride));
  return { width, height, pixels: unfilter(raw, stride, height) };
}

/** Undoes PNG's per-row filters (none, sub, up, average, Paeth) for 4 bytes per pixel. */
function unfilter(raw: Buffer, stride: number, height: number): Buffer {
  const out = Buffer.alloc(stride * height);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (1 + stride)]!;
    expect(filter, `row ${y}'s filter`).toBeLessThanOrEqual(4);
    for (let x = 0; x < stride; x++) {
      const value = raw[y * (1 + stride) + 1 + x]!;
      const a = x >= 4 ? out[y * stride + x - 4]! : 0;
      const b = y > 0 ? out[(y - 1) * stride + x]! : 0;
      const c = x >= 4 && y > 0 ? out[(y - 1) * stride + x - 4]! : 0;
      const p = a + b - c;
      const paeth = Math.abs(p - a) <= Math.abs(p - b) && Math.abs(p - a) <= Math.abs(p - c) ? a : Math.abs(p - b) <= Math.abs(p - c) ? b : c;
      const predictor = [0, a, b, (a + b) >> 1, paeth][filter]!;
      out[y * stride + x] = (value + predictor) & 0xff;
    }
  }
  return out;
}

/** The icon itself, not an empty square: opaque in the middle (the plug on the tile), clear in the corner outside the rounded tile. */
function expectDrawnIcon(png: Png, size: number): void {
  expect([png.width, png.height]).toEqual([size, size]);
  const alpha = (x: number, y: number) => png.pixels[(y * size + x) * 4 + 3]!;
  expect(alpha(size >> 1, size >> 1), `centre of the ${size} px image`).toBe(255);
  expect(alpha(0, 0), `corner of the ${size} px image`).toBe(0);
}

describe('icon.ico (Windows)', () => {
  const file = resource('icon.ico');

  it('holds 16, 24, 32, 48, 64, 128 and 256 px images, each a valid PNG of the size its entry states', () => {
    expect(file.readUInt16LE(0), 'reserved').toBe(0);
    expect(file.readUInt16LE(2), 'type 1: icon').toBe(1);
    const count = file.readUInt16LE(4);
    const sizes: number[] = [];
    let end = 6 + 16 * count;
    for (let i = 0; i < count; i++) {
      const entry = file.subarray(6 + 16 * i, 6 + 16 * (i + 1));
      const width = entry.readUInt8(0) || 256;
      const height = entry.readUInt8(1) || 256;
      expect(width).toBe(height);
      expect(entry.readUInt16LE(6), 'bits per pixel').toBe(32);
      const length = entry.readUInt32LE(8);
      const offset = entry.readUInt32LE(12);
      expect(offset, 'images follow the directory, in order, without overlapping').toBe(end);
      end = offset + length;
      expect(end).toBeLessThanOrEqual(file.length);
      expectDrawnIcon(readPng(file.subarray(offset, end)), width);
      sizes.push(width);
    }
    expect(end, 'nothing after the last image').toBe(file.length);
    expect(sizes).toEqual([16, 24, 32, 48, 64, 128, 256]);
  });
});

describe('icon.icns (macOS)', () => {
  const file = resource('icon.icns');

  it('holds the PNG types ic07–ic14, each a valid PNG of its type’s size, and its stated length is its length', () => {
    expect(file.subarray(0, 4).toString('latin1')).toBe('icns');
    expect(file.readUInt32BE(4)).toBe(file.length);
    const found: Record<string, number> = {};
    for (let at = 8; at < file.length; ) {
      expect(at + 8, 'an entry header runs past the end').toBeLessThanOrEqual(file.length);
      const type = file.subarray(at, at + 4).toString('latin1');
      const length = file.readUInt32BE(at + 4);
      expect(length, `${type}'s length`).toBeGreaterThan(8);
      expect(at + length, `${type} runs past the end`).toBeLessThanOrEqual(file.length);
      const png = readPng(file.subarray(at + 8, at + length));
      found[type] = png.width;
      expectDrawnIcon(png, png.width);
      at += length;
    }
    expect(found).toEqual({ ic07: 128, ic08: 256, ic09: 512, ic10: 1024, ic11: 32, ic12: 64, ic13: 256, ic14: 512 });
  });
});

describe('icon.png (Linux, and the window and notification icon at run time)', () => {
  it('is a valid 512 px PNG of the icon', () => {
    expectDrawnIcon(readPng(resource('icon.png')), 512);
  });
});
