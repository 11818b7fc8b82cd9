#!/usr/bin/env node
/**
 * Draws the extension icon (three rising bars on the brand colour) at every size the browsers and
 * stores ask for, as PNG files in public/icons/. Run after changing the design; the PNGs are committed.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { deflateSync } from 'node:zlib';

const SIZES = [16, 32, 48, 96, 128];
/** Teal: the product's own colour, not Stripe's blurple, so the button does not read as Stripe's. */
const BRAND = [15, 118, 110];

function crc32(buffer) {
  let crc = ~0;
  for (const byte of buffer) {
    crc ^= byte;
    for (let k = 0; k < 8; k++) crc = (crc >>> 1) ^ (0xedb88320 & -(crc & 1));
  }
  return ~crc >>> 0;
}

function chunk(type, data) {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

function png(size, pixel) {
  const rows = [];
  for (let y = 0; y < size; y++) {
    const row = Buffer.alloc(1 + size * 4);
    for (let x = 0; x < size; x++) row.set(pixel(x, y), 1 + x * 4);
    rows.push(row);
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header.set([8, 6, 0, 0, 0], 8);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(Buffer.concat(rows))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/**
 * Coverage of (u, v) in unit space: 0 outside, 1 background, 2 glyph. Drawn on a 16-unit grid so
 * the 16 px icon is pixel-sharp: a rounded square inset by one unit (the toolbar's own padding),
 * and three rising bars (analytics) kept to the left and top, where a badge does not cover them.
 */
function shape(u, v) {
  const x = u * 16;
  const y = v * 16;
  const r = 3;
  const dx = Math.max(Math.abs(x - 8) - (7 - r), 0);
  const dy = Math.max(Math.abs(y - 8) - (7 - r), 0);
  if (dx * dx + dy * dy > r * r) return 0;
  const bars = [
    [3, 5, 9],
    [7, 9, 6],
    [11, 13, 3],
  ];
  return bars.some(([left, right, top]) => x >= left && x < right && y >= top && y < 13) ? 2 : 1;
}

mkdirSync('public/icons', { recursive: true });
for (const size of SIZES) {
  const samples = 4;
  const file = png(size, (x, y) => {
    let bg = 0;
    let fg = 0;
    for (let i = 0; i < samples; i++) {
      for (let j = 0; j < samples; j++) {
        const s = shape((x + (i + 0.5) / samples) / size, (y + (j + 0.5) / samples) / size);
        if (s === 1) bg++;
        if (s === 2) fg++;
      }
    }
    const n = samples * samples;
    const alpha = (bg + fg) / n;
    const white = bg + fg === 0 ? 0 : fg / (bg + fg);
    const mix = (c) => Math.round(c * (1 - white) + 255 * white);
    return [mix(BRAND[0]), mix(BRAND[1]), mix(BRAND[2]), Math.round(alpha * 255)];
  });
  writeFileSync(`public/icons/icon-${size}.png`, file);
}
console.log(`wrote ${SIZES.map((s) => `icon-${s}.png`).join(', ')}`);
