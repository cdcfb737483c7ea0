import { fdsNeeded, parseFdLimits, RAISED_ENV, shouldRaise } from './fd-limit';

const limits = (soft: string, hard: string) => `Limit                     Soft Limit           Hard Limit           Units
Max cpu time              unlimited            unlimited            seconds
Max open files            ${soft}                 ${hard}              files
Max locked memory         8388608              8388608              bytes`;

describe('file-descriptor limits', () => {
  it('reads the soft and hard limits of open files from /proc/<pid>/limits', () => {
    expect(parseFdLimits(limits('1024', '524288'))).toEqual({ soft: 1024, hard: 524288 });
    expect(parseFdLimits(limits('1024', 'unlimited'))).toEqual({ soft: 1024, hard: 1048576 });
    expect(parseFdLimits('nothing here')).toBeNull();
  });

  it('re-executes only when the run needs more than the soft limit, and only once', () => {
    expect(shouldRaise({ soft: 1024, hard: 524288 }, 30256, {})).toBe(true);
    expect(shouldRaise({ soft: 20000, hard: 20000 }, 30256, {})).toBe(true); // the hard limit may be liftable
    expect(shouldRaise({ soft: 20000, hard: 20000 }, 10256, {})).toBe(false);
    expect(shouldRaise({ soft: 1024, hard: 524288 }, 30256, { [RAISED_ENV]: '1024' })).toBe(false);
  });

  it('counts the sockets the harness process holds itself', () => {
    expect(fdsNeeded(10000, true, true)).toBe(30256);
    expect(fdsNeeded(10000, false, true)).toBe(20256);
    expect(fdsNeeded(10000, false, false)).toBe(256);
  });
});
