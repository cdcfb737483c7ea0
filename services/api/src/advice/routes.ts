import { randomUUID } from 'node:crypto';
import { loadHealthSnapshot, type Queryable } from '@aurawell/db';
import type { TokenService } from '@aurawell/platform';
import { envelopeOf, storableText } from '@aurawell/protocol';
import { z } from 'zod';
import type { GenerationClient } from '../generations/client';
import { endpoint, type Endpoint } from '../http/endpoint';
import { sendSuccess } from '../http/envelope';
import { HttpError } from '../http/errors';
import { bodyMetrics, type BodyMetrics } from './body-metrics';
import { GENERIC_ADVICE, parseSections, placeholderSection, SECTIONS, type AdviceSection, type SectionKey } from './sections';

export type AdviceDeps = { tokens: TokenService; pool: Queryable; generations: GenerationClient; config: { CHAT_TIMEOUT_MS: number } };

export const ComprehensiveAdviceRequest = z.object({
  // Both end up in the question the model reads: bounded so the question stays within MAX_MESSAGE_CHARS.
  goal_type: storableText.pipe(z.string().max(100)).nullish(),
  duration_weeks: z.int().min(1).max(52).nullish(),
  special_requirements: z.array(storableText.pipe(z.string().max(150))).max(10).nullish(),
});
const AdviceSectionSchema = z.object({ title: z.string(), content: z.string(), recommendations: z.array(z.string()), metrics: z.record(z.string(), z.unknown()) });
const ComprehensiveAdviceData = z.object({
  advice: z.object(Object.fromEntries(SECTIONS.map((s) => [s.key, AdviceSectionSchema])) as Record<SectionKey, typeof AdviceSectionSchema>),
  summary: z.string().nullable(),
  generated_at: z.string(),
  user_id: z.string(),
});
export const QuickAdviceQuery = z.object({ topic: z.string() });
const QUICK_TOPICS = ['diet', 'exercise', 'weight', 'sleep', 'mental'] as const;
type QuickTopic = (typeof QUICK_TOPICS)[number];
const QUICK_FALLBACK = '保持均衡饮食、规律运动和充足睡眠，是健康生活的基础；如有不适，请咨询专业医生。';

const metricsLine = (m: BodyMetrics) =>
  `用户身体指标：年龄 ${m.age} 岁，性别 ${m.gender}，身高 ${m.heightCm} cm，体重 ${m.weightKg} kg，BMI ${m.bmi}（${m.bmiCategory}），` +
  `基础代谢 ${m.bmr} 千卡/天，每日总消耗约 ${m.tdee} 千卡，活动水平 ${m.activityLevel}，理想体重 ${m.idealWeightKg[0]}–${m.idealWeightKg[1]} kg。`;

const formatInstructions = (keys: SectionKey[], m: BodyMetrics) =>
  [
    metricsLine(m),
    `请严格按以下格式回答，共 ${keys.length} 个部分，每部分以 "### 标题" 开头：`,
    ...SECTIONS.filter((s) => keys.includes(s.key)).map((s) => `### ${s.title}`),
    '每部分先用一两句话概述，再用 "- " 开头列出 3 到 5 条具体、可执行的建议。',
  ].join('\n');

/** One advice generation through the shared worker; its text, or null when it did not finish. */
const adviseOnce = async (deps: AdviceDeps, userId: string, message: string, instructions: string, maxTokens: number): Promise<string | null> => {
  const result = await deps.generations.follow(
    { userId, kind: 'advice', message, context: null, conversationId: `advice_${randomUUID()}`, newConversation: false, activeMemberId: null, requestId: null, instructions, maxTokens, persist: false },
    () => {},
    { timeoutMs: deps.config.CHAT_TIMEOUT_MS },
  );
  return result !== 'too_many' && result.status === 'done' ? result.text : null;
};

/** Five sections: parsed from the answer, the missing ones asked for once more, then placeholders. */
const comprehensiveAdvice = async (deps: AdviceDeps, userId: string, request: string, m: BodyMetrics) => {
  const all = SECTIONS.map((s) => s.key);
  const text = await adviseOnce(deps, userId, request, formatInstructions(all, m), 2048);
  if (text === null) return { advice: GENERIC_ADVICE, summary: null };
  const sections = parseSections(text);
  const missing = all.filter((k) => !sections[k]);
  if (missing.length > 0) {
    const retry = await adviseOnce(deps, userId, request, formatInstructions(missing, m), 1024);
    if (retry !== null) Object.assign(sections, Object.fromEntries(Object.entries(parseSections(retry)).filter(([k]) => missing.includes(k as SectionKey))));
  }
  const advice = Object.fromEntries(all.map((k) => [k, sections[k] ?? placeholderSection(k)])) as Record<SectionKey, AdviceSection>;
  const preamble = text.split(/^###\s+/m)[0]?.trim();
  return { advice, summary: preamble ? preamble : null };
};

const quickPrompt = (topic: QuickTopic, m: BodyMetrics): string =>
  ({
    diet: `我的 BMI 是 ${m.bmi}（${m.bmiCategory}），请给我今天的饮食建议。`,
    exercise: '请给我今天的运动建议。',
    weight: `我现在的体重是 ${m.weightKg} 公斤，请给我体重管理的建议。`,
    sleep: '请给我改善睡眠的建议。',
    mental: '请给我保持心理健康的建议。',
  })[topic];

/** Routes 22 and 23: health advice from the model, personalised with the stored profile. */
export const adviceRoutes = (deps: AdviceDeps): Endpoint[] => [
  endpoint(deps.tokens, {
    method: 'post',
    path: '/api/v1/health/advice/comprehensive',
    summary: 'Comprehensive advice in five sections (diet, exercise, weight, sleep, mental health)',
    tag: 'health',
    auth: true,
    body: ComprehensiveAdviceRequest,
    response: envelopeOf(ComprehensiveAdviceData),
    handle: async ({ res, userId, body }) => {
      const metrics = bodyMetrics((await loadHealthSnapshot(deps.pool, userId, 1)).profile);
      const weeks = body.duration_weeks ?? 4;
      const extras = body.special_requirements?.length ? `特殊要求：${body.special_requirements.join('；')}。` : '';
      const request = `我的目标是 ${body.goal_type ?? 'general_wellness'}，计划周期 ${weeks} 周。${extras}请给我全面的健康建议。`;
      const { advice, summary } = await comprehensiveAdvice(deps, userId, request, metrics);
      sendSuccess(res, 'Comprehensive health advice generated successfully', { advice, summary, generated_at: new Date().toISOString(), user_id: userId });
    },
  }),
  endpoint(deps.tokens, {
    method: 'post',
    path: '/api/v1/health/advice/quick',
    summary: 'A short piece of advice on one topic',
    tag: 'health',
    auth: true,
    query: QuickAdviceQuery,
    response: envelopeOf(z.object({ topic: z.string(), advice: z.string(), generated_at: z.string(), user_id: z.string() })),
    errors: [400],
    handle: async ({ res, userId, query }) => {
      if (!(QUICK_TOPICS as readonly string[]).includes(query.topic)) throw new HttpError(400, `Unsupported topic: ${query.topic.slice(0, 50)}`);
      const topic = query.topic as QuickTopic;
      const metrics = bodyMetrics((await loadHealthSnapshot(deps.pool, userId, 1)).profile);
      const text = await adviseOnce(deps, userId, quickPrompt(topic, metrics), '请用 100 字以内给出简洁、具体的建议。', 512);
      sendSuccess(res, 'Quick health advice generated successfully', { topic, advice: text?.trim() || QUICK_FALLBACK, generated_at: new Date().toISOString(), user_id: userId });
    },
  }),
];
