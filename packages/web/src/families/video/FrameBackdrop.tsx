import { useCallback, useEffect, useRef } from 'react';
import type { VideoSource } from '@tagwright/formats';
import type { VideoEditor } from '../../editor/time/video-editor.ts';
import { useEditorState } from '../image/use-editor.ts';
import { useVideoState } from './use-video-editor.ts';

/** Seconds into the video of an annotation frame; a hair past its start so seeking lands inside it. */
export function frameTime(editor: VideoEditor, frame: number): number {
  return editor.settings.startTime + frame / editor.settings.frameRate + 1e-4;
}

/**
 * The current frame under the shapes, in image pixels: the frame's image for a frame sequence, or
 * the video itself (in a foreignObject, so the camera transform applies) seeked to the frame.
 * While playing, the video's own clock drives the editor's frame through
 * requestVideoFrameCallback, so shapes follow the picture frame by frame.
 */
export function FrameBackdrop({ editor, source }: { editor: VideoEditor; source: VideoSource }) {
  const frame = useVideoState(editor, (state) => state.frame);
  const imageSize = useEditorState(editor.canvas, (state) => state.imageSize);
  return source.kind === 'frames' ? (
    <FrameImages editor={editor} urls={source.urls} frame={frame} size={imageSize} />
  ) : (
    <VideoFrames editor={editor} url={source.url} size={imageSize} />
  );
}

function FrameImages({ editor, urls, frame, size }: { editor: VideoEditor; urls: string[]; frame: number; size: { width: number; height: number } | null }) {
  const playing = useVideoState(editor, (state) => state.playing);
  useEffect(() => {
    const image = new Image();
    image.onload = () => editor.canvas.setImageSize({ width: image.naturalWidth, height: image.naturalHeight });
    image.src = urls[0];
    editor.setFrameCount(urls.length);
  }, [editor, urls]);
  // Frame sequences play by stepping at the task's frame rate.
  useEffect(() => {
    if (!playing) return;
    const timer = setInterval(() => {
      if (editor.getState().frame >= editor.getState().frameCount - 1) editor.setPlaying(false);
      else editor.step(1);
    }, 1000 / editor.settings.frameRate);
    return () => clearInterval(timer);
  }, [editor, playing]);
  // Neighbouring frames are fetched ahead so stepping does not wait for the network.
  useEffect(() => {
    for (const next of [frame + 1, frame + 2]) if (urls[next]) new Image().src = urls[next];
  }, [frame, urls]);
  if (!size) return null;
  return <image href={urls[frame]} x={0} y={0} width={size.width} height={size.height} data-frame={frame} />;
}

function VideoFrames({ editor, url, size }: { editor: VideoEditor; url: string; size: { width: number; height: number } | null }) {
  const video = useRef<HTMLVideoElement | null>(null);
  const frame = useVideoState(editor, (state) => state.frame);
  const playing = useVideoState(editor, (state) => state.playing);

  // The hidden loader learns the size and length before the visible element exists.
  useEffect(() => {
    const probe = document.createElement('video');
    probe.preload = 'metadata';
    probe.muted = true;
    probe.onloadedmetadata = () => {
      editor.canvas.setImageSize({ width: probe.videoWidth, height: probe.videoHeight });
      if (editor.settings.knownFrameCount === undefined && Number.isFinite(probe.duration)) {
        const seconds = probe.duration - editor.settings.startTime;
        editor.setFrameCount(Math.max(1, Math.ceil(seconds * editor.settings.frameRate - 1e-3)));
      }
      probe.removeAttribute('src');
    };
    probe.src = url;
    return () => {
      probe.onloadedmetadata = null;
    };
  }, [editor, url]);

  // Paused: show exactly the editor's frame. Setting currentTime costs the main thread about a
  // millisecond (more on a loaded machine), so the seek is started in a task of its own after the
  // frame that moves the playhead, scrubber and shapes: a scrub's pointer move is handled at the
  // start of a frame, and a seek inside React's commit delayed that frame by its cost. Several
  // frame changes in one task give one seek (the last). A held arrow key or a scrub asks for frames
  // faster than the video seeks; setting currentTime mid-seek restarts the seek (the picture lags
  // further), so while one runs only the newest frame waits its turn, for `seeked`.
  const wantedTime = useRef<number | null>(null);
  const seekTimer = useRef(0);
  const seekWanted = useCallback(() => {
    const element = video.current;
    const time = wantedTime.current;
    if (!element || time === null || element.seeking || editor.getState().playing) return;
    wantedTime.current = null;
    if (Math.abs(element.currentTime - time) > 1e-3) element.currentTime = time;
  }, [editor]);
  useEffect(() => {
    if (!video.current || playing) return;
    wantedTime.current = frameTime(editor, frame);
    if (!seekTimer.current) {
      seekTimer.current = window.setTimeout(() => {
        seekTimer.current = 0;
        seekWanted();
      }, 0);
    }
  }, [editor, frame, playing, size, seekWanted]);
  useEffect(() => {
    const element = video.current;
    if (!element) return;
    element.addEventListener('seeked', seekWanted);
    return () => {
      element.removeEventListener('seeked', seekWanted);
      window.clearTimeout(seekTimer.current);
      seekTimer.current = 0;
    };
  }, [size, seekWanted]);

  // Playing: the video's clock moves the editor's frame, one callback per presented frame.
  useEffect(() => {
    const element = video.current;
    if (!element || !playing) return;
    let handle = 0;
    const follow = (_now: number, metadata: { mediaTime: number }) => {
      const at = Math.floor((metadata.mediaTime - editor.settings.startTime) * editor.settings.frameRate + 1e-6);
      editor.setFrame(at);
      handle = element.requestVideoFrameCallback(follow);
    };
    handle = element.requestVideoFrameCallback(follow);
    const ended = () => editor.setPlaying(false);
    element.addEventListener('ended', ended);
    element.currentTime = frameTime(editor, editor.getState().frame);
    void element.play().catch(() => editor.setPlaying(false));
    return () => {
      element.cancelVideoFrameCallback(handle);
      element.removeEventListener('ended', ended);
      element.pause();
    };
  }, [editor, playing]);

  if (!size) return null;
  return (
    <foreignObject x={0} y={0} width={size.width} height={size.height}>
      <video
        ref={video}
        src={url}
        muted
        playsInline
        preload="auto"
        data-testid="video-frame"
        style={{ width: size.width, height: size.height, display: 'block', pointerEvents: 'none' }}
      />
    </foreignObject>
  );
}
