import { uniformFloat64 } from 'pure-rand/distribution/uniformFloat64';
import { mersenne } from 'pure-rand/generator/mersenne';

// What every part of the demo data shares: its users, their family, how many days it covers, and its randomness.

/** The contract's demo users (§1.5), their profiles, and the demo family they share. */
export const DEMO_USERS = [
  {
    id: 'user_001', username: 'demo_user', password: 'demo_password', email: 'demo_user@aurawell.com', displayName: '演示用户',
    profile: { age: 32, gender: 'male', heightCm: 175, weightKg: 72.5, activityLevel: 'moderately_active' },
  },
  {
    id: 'user_002', username: 'test_user', password: 'test_password', email: 'test_user@aurawell.com', displayName: '测试用户',
    profile: { age: 28, gender: 'female', heightCm: 163, weightKg: 55, activityLevel: 'lightly_active' },
  },
] as const;

export const DEMO_FAMILY_ID = '6d1f0a52-3c7e-4b8a-9e21-5f4c8d2b7a10';
export const DEMO_FAMILY_NAME = '演示家庭';
export const SEED_DAYS = 21;

/** A deterministic generator (pure-rand's Mersenne Twister) seeded from a string, so a day always gets the same values. */
export const randomFor = (seed: string): (() => number) => {
  const rng = mersenne([...seed].reduce((h, c) => Math.imul(h ^ c.charCodeAt(0), 2654435761) >>> 0, 2166136261));
  return () => uniformFloat64(rng);
};
