import assert from 'node:assert/strict';
import { createProgress, progressLine } from '../../src/cli/progress';

const target = (isTTY: boolean) => {
  const written: string[] = [];
  return { isTTY, write: (text: string) => written.push(text), written };
};

describe('CLI progress bar', () => {
  it('shows the fraction, the count, the rate and the time left', () => {
    assert.equal(
      progressLine('verify', 250_000, 0.25, 10_000),
      'verify [########......................] 25.0% 250000 events 25.0k/s ETA 30s',
    );
    assert.match(progressLine('export', 10, 0.001, 60_000), /ETA 16h39m$/);
  });

  it('draws on a terminal, or when forced; stays silent on a pipe', () => {
    let now = 0;
    const pipe = target(false);
    const silent = createProgress('x', { forced: false, target: pipe, now: () => now });
    silent.update(1, 0.5);
    silent.finish(2);
    assert.deepEqual(pipe.written, []);

    const tty = target(true);
    const drawn = createProgress('x', { forced: false, target: tty, now: () => now });
    now = 1_000;
    drawn.update(5, 0.5);
    now = 1_050;
    drawn.update(6, 0.6); // too soon after the last redraw
    drawn.finish(10);
    assert.equal(tty.written.length, 2);
    assert.ok(tty.written[0]!.startsWith('\r\x1b[2K'));
    assert.match(tty.written[1]!, /100\.0% 10 events .*\n$/);

    const forced = target(false);
    const lines = createProgress('x', { forced: true, target: forced, now: () => (now += 500) });
    lines.update(1, 0.1);
    assert.match(forced.written[0]!, /^x \[###/);
  });
});
