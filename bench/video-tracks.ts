import type { VideoSubmission } from '@tagwright/formats';

/**
 * The video benchmarks' keyframes: `tracks` boxes over `frames` frames, each keyed every `every`
 * frames and drifting so every frame between keys is interpolated (a 10-minute 30 fps video with
 * 50 tracks keyed every 30 frames is 18,000 frames and 30,000 keyframes).
 */
export function benchSubmission(frames: number, tracks: number, every = 30): VideoSubmission {
  return {
    frame_count: frames,
    tracks: Array.from({ length: tracks }, (_, track) => {
      const keyframes = [];
      for (let frame = 0; frame < frames; frame += every) {
        const phase = (frame / every + track) % 8;
        keyframes.push({ frame, left: 5 + (track % 10) * 30 + phase * 2, top: 5 + Math.floor(track / 10) * 30 + phase, width: 20 + phase, height: 18, attributes: {} });
      }
      return { uuid: `track-${track}`, label: track % 2 ? 'car' : 'person', geometry: 'box' as const, keyframes };
    }),
    events: [],
  };
}

export const BENCH_PARAMS = {
  attachment_type: 'video',
  attachment: 'https://bench.example/video.webm',
  frame_rate: 30,
  geometries: { box: { objects_to_annotate: ['car', 'person'] } },
};
