import { askOptionsFrom } from './ask';

describe('askOptionsFrom (the options of `pnpm ask`)', () => {
  it('asks the local stack as the demo user by default; the words form the question', () => {
    expect(askOptionsFrom(['我最近睡眠不好'], {})).toEqual({
      url: 'http://127.0.0.1:8000',
      username: 'demo_user',
      password: 'demo_password',
      question: '我最近睡眠不好',
      timeoutMs: 120000,
    });
    expect(askOptionsFrom(['how', 'do', 'I', 'sleep?'], {}).question).toBe('how do I sleep?');
  });

  it('takes flags over the environment, the environment over the defaults', () => {
    const env = { AURAWELL_URL: 'http://env.example:1/', AURAWELL_USER: 'env_user', AURAWELL_PASSWORD: 'env_password' };
    expect(askOptionsFrom(['q'], env)).toMatchObject({ url: 'http://env.example:1', username: 'env_user', password: 'env_password' });
    const flags = ['--url', 'http://flag.example:2', '--user', 'test_user', '--password', 'test_password', '--timeout', '5', 'q'];
    expect(askOptionsFrom(flags, env)).toMatchObject({ url: 'http://flag.example:2', username: 'test_user', password: 'test_password', timeoutMs: 5000 });
  });

  it('refuses no question, an unknown flag and a timeout that is not a positive number, with the usage', () => {
    expect(() => askOptionsFrom([], {})).toThrow(/no question\nusage: pnpm ask/);
    expect(() => askOptionsFrom(['--token', 'x', 'q'], {})).toThrow(/--token.*\nusage: pnpm ask/s);
    expect(() => askOptionsFrom(['--timeout', 'soon', 'q'], {})).toThrow(/--timeout must be/);
    expect(() => askOptionsFrom(['--timeout', '0', 'q'], {})).toThrow(/--timeout must be/);
  });
});
