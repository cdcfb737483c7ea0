import express from 'express';
import request from 'supertest';
import { z } from 'zod';
import { clientSubject, envTrustProxy } from './client-ip';

const trustProxy = envTrustProxy('loopback');

/** An app answering with the subject the throttles would count for the request. */
const subjectApp = (trust: unknown) => {
  const app = express();
  app.set('trust proxy', trust);
  app.get('/', (req, res) => {
    res.send(clientSubject(req));
  });
  return app;
};

const subjectOf = async (trust: unknown, forwardedFor?: string): Promise<string> => {
  const req = request(subjectApp(trust)).get('/');
  return (forwardedFor ? await req.set('X-Forwarded-For', forwardedFor) : await req).text;
};

describe('TRUST_PROXY', () => {
  it.each([
    [undefined, ['loopback']],
    ['', ['loopback']],
    ['false', false],
    ['1', 1],
    ['loopback, uniquelocal', ['loopback', 'uniquelocal']],
    ['10.0.0.0/8,192.168.1.7,fd00::/8', ['10.0.0.0/8', '192.168.1.7', 'fd00::/8']],
  ])('reads %j as %j', (raw, parsed) => {
    expect(trustProxy.parse(raw)).toEqual(parsed);
  });

  it.each(['true', 'yes', '10.0.0.0/33', 'somehost', '1.2.3.4/8/9'])('refuses %j', (raw) => {
    expect(() => trustProxy.parse(raw)).toThrow(z.ZodError);
  });
});

describe('clientSubject', () => {
  it('believes X-Forwarded-For from a trusted (loopback) peer only', async () => {
    expect(await subjectOf(['loopback'], '198.51.100.7')).toBe('198.51.100.7');
    expect(await subjectOf(false, '198.51.100.7')).toBe('127.0.0.1');
    expect(await subjectOf(['10.0.0.0/8'], '198.51.100.7')).toBe('127.0.0.1');
  });

  it('takes the address the trusted proxy saw, not what the client wrote before it', async () => {
    expect(await subjectOf(['loopback'], '6.6.6.6, 198.51.100.7')).toBe('198.51.100.7');
  });

  it('counts an IPv6 client by its /64 and an IPv4-mapped one as IPv4', async () => {
    expect(await subjectOf(['loopback'], '2001:db8:1:2:aaaa::1')).toBe('2001:db8:1:2::/64');
    expect(await subjectOf(['loopback'], '2001:db8:1:2:bbbb:cccc:dddd:eeee')).toBe('2001:db8:1:2::/64');
    expect(await subjectOf(['loopback'], '2001:db8::5')).toBe('2001:db8:0:0::/64');
    expect(await subjectOf(['loopback'], '::ffff:198.51.100.9')).toBe('198.51.100.9');
  });
});
