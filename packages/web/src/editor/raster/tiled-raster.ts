/**
 * The mask as an index raster split into square tiles. A tile is either a number (every pixel has
 * that value, which keeps blank and filled areas small) or a Uint16Array of TILE_SIZE² values.
 * Committed tiles are never mutated: a stroke copies the tiles it touches (copy-on-write), so the
 * raster record before and after a stroke share every other tile and undo is swapping two records.
 */
export const TILE_SIZE = 256;
const TILE_AREA = TILE_SIZE * TILE_SIZE;

export type Tile = Uint16Array | number;

/** The raster as a store record (the mask editor's store holds one, id `raster`). */
export interface RasterRecord {
  id: 'raster';
  index: 0;
  kind: 'raster';
  width: number;
  height: number;
  columns: number;
  rows: number;
  tiles: readonly Tile[];
}

/** A raster of the given size with every pixel 0 (unlabeled). */
export function blankRaster(width: number, height: number): RasterRecord {
  const columns = Math.ceil(width / TILE_SIZE);
  const rows = Math.ceil(height / TILE_SIZE);
  return { id: 'raster', index: 0, kind: 'raster', width, height, columns, rows, tiles: new Array<Tile>(columns * rows).fill(0) };
}

/** The value of one pixel (0 outside the raster). */
export function readPixel(raster: RasterRecord, x: number, y: number): number {
  if (x < 0 || y < 0 || x >= raster.width || y >= raster.height) return 0;
  const tile = raster.tiles[Math.floor(y / TILE_SIZE) * raster.columns + Math.floor(x / TILE_SIZE)];
  return typeof tile === 'number' ? tile : tile[(y % TILE_SIZE) * TILE_SIZE + (x % TILE_SIZE)];
}

/** Calls `visit(values, offset, length)` for each tile-sized piece of row `y`, left to right. */
export function forEachRowPiece(raster: RasterRecord, y: number, visit: (tile: Tile, offset: number, length: number) => void): void {
  const rowInTile = y % TILE_SIZE;
  const tileRow = Math.floor(y / TILE_SIZE);
  for (let column = 0; column < raster.columns; column++) {
    const length = Math.min(TILE_SIZE, raster.width - column * TILE_SIZE);
    visit(raster.tiles[tileRow * raster.columns + column], rowInTile * TILE_SIZE, length);
  }
}

/** The whole raster as one row-major array (for encoding and tests; 2 bytes a pixel). */
export function toIndexArray(raster: RasterRecord): Uint16Array {
  const out = new Uint16Array(raster.width * raster.height);
  for (let y = 0; y < raster.height; y++) {
    let x = 0;
    forEachRowPiece(raster, y, (tile, offset, length) => {
      if (typeof tile === 'number') out.fill(tile, y * raster.width + x, y * raster.width + x + length);
      else out.set(tile.subarray(offset, offset + length), y * raster.width + x);
      x += length;
    });
  }
  return out;
}

/** Builds a raster from a row-major array of values. */
export function fromIndexArray(width: number, height: number, values: ArrayLike<number>): RasterRecord {
  const raster = blankRaster(width, height);
  const tiles = raster.tiles.slice();
  for (let row = 0; row < raster.rows; row++) {
    for (let column = 0; column < raster.columns; column++) {
      const tile = new Uint16Array(TILE_AREA);
      const x0 = column * TILE_SIZE;
      const y0 = row * TILE_SIZE;
      const tileWidth = Math.min(TILE_SIZE, width - x0);
      const tileHeight = Math.min(TILE_SIZE, height - y0);
      for (let y = 0; y < tileHeight; y++) {
        const source = (y0 + y) * width + x0;
        for (let x = 0; x < tileWidth; x++) tile[y * TILE_SIZE + x] = values[source + x];
      }
      tiles[row * raster.columns + column] = compactTile(tile, tileWidth, tileHeight);
    }
  }
  return { ...raster, tiles };
}

/** A tile whose in-image pixels all share one value becomes that number. */
export function compactTile(tile: Uint16Array, tileWidth: number, tileHeight: number): Tile {
  const first = tile[0];
  for (let y = 0; y < tileHeight; y++) {
    const start = y * TILE_SIZE;
    for (let x = 0; x < tileWidth; x++) if (tile[start + x] !== first) return tile;
  }
  return first;
}

const unlabeledCounts = new WeakMap<Uint16Array, number>();

/** How many pixels are 0. Committed tiles never change, so counts are remembered per tile. */
export function countUnlabeled(raster: RasterRecord): number {
  let count = 0;
  raster.tiles.forEach((tile, position) => {
    const tileWidth = Math.min(TILE_SIZE, raster.width - (position % raster.columns) * TILE_SIZE);
    const tileHeight = Math.min(TILE_SIZE, raster.height - Math.floor(position / raster.columns) * TILE_SIZE);
    if (typeof tile === 'number') {
      if (tile === 0) count += tileWidth * tileHeight;
      return;
    }
    let tileCount = unlabeledCounts.get(tile);
    if (tileCount === undefined) {
      tileCount = 0;
      for (let y = 0; y < tileHeight; y++) {
        const start = y * TILE_SIZE;
        for (let x = 0; x < tileWidth; x++) if (tile[start + x] === 0) tileCount++;
      }
      unlabeledCounts.set(tile, tileCount);
    }
    count += tileCount;
  });
  return count;
}
