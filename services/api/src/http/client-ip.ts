import { isIP } from 'node:net';
import type { Request } from 'express';
import { z } from 'zod';

/** The names Express ('trust proxy', proxy-addr) knows for address ranges. */
const RANGE_NAMES = new Set(['loopback', 'linklocal', 'uniquelocal']);

const isTrustEntry = (entry: string): boolean => {
  if (RANGE_NAMES.has(entry)) return true;
  const [address = '', bits, ...rest] = entry.split('/');
  const family = isIP(address);
  if (family === 0 || rest.length > 0) return false;
  return bits === undefined || (/^\d{1,3}$/.test(bits) && Number(bits) <= (family === 4 ? 32 : 128));
};

/**
 * Express's 'trust proxy' setting, from the environment: `false` (believe no X-Forwarded-For),
 * a hop count, or a comma-separated list of proxy addresses, subnets and range names
 * (`loopback`, `linklocal`, `uniquelocal`). `true` is refused: it believes the leftmost
 * X-Forwarded-For entry, which any client writes, and would let a client pick its own IP.
 */
export const envTrustProxy = (fallback: string) =>
  z.preprocess(
    (v) => (typeof v === 'string' && v.trim() !== '' ? v.trim() : fallback),
    z
      .string()
      .refine((v) => v !== 'true', 'must name the proxies (or a hop count), not `true`: any client could then choose its IP')
      .refine((v) => v === 'false' || /^\d{1,2}$/.test(v) || v.split(',').every((e) => isTrustEntry(e.trim())), {
        message: 'must be false, a hop count, or proxy addresses / subnets / loopback, linklocal, uniquelocal',
      })
      .transform((v): boolean | number | string[] => (v === 'false' ? false : /^\d+$/.test(v) ? Number(v) : v.split(',').map((e) => e.trim()))),
  );

/** The first four groups of an IPv6 address (the /64 one subscriber usually holds). */
const ipv6Prefix64 = (ip: string): string => {
  const [head = '', tail] = ip.split('::');
  const groups = (part: string) => (part ? part.split(':').flatMap((g) => (g.includes('.') ? ['0', '0'] : [g])) : []);
  const left = groups(head);
  const right = tail === undefined ? [] : groups(tail);
  const all = tail === undefined ? left : [...left, ...Array<string>(Math.max(0, 8 - left.length - right.length)).fill('0'), ...right];
  return `${all.slice(0, 4).map((g) => parseInt(g, 16).toString(16)).join(':')}::/64`;
};

/**
 * Who the request comes from, as a throttle counts it: the client IP Express derives under
 * 'trust proxy' (`req.ip`); an IPv4-mapped IPv6 address as IPv4; other IPv6 addresses by their
 * /64, since one subscriber holds a whole /64 and could otherwise change address at every try.
 */
export const clientSubject = (req: Request): string => {
  const ip = (req.ip ?? req.socket.remoteAddress ?? 'unknown').split('%')[0] ?? 'unknown';
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(ip);
  if (mapped?.[1]) return mapped[1];
  return isIP(ip) === 6 ? ipv6Prefix64(ip) : ip;
};
