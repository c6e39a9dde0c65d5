import { compactTile, TILE_SIZE, type RasterRecord, type Tile } from './tiled-raster.ts';

const TILE_AREA = TILE_SIZE * TILE_SIZE;

/** The part of one tile a gesture wrote, in tile pixels (inclusive): the view redraws only it. */
export interface TileRect {
  left: number;
  top: number;
  right: number;
  bottom: number;
}

const WHOLE_TILE: TileRect = { left: 0, top: 0, right: TILE_SIZE - 1, bottom: TILE_SIZE - 1 };

/** Which existing values a write may replace: all of them, or only unlabeled (0) pixels. */
export type WriteFilter = 'all' | 'unlabeled';

/**
 * Writes into a raster during one gesture. The first write to a committed tile copies it; later
 * writes of the same gesture change the copy in place. `snapshot()` gives the current record (a
 * new tiles array, sharing untouched tiles), `finish()` the final one with uniform tiles compacted.
 */
export class RasterWriter {
  private readonly tiles: Tile[];
  /** Tiles this writer created: safe to change in place. */
  private readonly owned = new Set<number>();
  /** Tiles written since the last `takeDirty()`, with the part of each written (the view redraws it). */
  private dirty = new Map<number, TileRect>();

  constructor(private readonly base: RasterRecord) {
    this.tiles = base.tiles.slice();
  }

  get width(): number {
    return this.base.width;
  }

  get height(): number {
    return this.base.height;
  }

  read(x: number, y: number): number {
    if (x < 0 || y < 0 || x >= this.base.width || y >= this.base.height) return 0;
    const tile = this.tiles[Math.floor(y / TILE_SIZE) * this.base.columns + Math.floor(x / TILE_SIZE)];
    return typeof tile === 'number' ? tile : tile[(y % TILE_SIZE) * TILE_SIZE + (x % TILE_SIZE)];
  }

  private writableTile(position: number): Uint16Array {
    const tile = this.tiles[position];
    if (this.owned.has(position)) return tile as Uint16Array;
    const copy = typeof tile === 'number' ? new Uint16Array(TILE_AREA).fill(tile) : tile.slice();
    this.tiles[position] = copy;
    this.owned.add(position);
    return copy;
  }

  /** Sets pixels x0..x1 (inclusive, clipped to the raster) of row y to `value`. */
  fillSpan(y: number, x0: number, x1: number, value: number, filter: WriteFilter = 'all'): void {
    if (y < 0 || y >= this.base.height) return;
    const from = Math.max(0, Math.floor(x0));
    const to = Math.min(this.base.width - 1, Math.floor(x1));
    if (from > to) return;
    const tileRow = Math.floor(y / TILE_SIZE);
    const rowStart = (y % TILE_SIZE) * TILE_SIZE;
    for (let column = Math.floor(from / TILE_SIZE); column <= Math.floor(to / TILE_SIZE); column++) {
      const position = tileRow * this.base.columns + column;
      const current = this.tiles[position];
      // Nothing would change: leave the tile shared.
      if (typeof current === 'number' && (current === value || (filter === 'unlabeled' && current !== 0))) continue;
      const tile = this.writableTile(position);
      const start = Math.max(from, column * TILE_SIZE) - column * TILE_SIZE + rowStart;
      const end = Math.min(to, column * TILE_SIZE + TILE_SIZE - 1) - column * TILE_SIZE + rowStart;
      if (filter === 'all') tile.fill(value, start, end + 1);
      else for (let index = start; index <= end; index++) if (tile[index] === 0) tile[index] = value;
      this.markDirty(position, start - rowStart, y % TILE_SIZE, end - rowStart, y % TILE_SIZE);
    }
  }

  /** Replaces every pixel whose value passes `from` with `to`, tile by tile (fill remaining, delete a segment). */
  replaceValues(from: (value: number) => boolean, to: number): void {
    this.tiles.forEach((tile, position) => {
      if (typeof tile === 'number') {
        if (from(tile) && tile !== to) {
          this.tiles[position] = to;
          this.owned.delete(position);
          this.dirty.set(position, WHOLE_TILE);
        }
        return;
      }
      let changed = false;
      for (let index = 0; index < TILE_AREA; index++) {
        if (from(tile[index]) && tile[index] !== to) {
          if (!changed) {
            changed = true;
            tile = this.writableTile(position);
          }
          tile[index] = to;
        }
      }
      if (changed) this.dirty.set(position, WHOLE_TILE);
    });
  }

  private markDirty(position: number, left: number, top: number, right: number, bottom: number): void {
    const rect = this.dirty.get(position);
    if (!rect) this.dirty.set(position, { left, top, right, bottom });
    else if (rect !== WHOLE_TILE) {
      rect.left = Math.min(rect.left, left);
      rect.top = Math.min(rect.top, top);
      rect.right = Math.max(rect.right, right);
      rect.bottom = Math.max(rect.bottom, bottom);
    }
  }

  /** Tiles written since the last call, each with the part written. */
  takeDirty(): Map<number, TileRect> {
    const dirty = this.dirty;
    this.dirty = new Map();
    return dirty;
  }

  /** The raster as it is now; its owned tiles may still change until `finish`. */
  snapshot(): RasterRecord {
    return { ...this.base, tiles: this.tiles.slice() };
  }

  /** The final raster: owned tiles that became uniform are stored as numbers. The writer is spent. */
  finish(): RasterRecord {
    for (const position of this.owned) {
      const tileWidth = Math.min(TILE_SIZE, this.base.width - (position % this.base.columns) * TILE_SIZE);
      const tileHeight = Math.min(TILE_SIZE, this.base.height - Math.floor(position / this.base.columns) * TILE_SIZE);
      this.tiles[position] = compactTile(this.tiles[position] as Uint16Array, tileWidth, tileHeight);
    }
    this.owned.clear();
    return { ...this.base, tiles: this.tiles.slice() };
  }
}
