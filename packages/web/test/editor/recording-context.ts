/** What a recording context saw: each stroke and fill with its path's device points, each caption. */
export interface Drawn {
  op: string;
  points?: number[][];
  lineWidth?: number;
  color?: string;
  alpha?: number;
  text?: string;
  at?: number[];
}

/**
 * A 2D context that records what is drawn (jsdom has none): each stroke and fill with the path's
 * device points, and each caption. `drawn` holds the latest paint (clearRect empties it); `paints`
 * counts the clears, one per paint.
 */
export function recordingContext(canvas: { width: number; height: number }) {
  const drawn: Drawn[] = [];
  const counts = { paints: 0 };
  let matrix = [1, 0, 0, 1, 0, 0];
  let path: number[][] = [];
  const toDevice = (x: number, y: number) => [matrix[0] * x + matrix[4], matrix[3] * y + matrix[5]];
  const context = {
    canvas,
    lineWidth: 1,
    strokeStyle: '',
    fillStyle: '',
    globalAlpha: 1,
    lineCap: 'butt',
    lineJoin: 'miter',
    font: '',
    textBaseline: '',
    setTransform: (...values: number[]) => (matrix = values),
    clearRect: () => {
      counts.paints++;
      drawn.splice(0);
    },
    beginPath: () => (path = []),
    rect: (x: number, y: number, width: number, height: number) => path.push(toDevice(x, y), toDevice(x + width, y + height)),
    moveTo: (x: number, y: number) => path.push(toDevice(x, y)),
    lineTo: (x: number, y: number) => path.push(toDevice(x, y)),
    closePath: () => {},
    ellipse: (x: number, y: number) => path.push(toDevice(x, y)),
    arc: (x: number, y: number, radius: number) => path.push(toDevice(x, y), [radius]),
    stroke: () => drawn.push({ op: 'stroke', points: path, lineWidth: context.lineWidth, color: context.strokeStyle }),
    fill: () => drawn.push({ op: 'fill', points: path, alpha: context.globalAlpha }),
    strokeText: () => {},
    fillText: (text: string, x: number, y: number) => drawn.push({ op: 'text', text, at: toDevice(x, y) }),
  };
  return { context: context as unknown as CanvasRenderingContext2D, drawn, counts };
}
