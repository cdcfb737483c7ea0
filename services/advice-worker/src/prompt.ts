import type { ChatCompletionMessageParam } from 'openai/resources/chat/completions';
import type { ChatKind } from '@aurawell/protocol';
import type { HealthSnapshot, Turn } from '@aurawell/db';

export const HEALTH_SYSTEM_PROMPT = [
  '你是 AuraWell 健康助手，一位专业、温和、严谨的健康顾问。',
  '请结合用户的个人资料和近期健康数据（如有），给出具体、可执行、个性化的健康建议，并简要说明依据。',
  '要求：',
  '1. 使用简体中文回答，结构清晰，可以使用 Markdown 列表。',
  '2. 只使用用户提供或系统给出的数据，不要编造数据。',
  '3. 你不是医生，不做诊断、不开药；如出现胸痛、呼吸困难、晕厥、严重过敏等紧急情况，请提醒用户立即就医。',
].join('\n');

export const GENERAL_SYSTEM_PROMPT = [
  '你是 AuraWell 智能助手，友好、简洁、准确地回答用户的问题。',
  '使用简体中文回答；涉及健康问题时给出稳妥的建议，并提醒用户必要时咨询专业医生。',
].join('\n');

const GENDER: Record<string, string> = { male: '男', female: '女', other: '其他' };
const ACTIVITY: Record<string, string> = {
  sedentary: '久坐少动',
  lightly_active: '轻度活跃',
  moderately_active: '中度活跃',
  very_active: '非常活跃',
  extremely_active: '极其活跃',
};

const mean = (xs: (number | null)[]): number | null => {
  const v = xs.filter((x): x is number => typeof x === 'number');
  return v.length === 0 ? null : v.reduce((a, b) => a + b, 0) / v.length;
};

const describeProfile = (p: NonNullable<HealthSnapshot['profile']>): string => {
  const parts: string[] = [];
  if (p.age != null) parts.push(`年龄 ${p.age} 岁`);
  if (p.gender) parts.push(`性别 ${GENDER[p.gender] ?? p.gender}`);
  if (p.height_cm != null) parts.push(`身高 ${p.height_cm} cm`);
  if (p.weight_kg != null) parts.push(`体重 ${p.weight_kg} kg`);
  if (p.height_cm && p.weight_kg) parts.push(`BMI ${(p.weight_kg / (p.height_cm / 100) ** 2).toFixed(1)}`);
  if (p.activity_level) parts.push(`活动水平 ${ACTIVITY[p.activity_level] ?? p.activity_level}`);
  return parts.join('，');
};

/** A short Chinese summary of what the store knows, or null when it knows nothing. */
export const describeHealth = (s: HealthSnapshot, memberName: string | null): string | null => {
  const lines: string[] = [];
  const profile = s.profile ? describeProfile(s.profile) : '';
  if (profile) lines.push(`个人资料：${profile}`);
  const steps = mean(s.activity.map((a) => a.steps));
  if (steps != null) {
    const kcal = mean(s.activity.map((a) => a.calories_burned));
    lines.push(`近 ${s.activity.length} 天活动：平均每天 ${Math.round(steps)} 步${kcal != null ? `，消耗 ${Math.round(kcal)} 千卡` : ''}`);
  }
  const sleep = mean(s.sleep.map((x) => x.total_sleep_hours));
  if (sleep != null) {
    const eff = mean(s.sleep.map((x) => x.sleep_efficiency));
    lines.push(`近 ${s.sleep.length} 天睡眠：平均每晚 ${sleep.toFixed(1)} 小时${eff != null ? `，睡眠效率 ${Math.round(eff)}%` : ''}`);
  }
  if (lines.length === 0) return null;
  const who = memberName ? `以下是家庭成员「${memberName}」的健康数据（用户正在为其咨询）：` : '以下是用户的健康数据：';
  return [who, ...lines].join('\n');
};

export type PromptInput = {
  kind: ChatKind;
  message: string;
  context: Record<string, unknown> | null;
  health: HealthSnapshot | null;
  memberName: string | null;
  history: Turn[];
  /** Extra system instructions of the request (e.g. the structure the REST advice routes parse). */
  instructions?: string | null;
};

/**
 * System prompt, what we know of the person, the client's context, recent turns, and finally
 * the user's message exactly as typed.
 */
export const buildMessages = (p: PromptInput): ChatCompletionMessageParam[] => {
  const personal = p.kind !== 'general';
  const messages: ChatCompletionMessageParam[] = [{ role: 'system', content: personal ? HEALTH_SYSTEM_PROMPT : GENERAL_SYSTEM_PROMPT }];
  const health = personal && p.health ? describeHealth(p.health, p.memberName) : null;
  if (health) messages.push({ role: 'system', content: health });
  if (p.instructions) messages.push({ role: 'system', content: p.instructions });
  if (p.context && Object.keys(p.context).length > 0) {
    messages.push({ role: 'system', content: `客户端提供的用户当前状态（JSON）：${JSON.stringify(p.context)}` });
  }
  for (const turn of p.history) messages.push({ role: turn.role, content: turn.content });
  messages.push({ role: 'user', content: p.message });
  return messages;
};
