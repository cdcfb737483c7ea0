import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';

export const testRedisUrl = (): string => {
  const url = process.env.REDIS_URL;
  if (!url) throw new Error('REDIS_URL is not set (the jest global setup sets it)');
  return url;
};

/** A key prefix no other test uses. */
export const testPrefix = (): string => `awt_${randomBytes(5).toString('hex')}`;

/** Deletes every key under the test's own prefix, and nothing else. */
export const deleteKeysWithPrefix = async (prefix: string): Promise<number> => {
  const redis = new Redis(testRedisUrl(), { lazyConnect: false });
  let deleted = 0;
  try {
    for await (const batch of redis.scanStream({ match: `${prefix}:*`, count: 500 })) {
      const keys = batch as string[];
      if (keys.length > 0) deleted += await redis.unlink(...keys);
    }
  } finally {
    redis.disconnect();
  }
  return deleted;
};
