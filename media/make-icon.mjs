// Generates media/icon.png (128×128 RGBA): a database cylinder under a magnifying glass on a dark
// rounded square. Pure Node (zlib + CRC), no image libraries: `node media/make-icon.mjs`.
import { writeFileSync } from 'node:fs';
import { deflateSync } from 'node:zlib';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const N = 128;
const SS = 4; // supersampling per axis
const px = new Float64Array(N * N * 4);

const bg = [30, 41, 59];
const db = [45, 212, 191];
const dbDark = [17, 94, 89];
const glass = [248, 250, 252];
const warn = [251, 191, 36];

function roundedRect(x, y, x0, y0, x1, y1, r) {
  const cx = Math.max(x0 + r, Math.min(x, x1 - r));
  const cy = Math.max(y0 + r, Math.min(y, y1 - r));
  return (x - cx) ** 2 + (y - cy) ** 2 <= r * r;
}
const ellipse = (x, y, cx, cy, rx, ry) => ((x - cx) / rx) ** 2 + ((y - cy) / ry) ** 2 <= 1;

function colorAt(x, y) {
  if (!roundedRect(x, y, 4, 4, 124, 124, 22)) return null;
  let c = bg;
  // Database cylinder: body + three discs.
  const cx = 54, rx = 32, ry = 10;
  const inBody = x >= cx - rx && x <= cx + rx && y >= 30 && y <= 86;
  if (inBody || ellipse(x, y, cx, 86, rx, ry)) c = db;
  for (const yy of [48, 67]) if (ellipse(x, y, cx, yy, rx, ry) && !ellipse(x, y, cx, yy - 3, rx, ry)) c = dbDark;
  if (ellipse(x, y, cx, 30, rx, ry)) c = ellipse(x, y, cx, 30, rx - 4, ry - 3) ? [94, 234, 212] : db;
  // Magnifier: ring + handle.
  const gx = 84, gy = 78, R = 22, w = 6;
  const d = Math.hypot(x - gx, y - gy);
  if (d <= R - w) c = [c[0] * 0.55 + 255 * 0.45, c[1] * 0.55 + 255 * 0.45, c[2] * 0.55 + 255 * 0.45];
  if (d <= R && d >= R - w) c = glass;
  // Handle along the diagonal.
  const t = ((x - gx) + (y - gy)) / Math.SQRT2;
  const n = ((x - gx) - (y - gy)) / Math.SQRT2;
  if (t >= R - 2 && t <= R + 22 && Math.abs(n) <= 5) c = glass;
  // Finding dot.
  if (Math.hypot(x - 84, y - 78) <= 6) c = warn;
  return c;
}

for (let j = 0; j < N; j++) {
  for (let i = 0; i < N; i++) {
    let r = 0, g = 0, b = 0, a = 0;
    for (let sy = 0; sy < SS; sy++) {
      for (let sx = 0; sx < SS; sx++) {
        const c = colorAt(i + (sx + 0.5) / SS, j + (sy + 0.5) / SS);
        if (!c) continue;
        r += c[0]; g += c[1]; b += c[2]; a += 1;
      }
    }
    const k = (j * N + i) * 4;
    const cover = a / (SS * SS);
    px[k] = a ? r / a : 0;
    px[k + 1] = a ? g / a : 0;
    px[k + 2] = a ? b / a : 0;
    px[k + 3] = cover * 255;
  }
}

const raw = Buffer.alloc(N * (N * 4 + 1));
for (let j = 0; j < N; j++) {
  raw[j * (N * 4 + 1)] = 0;
  for (let i = 0; i < N * 4; i++) raw[j * (N * 4 + 1) + 1 + i] = Math.round(px[j * N * 4 + i]);
}

const CRC = new Int32Array(256).map((_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c;
});
function crc32(buf) {
  let c = -1;
  for (const b of buf) c = CRC[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ -1) >>> 0;
}
function chunk(type, data) {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const td = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(td));
  return Buffer.concat([len, td, crc]);
}
const ihdr = Buffer.alloc(13);
ihdr.writeUInt32BE(N, 0);
ihdr.writeUInt32BE(N, 4);
ihdr[8] = 8; // bit depth
ihdr[9] = 6; // RGBA
const png = Buffer.concat([
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  chunk('IHDR', ihdr),
  chunk('IDAT', deflateSync(raw, { level: 9 })),
  chunk('IEND', Buffer.alloc(0)),
]);
writeFileSync(join(dirname(fileURLToPath(import.meta.url)), 'icon.png'), png);
console.log(`icon.png: ${png.length} bytes`);
