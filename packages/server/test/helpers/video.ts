import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** Debian's ffmpeg: the tests make their videos with it, never download one. */
export const FFMPEG = '/usr/bin/ffmpeg';
export const hasFfmpeg = fs.existsSync(FFMPEG);
export const NO_FFMPEG = `${FFMPEG} is not installed (apt-get install -y ffmpeg)`;
if (!hasFfmpeg && process.env.CI === 'true') throw new Error(`${NO_FFMPEG}: CI requires the video suites (.ci/run installs it)`);

/**
 * A 320×180 WebM (VP8) at 30 fps of `seconds` length: a blue field with a red block moving right.
 * Ten seconds are encoded once and repeated by stream copy, so a 10-minute video costs no more to
 * make than a 10-second one. Returns the file's path (removed when the process exits).
 */
export function makeTestVideo(seconds: number): string {
  const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'tagwright-video-'));
  process.on('exit', () => fs.rmSync(directory, { recursive: true, force: true }));
  const clip = path.join(directory, 'clip.webm');
  const clipSeconds = Math.min(10, seconds);
  execFileSync(FFMPEG, [
    '-loglevel', 'error', '-y',
    '-f', 'lavfi', '-i', `color=c=0x3b82f6:size=320x180:rate=30:duration=${clipSeconds}`,
    '-f', 'lavfi', '-i', 'color=c=red:size=40x30:rate=30',
    '-filter_complex', `[0][1]overlay=x='20+t*25':y=70:shortest=1,format=yuv420p`,
    '-c:v', 'libvpx', '-deadline', 'realtime', '-cpu-used', '8', '-b:v', '100k', '-g', '30',
    clip,
  ]);
  if (seconds <= clipSeconds) return clip;
  const repeats = Math.ceil(seconds / clipSeconds);
  const long = path.join(directory, 'video.webm');
  execFileSync(FFMPEG, ['-loglevel', 'error', '-y', '-stream_loop', String(repeats - 1), '-i', clip, '-c', 'copy', long]);
  return long;
}
