/**
 * Runs `callback` once the next frame is on screen: in a task after the next animation frame. A
 * page that is not shown gets no frames, so after 100 ms it runs anyway.
 */
export function afterNextPaint(callback: () => void): void {
  let pending = true;
  const run = () => {
    if (pending) setTimeout(callback);
    pending = false;
  };
  requestAnimationFrame(run);
  setTimeout(run, 100);
}
