import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import sharp from 'sharp';
import { renderMaskPngs, type DecodedMask } from '../../src/families/segmentation/render-masks.ts';
import { areaAndBox, cocoRlesOf, countsFromString, countsToString, decodeCocoRle } from '../../src/families/segmentation/coco-rle.ts';
import { maskAgreement, mergeMasks, type ConsensusMask } from '../../src/families/segmentation/mask-consensus.ts';

/** A 6×4 mask: road (1) on the left half, person #2 top right, person #3 bottom right corner, one unlabeled pixel. */
function smallMask(): DecodedMask {
  // prettier-ignore
  const values = Uint16Array.from([
    1, 1, 1, 2, 2, 2,
    1, 1, 1, 2, 2, 0,
    1, 1, 1, 3, 3, 3,
    1, 1, 1, 3, 3, 3,
  ]);
  return {
    width: 6,
    height: 4,
    values,
    indexes: [
      { index: 1, label: 'road', instance: false, color: '#e6194b' },
      { index: 2, label: 'person', instance: true, color: '#3cb44b' },
      { index: 3, label: 'person', instance: true, color: '#37a545' },
    ],
  };
}

/** The PNG's pixels as stored: colour type 0 (grey) stays one channel, 6 (RGBA) four. */
async function pixels(png: Buffer): Promise<{ data: Buffer; channels: number; width: number; height: number }> {
  const colourType = png[25];
  const image = sharp(png);
  const { data, info } = await (colourType === 0 ? image.toColourspace('b-w') : image).raw().toBuffer({ resolveWithObject: true });
  return { data, channels: colourType === 0 ? 1 : colourType === 6 ? 4 : -1, width: info.width, height: info.height };
}

describe('segmentation PNGs', () => {
  it('renders every Scale mask file with the documented encoding', async () => {
    const files = new Map<string, Buffer>();
    const mask = smallMask();
    const rendered = await renderMaskPngs(mask, async (name, png) => {
      files.set(name, png);
      return `https://example.test/r/x/${name}`;
    }, (entry) => `${entry.label}-${entry.index}`);
    assert.deepEqual([...files.keys()].sort(), ['combined.png', 'extended.png', 'indexed.png', 'person-2.png', 'person-3.png', 'road-1.png', 'unlabeled.png']);
    assert.equal(rendered.combined.indexedImage, 'https://example.test/r/x/indexed.png');
    assert.deepEqual([...rendered.pixelCounts], [[1, 12], [2, 5], [3, 6]]);

    const indexed = await pixels(files.get('indexed.png')!);
    assert.equal(indexed.channels, 1);
    assert.deepEqual([...indexed.data], [...mask.values]);

    const extended = await pixels(files.get('extended.png')!);
    assert.equal(extended.channels, 4);
    for (let offset = 0; offset < 24; offset++) {
      const [r, g, b, a] = extended.data.subarray(offset * 4, offset * 4 + 4);
      assert.equal(r + 256 * g + 65536 * b, mask.values[offset]);
      assert.equal(a, 255);
    }

    const combined = await pixels(files.get('combined.png')!);
    assert.deepEqual([...combined.data.subarray(0, 4)], [0xe6, 0x19, 0x4b, 255]);
    assert.deepEqual([...combined.data.subarray(11 * 4, 12 * 4)], [0, 0, 0, 0], 'the unlabeled pixel is transparent');

    const unlabeled = await pixels(files.get('unlabeled.png')!);
    const opaque = [...Array(24).keys()].filter((offset) => unlabeled.data[offset * 4 + 3] === 255);
    assert.deepEqual(opaque, [11]);
    assert.deepEqual([...unlabeled.data.subarray(44, 48)], [0, 0, 0, 255]);

    const person3 = await pixels(files.get('person-3.png')!);
    for (let offset = 0; offset < 24; offset++) {
      const alpha = person3.data[offset * 4 + 3];
      assert.equal(alpha, mask.values[offset] === 3 ? 255 : 0, `pixel ${offset}`);
      if (alpha) assert.deepEqual([...person3.data.subarray(offset * 4, offset * 4 + 3)], [0x37, 0xa5, 0x45]);
    }
    const person2 = await pixels(files.get('person-2.png')!);
    assert.equal([...Array(24).keys()].filter((offset) => person2.data[offset * 4 + 3] === 255).length, 5, 'masks rendered earlier leave nothing behind');
  });

  it('writes a 16-bit indexed image when there are more than 255 indexes', async () => {
    const indexes = Array.from({ length: 300 }, (_, position) => ({ index: position + 1, label: 'person', instance: true, color: '#3cb44b' }));
    const values = Uint16Array.from({ length: 300 }, (_, position) => position + 1);
    let indexedPng: Buffer | undefined;
    await renderMaskPngs({ width: 300, height: 1, values, indexes }, async (name, png) => {
      if (name === 'indexed.png') indexedPng = png;
      return name;
    }, (entry) => `person-${entry.index}`);
    assert.equal(indexedPng![24], 16, 'bit depth 16');
    assert.equal(indexedPng![25], 0, 'colour type grey');
    const { data, info } = await sharp(indexedPng!).toColourspace('grey16').raw({ depth: 'ushort' }).toBuffer({ resolveWithObject: true });
    assert.equal(info.channels, 1);
    const read = new Uint16Array(data.buffer, data.byteOffset, 300);
    assert.deepEqual([...read], [...values]);
  });
});

describe('COCO RLE', () => {
  it('writes pycocotools compressed counts and reads them back', () => {
    // Known values: one count of 100 is "T3"; small counts are single characters from '0'.
    assert.equal(countsToString([100]), 'T3');
    assert.equal(countsToString([3, 2, 5]), '325');
    assert.deepEqual(countsFromString('T3'), [100]);
    const counts = [0, 7, 120000, 3, 1, 65536, 2];
    assert.deepEqual(countsFromString(countsToString(counts)), counts);
  });

  it('encodes each index in column-major order and decodes to the same pixels', () => {
    const mask = smallMask();
    const rles = cocoRlesOf(mask.width, mask.height, mask.values, [1, 2, 3]);
    // road: columns 0-2 are all road (12 pixels from the start), the rest not.
    assert.deepEqual(countsFromString(rles.get(1)!.counts), [0, 12, 12]);
    assert.deepEqual(rles.get(1)!.size, [4, 6]);
    for (const index of [1, 2, 3]) {
      const decoded = decodeCocoRle(rles.get(index)!);
      assert.deepEqual([...decoded], [...mask.values].map((value) => (value === index ? 1 : 0)), `index ${index}`);
    }
    assert.deepEqual(areaAndBox(6, 4, mask.values, 2), { area: 5, bbox: [3, 0, 3, 2] });
  });
});

describe('mask consensus', () => {
  const labels = [{ value: 'road', instance: false }, { value: 'person', instance: true }];
  const names = labels.map((label) => label.value);

  it('scores identical masks 1 and a mask against its shifted copy by mean IoU per label', () => {
    const a = smallMask();
    assert.equal(maskAgreement(a, a, names), 1);
    const b: ConsensusMask = { ...a, values: a.values.map((value) => (value === 1 ? 2 : value)) };
    // b: road gone (IoU 0), person = everything labeled: person IoU 11/23.
    assert.ok(Math.abs(maskAgreement(a, b, names) - (0 + 11 / 23) / 2) < 1e-9);
  });

  it('merges by per-pixel majority, keeping the central attempt instances', () => {
    const a = smallMask();
    const b = smallMask();
    b.values[0] = 0; // one attempt leaves the corner unlabeled: the other two outvote it
    const c = smallMask();
    c.values[3] = 3; // one attempt calls a top-right pixel the other person
    const merged = mergeMasks([a, b, c], [0, 1, 2], labels);
    assert.deepEqual([...merged.values], [...a.values]);
    assert.deepEqual(merged.indexes.map((entry) => [entry.index, entry.label]), [[1, 'road'], [2, 'person'], [3, 'person']]);
  });
});
