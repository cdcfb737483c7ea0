import { effectivePlan, FaultCounter, parseFaults, statusFaultFor, stripDirectives } from './faults';

describe('parseFaults', () => {
  it('returns a normal plan when there is no directive', () => {
    expect(parseFaults('我最近睡不好 [sim:status=500] [[other:x]]')).toEqual({ hang: false, echo: false, problems: [] });
  });

  it('parses every mode', () => {
    expect(parseFaults('a [[sim:status=429]] b').status).toBe(429);
    expect(parseFaults('[[sim:status=503,times=2]]')).toMatchObject({ status: 503, times: 2 });
    expect(parseFaults('[[sim:keepalive=1500]]').keepaliveMs).toBe(1500);
    expect(parseFaults('[[sim:cut=7]]').cutAfter).toBe(7);
    expect(parseFaults('[[sim:end=0]]').endAfter).toBe(0);
    expect(parseFaults('x[[sim:hang]]y').hang).toBe(true);
    expect(parseFaults('[[sim:echo]] <b>x</b>').echo).toBe(true);
    expect(parseFaults('[[sim:tps=2.5]]').tokensPerSecond).toBe(2.5);
    expect(parseFaults('[[sim:delay=40]]').firstTokenDelayMs).toBe(40);
    expect(parseFaults('[[sim:tokens=12]]').answerTokens).toBe(12);
    expect(parseFaults('[[sim:finish=insufficient_system_resource]]').finishReason).toBe('insufficient_system_resource');
    const bogus = parseFaults('[[sim:finish=bogus]]');
    expect(bogus.finishReason).toBeUndefined();
    expect(bogus.problems).toEqual(['finish=bogus']);
  });

  it('combines several directives and comma-separated items; later ones win', () => {
    const plan = parseFaults('问题 [[sim:tps=5]][[sim:tokens=9, delay=0]] 其他 [[sim:tps=8]]');
    expect(plan).toEqual({ hang: false, echo: false, problems: [], tokensPerSecond: 8, answerTokens: 9, firstTokenDelayMs: 0 });
  });

  it('reports items it cannot use instead of applying them', () => {
    const plan = parseFaults('[[sim:status=200]][[sim:cut=-1]][[sim:foo=1]][[sim:tps=0]][[sim:delay=abc]][[sim:times=1.5]][[sim:hang=1]]');
    expect(plan.status).toBeUndefined();
    expect(plan.cutAfter).toBeUndefined();
    expect(plan.tokensPerSecond).toBeUndefined();
    expect(plan.hang).toBe(false);
    expect(plan.problems).toEqual(['status=200', 'cut=-1', 'foo=1', 'tps=0', 'delay=abc', 'times=1.5', 'hang=1']);
  });

  it('does not treat inherited object keys as directives', () => {
    expect(parseFaults('[[sim:toString=1]][[sim:constructor=2]]').problems).toEqual(['toString=1', 'constructor=2']);
  });
});

describe('stripDirectives', () => {
  it('removes only the directives', () => {
    expect(stripDirectives('睡不好[[sim:cut=3]]怎么办[[sim:hang]]？')).toBe('睡不好怎么办？');
  });
});

describe('another prefix', () => {
  it('parses and strips [[tts:...]] with the same syntax, leaving [[sim:...]] alone', () => {
    const text = '回答[[tts:status=500,times=1]]正文[[sim:cut=2]]';
    expect(parseFaults(text, 'tts')).toEqual({ hang: false, echo: false, problems: [], status: 500, times: 1 });
    expect(parseFaults(text).cutAfter).toBe(2);
    expect(parseFaults(text).status).toBeUndefined();
    expect(stripDirectives(text, 'tts')).toBe('回答正文[[sim:cut=2]]');
    expect(stripDirectives(text)).toBe('回答[[tts:status=500,times=1]]正文');
  });
});

describe('statusFaultFor', () => {
  it('fails every time without times=', () => {
    const counter = new FaultCounter();
    const plan = parseFaults('m [[sim:status=500]]');
    for (let i = 0; i < 5; i++) expect(statusFaultFor(plan, 'm', counter)).toBe(500);
  });

  it('fails the first N requests per distinct message, then succeeds', () => {
    const counter = new FaultCounter();
    const plan = parseFaults('[[sim:status=503,times=2]]');
    expect([1, 2, 3, 4].map(() => statusFaultFor(plan, 'a', counter))).toEqual([503, 503, null, null]);
    expect(statusFaultFor(plan, 'b', counter)).toBe(503);
  });

  it('returns null without a status directive', () => {
    expect(statusFaultFor(parseFaults('[[sim:times=3]]'), 'x', new FaultCounter())).toBeNull();
  });

  it('forgets the oldest messages beyond its limit', () => {
    const counter = new FaultCounter(2);
    counter.hit('a');
    counter.hit('b');
    counter.hit('c');
    expect(counter.hit('a')).toBe(1);
    expect(counter.hit('c')).toBe(2);
  });
});

describe('effectivePlan', () => {
  it('with times=N any fault applies to the first N requests of a message only, pace overrides stay', () => {
    const counter = new FaultCounter();
    const plan = parseFaults('[[sim:cut=0,times=2,tps=50]]');
    const plans = [1, 2, 3].map(() => effectivePlan(plan, 'm', counter));
    expect(plans.map((p) => p.cutAfter)).toEqual([0, 0, undefined]);
    expect(plans[2]).toMatchObject({ tokensPerSecond: 50, hang: false });
    expect(effectivePlan(parseFaults('[[sim:hang]]'), 'm', counter).hang).toBe(true);
  });
});
