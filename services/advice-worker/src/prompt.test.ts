import type { HealthSnapshot } from '@aurawell/db';
import { buildMessages, describeHealth, GENERAL_SYSTEM_PROMPT, HEALTH_SYSTEM_PROMPT, type PromptInput } from './prompt';

const CJK = /[\u4e00-\u9fff]/;

const snapshot: HealthSnapshot = {
  profile: { display_name: '小林', age: 35, gender: 'female', height_cm: 165, weight_kg: 60, activity_level: 'moderately_active' },
  activity: [
    { day: '2026-11-23', steps: 8000, distance_km: 5.6, calories_burned: 300, active_minutes: 50 },
    { day: '2026-11-22', steps: 6000, distance_km: 4.2, calories_burned: 200, active_minutes: 35 },
  ],
  sleep: [
    { day: '2026-11-23', total_sleep_hours: 6.5, deep_sleep_hours: 1.2, sleep_efficiency: 85 },
    { day: '2026-11-22', total_sleep_hours: 7.5, deep_sleep_hours: 1.6, sleep_efficiency: 90 },
  ],
};

const input = (over: Partial<PromptInput> = {}): PromptInput => ({
  kind: 'health',
  message: '我最近总是失眠，怎么办？',
  context: null,
  health: null,
  memberName: null,
  history: [],
  ...over,
});

const contents = (p: PromptInput) => buildMessages(p).map((m) => ({ role: m.role, content: m.content as string }));

describe('system prompt', () => {
  it('health chat: the Chinese health prompt first', () => {
    const [first] = contents(input());
    expect(first).toEqual({ role: 'system', content: HEALTH_SYSTEM_PROMPT });
    expect(first?.content).toMatch(CJK);
    expect(first?.content).toContain('简体中文');
    expect(first?.content).toContain('健康');
  });

  it('general chat: the Chinese general prompt first', () => {
    const [first] = contents(input({ kind: 'general' }));
    expect(first).toEqual({ role: 'system', content: GENERAL_SYSTEM_PROMPT });
    expect(first?.content).toMatch(CJK);
    expect(GENERAL_SYSTEM_PROMPT).not.toBe(HEALTH_SYSTEM_PROMPT);
  });
});

describe('health data', () => {
  it('is described when present', () => {
    const messages = contents(input({ health: snapshot }));
    expect(messages).toHaveLength(3);
    const health = messages[1];
    expect(health?.role).toBe('system');
    expect(health?.content).toContain('以下是用户的健康数据');
    expect(health?.content).toContain('年龄 35 岁');
    expect(health?.content).toContain('性别 女');
    expect(health?.content).toContain('身高 165 cm');
    expect(health?.content).toContain('体重 60 kg');
    expect(health?.content).toContain('BMI 22.0');
    expect(health?.content).toContain('活动水平 中度活跃');
    expect(health?.content).toContain('近 2 天活动：平均每天 7000 步，消耗 250 千卡');
    expect(health?.content).toContain('近 2 天睡眠：平均每晚 7.0 小时，睡眠效率 88%');
  });

  it('is left out when absent', () => {
    expect(contents(input({ health: null }))).toHaveLength(2);
    expect(describeHealth({ profile: null, activity: [], sleep: [] }, null)).toBeNull();
    expect(contents(input({ health: { profile: null, activity: [], sleep: [] } }))).toHaveLength(2);
  });

  it('a profile without any known field adds no empty line', () => {
    const empty = { display_name: 'x', age: null, gender: null, height_cm: null, weight_kg: null, activity_level: null };
    expect(describeHealth({ profile: empty, activity: [], sleep: [] }, null)).toBeNull();
    const onlySleep = describeHealth({ profile: empty, activity: [], sleep: snapshot.sleep }, null);
    expect(onlySleep).not.toContain('个人资料');
    expect(onlySleep).toContain('睡眠');
  });

  it('records with only nulls are left out', () => {
    const s: HealthSnapshot = {
      profile: null,
      activity: [{ day: '2026-11-23', steps: null, distance_km: null, calories_burned: null, active_minutes: null }],
      sleep: [{ day: '2026-11-23', total_sleep_hours: null, deep_sleep_hours: null, sleep_efficiency: null }],
    };
    expect(describeHealth(s, null)).toBeNull();
  });

  it('is not given to the general assistant', () => {
    const messages = contents(input({ kind: 'general', health: snapshot }));
    expect(messages).toHaveLength(2);
    expect(messages.map((m) => m.content).join('\n')).not.toContain('年龄');
  });

  it('names the family member the user asks for', () => {
    const health = contents(input({ health: snapshot, memberName: '妈妈' }))[1]?.content;
    expect(health).toContain('家庭成员「妈妈」');
    expect(health).not.toContain('以下是用户的健康数据');
  });
});

describe('context, history and the user message', () => {
  it('the client context is given as JSON', () => {
    const context = { mood: 'tired', sleep_hours: 5, note: '加班 "很晚"' };
    const messages = contents(input({ context }));
    const ctx = messages.find((m) => m.content.startsWith('客户端提供的用户当前状态'));
    expect(ctx?.role).toBe('system');
    expect(ctx?.content).toContain(JSON.stringify(context));
  });

  it('an empty or missing context adds nothing', () => {
    expect(contents(input({ context: {} }))).toHaveLength(2);
    expect(contents(input({ context: null }))).toHaveLength(2);
  });

  it('history keeps its order and roles, after the system messages and before the user message', () => {
    const history = [
      { role: 'user' as const, content: '第一问' },
      { role: 'assistant' as const, content: '第一答' },
      { role: 'user' as const, content: '第二问' },
      { role: 'assistant' as const, content: '第二答' },
    ];
    const messages = contents(input({ health: snapshot, context: { mood: 'ok' }, history }));
    expect(messages.map((m) => m.role)).toEqual(['system', 'system', 'system', 'user', 'assistant', 'user', 'assistant', 'user']);
    expect(messages.slice(3, 7)).toEqual(history);
  });

  it('the user message comes last, verbatim', () => {
    const message = '  我每天只睡 **5** 小时 😴\n\n  怎么办？ [[sim:tps=5]]  ';
    const messages = contents(input({ message, health: snapshot, context: { a: 1 }, history: [{ role: 'assistant', content: 'x' }] }));
    expect(messages.at(-1)).toEqual({ role: 'user', content: message });
    expect(messages.filter((m) => m.role === 'user')).toHaveLength(1);
  });
});
