/**
 * A log that lets at most `perSecond` lines a second through: what a server logs about its peers
 * (protocol violations) is caused by them, and a fuzzing peer must not fill the disk. The number
 * left out is logged with the next line that passes.
 */
export function rateLimited(log: (line: string) => void, perSecond: number): (line: string) => void {
  let windowStart = 0;
  let count = 0;
  let dropped = 0;
  return (line) => {
    const now = Date.now();
    if (now - windowStart >= 1000) {
      windowStart = now;
      count = 0;
    }
    if (count >= perSecond) {
      dropped++;
      return;
    }
    count++;
    if (dropped > 0) {
      log(`(${dropped} similar lines dropped)`);
      dropped = 0;
    }
    log(line);
  };
}
