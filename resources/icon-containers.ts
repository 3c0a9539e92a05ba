// The Windows .ico and macOS .icns containers around PNG images. Both are a
// short header and a table of entries, so plain TypeScript writes them and no
// image tool (ImageMagick, iconutil, png2icns) has to be installed anywhere.

export interface SizedPng {
  size: number;
  png: Buffer;
}

/** Windows reads PNG entries in an .ico since Vista; 256 is the largest size the format can state. */
export const ICO_SIZES = [16, 24, 32, 48, 64, 128, 256] as const;

/**
 * The PNG-holding .icns types (macOS 10.7 and later) and the pixel size each holds:
 * ic11–ic14 are the @2x (Retina) versions of 16, 32, 128 and 256 points, ic10 of 512.
 */
export const ICNS_TYPES = [
  { type: 'ic11', size: 32 },
  { type: 'ic12', size: 64 },
  { type: 'ic07', size: 128 },
  { type: 'ic13', size: 256 },
  { type: 'ic08', size: 256 },
  { type: 'ic14', size: 512 },
  { type: 'ic09', size: 512 },
  { type: 'ic10', size: 1024 },
] as const;

/** ICONDIR (6 bytes), one 16-byte ICONDIRENTRY per image, then the PNGs; little-endian throughout. */
export function ico(images: readonly SizedPng[]): Buffer {
  const header = Buffer.alloc(6);
  header.writeUInt16LE(0, 0); // reserved
  header.writeUInt16LE(1, 2); // 1: icon (2 would be a cursor)
  header.writeUInt16LE(images.length, 4);
  let offset = 6 + 16 * images.length;
  const entries = images.map(({ size, png }) => {
    if (size < 1 || size > 256) throw new Error(`an .ico entry is 1 to 256 pixels wide, not ${size}`);
    const entry = Buffer.alloc(16);
    entry.writeUInt8(size === 256 ? 0 : size, 0); // 0 stands for 256
    entry.writeUInt8(size === 256 ? 0 : size, 1);
    entry.writeUInt8(0, 2); // no palette
    entry.writeUInt8(0, 3); // reserved
    entry.writeUInt16LE(1, 4); // colour planes
    entry.writeUInt16LE(32, 6); // bits per pixel
    entry.writeUInt32LE(png.length, 8);
    entry.writeUInt32LE(offset, 12);
    offset += png.length;
    return entry;
  });
  return Buffer.concat([header, ...entries, ...images.map((i) => i.png)]);
}

/** 'icns' and the file's length, then per image its four-letter type and length (both counting the 8-byte entry header); big-endian. */
export function icns(entries: readonly { type: string; png: Buffer }[]): Buffer {
  const parts = entries.map(({ type, png }) => {
    if (!/^[\x20-\x7e]{4}$/.test(type)) throw new Error(`an .icns type is four ASCII characters, not "${type}"`);
    const head = Buffer.alloc(8);
    head.write(type, 0, 'latin1');
    head.writeUInt32BE(8 + png.length, 4);
    return Buffer.concat([head, png]);
  });
  const head = Buffer.alloc(8);
  head.write('icns', 0, 'latin1');
  head.writeUInt32BE(8 + parts.reduce((n, p) => n + p.length, 0), 4);
  return Buffer.concat([head, ...parts]);
}
