/**
 * How often the UI redraws. At most 20 times a second; while services flood their output, 5
 * times a second. A frame costs the same few milliseconds however many lines arrived, and it is
 * drawn on the thread that drains the services' pipes: under a flood every millisecond spent
 * drawing is one the services wait on a full pipe. Nobody reads 10,000 lines a second anyway,
 * and 5 frames a second still show the tail moving. Keys redraw at once, whatever the pace.
 */

/** The normal pace: 20 frames a second. */
export const REDRAW_INTERVAL_MS = 50;
/** The pace under a flood. */
export const FLOOD_REDRAW_INTERVAL_MS = 200;
/** Lines a second (all services together) from which output counts as a flood. */
export const FLOOD_LINES_PER_SECOND = 10_000;
/**
 * Once flooding, the rate must fall below this before the normal pace returns. Without the gap a
 * flood near the threshold (or a producer that a busy machine slows for a moment) would switch
 * pace at every frame.
 */
export const FLOOD_ENDS_BELOW_LINES_PER_SECOND = FLOOD_LINES_PER_SECOND / 4;

/**
 * The least time before the next frame, given the lines that arrived since the last one and
 * whether the last frame was already paced as a flood.
 */
export function redrawInterval(
  lines: number,
  sinceLastMs: number,
  normalMs: number = REDRAW_INTERVAL_MS,
  flooding = false,
): number {
  const perSecond = sinceLastMs > 0 ? (lines * 1000) / sinceLastMs : 0;
  const threshold = flooding ? FLOOD_ENDS_BELOW_LINES_PER_SECOND : FLOOD_LINES_PER_SECOND;
  return perSecond >= threshold ? Math.max(normalMs, FLOOD_REDRAW_INTERVAL_MS) : normalMs;
}
