import request from 'supertest';
import { addActivity, addBareUser, bearerFor } from '../testing-health';
import { DEMO_FAMILY_ID } from '../seed/demo';
import { useTestApp, useTestEnv } from '../testing';
import { dataTag } from './caching';

const PROFILE = '/api/v1/user/profile';
const env = useTestEnv();
const api = useTestApp(env);

const get = async (path: string, userId: string, etag?: string) => {
  const req = request(api.app).get(path).set('Authorization', await bearerFor(api, userId));
  return etag ? req.set('If-None-Match', etag) : req;
};

describe('a revalidating GET', () => {
  it('answers 200 with a weak ETag and private, no-cache; the same GET with If-None-Match gets 304 and no body', async () => {
    const first = await get(PROFILE, 'user_001');
    expect(first.status).toBe(200);
    expect(first.headers.etag).toMatch(/^W\/"[A-Za-z0-9_-]{27}"$/);
    expect(first.headers['cache-control']).toBe('private, no-cache');

    const again = await get(PROFILE, 'user_001', first.headers.etag);
    expect(again.status).toBe(304);
    expect(again.text).toBe('');
    expect(again.headers.etag).toBe(first.headers.etag);
    expect(again.headers['cache-control']).toBe('private, no-cache');
    expect(again.headers['content-type']).toBeUndefined();
  });

  it('gets the new data with 200 after a write, for the old ETag', async () => {
    const userId = await addBareUser(env.pool, 'etag');
    const before = await get(PROFILE, userId);
    const put = await request(api.app).put(PROFILE).set('Authorization', await bearerFor(api, userId)).send({ age: 41 });
    expect(put.status).toBe(200);
    expect(put.headers['cache-control']).toBe('private, no-store');

    const after = await get(PROFILE, userId, before.headers.etag);
    expect(after.status).toBe(200);
    expect(after.body.age).toBe(41);
    expect(after.headers.etag).not.toBe(before.headers.etag);
  });

  it('changes its ETag when data it shows is written elsewhere (records, outside any route)', async () => {
    const userId = await addBareUser(env.pool, 'etag');
    const before = await get('/api/v1/health/summary', userId);
    await addActivity(env.pool, userId, before.body.period_end, { steps: 1234 });
    const after = await get('/api/v1/health/summary', userId, before.headers.etag);
    expect(after.status).toBe(200);
    expect(after.body.activity_summary.steps).toBe(1234);
  });

  it("never answers 304 to one user with another user's ETag, even for the same data", async () => {
    const [a, b] = [await addBareUser(env.pool, 'etag'), await addBareUser(env.pool, 'etag')];
    const ofA = await get('/api/v1/health/goals', a);
    const ofB = await get('/api/v1/health/goals', b, ofA.headers.etag);
    expect(ofB.status).toBe(200);
    expect(ofB.body.data).toEqual(ofA.body.data);
    expect(ofB.headers.etag).not.toBe(ofA.headers.etag);
  });

  it('leaves out the fields a route names as stamps, and only those', () => {
    const body = (at: string, steps: number) => ({ success: true, data: { generated_at: at, steps }, timestamp: at, request_id: at });
    const stamps = { stamps: ['generated_at'] };
    expect(dataTag('u', body('t1', 1), stamps)).toBe(dataTag('u', body('t2', 1), stamps));
    expect(dataTag('u', body('t1', 1), stamps)).not.toBe(dataTag('u', body('t1', 2), stamps));
    expect(dataTag('u', body('t1', 1), true)).not.toBe(dataTag('u', body('t2', 1), true));
  });
});

describe('answers that are not 200', () => {
  it('never answer 304 nor carry an ETag: missing or bad credentials, another user’s family', async () => {
    const { etag } = (await get(PROFILE, 'user_001')).headers;
    for (const auth of [undefined, 'Bearer not.a.token']) {
      const req = request(api.app).get(PROFILE).set('If-None-Match', etag ?? '*');
      const res = await (auth ? req.set('Authorization', auth) : req);
      expect([401, 403]).toContain(res.status);
      expect(res.headers.etag).toBeUndefined();
      expect(res.headers['cache-control']).toBe('private, no-store');
      expect(res.body.success).toBe(false);
    }
    const stranger = await addBareUser(env.pool, 'etag');
    const refused = await get(`/api/v1/family/${DEMO_FAMILY_ID}/members`, stranger, '*');
    expect(refused.status).toBe(403);
    expect(refused.headers.etag).toBeUndefined();
  });
});

describe('other authenticated answers', () => {
  it('are never stored: private, no-store', async () => {
    const res = await get('/api/v1/chat/conversations', 'user_001');
    expect(res.status).toBe(200);
    expect(res.headers['cache-control']).toBe('private, no-store');
  });
});
