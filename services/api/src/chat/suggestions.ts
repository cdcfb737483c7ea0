import type { FollowUps, HealthSuggestion, QuickReply } from '@aurawell/db';

/** Route 6's follow-up cards and quick replies, and route 9's prompt templates (static content). */

type Rule = { keywords: string[]; followUps: FollowUps };

const card = (title: string, content: string, action: string, actionText: string): HealthSuggestion => ({
  title,
  content,
  action,
  action_text: actionText,
});
const replies = (...texts: string[]): QuickReply[] => texts.map((text) => ({ text }));

/** First matching group wins, as in the original. */
const RULES: Rule[] = [
  {
    keywords: ['减重', '减肥', '瘦身'],
    followUps: {
      suggestions: [
        card('科学减重的原理', '每周减重 0.5–1 公斤较为安全：适度的热量缺口，加上力量训练保住肌肉。', 'learn_more', '了解更多'),
        card('查看减重计划', '根据您的身体数据生成循序渐进的饮食与运动计划。', 'view_plan', '查看计划'),
      ],
      quick_replies: replies('我每天应该摄入多少热量？', '有哪些适合减脂的运动？', '晚餐怎么吃更健康？', '帮我制定一周减重计划'),
    },
  },
  {
    keywords: ['睡眠', '失眠', '睡觉'],
    followUps: {
      suggestions: [
        card('睡眠卫生小知识', '固定作息、睡前一小时远离屏幕、卧室保持安静凉爽，都有助于入睡。', 'learn_more', '了解更多'),
        card('试试 4-7-8 呼吸法', '吸气 4 秒、屏气 7 秒、呼气 8 秒，重复 4 次，帮助身体放松。', 'try_technique', '开始练习'),
      ],
      quick_replies: replies('怎样才能更快入睡？', '午睡多久比较合适？', '半夜醒来怎么办？', '分析一下我最近的睡眠'),
    },
  },
  {
    keywords: ['运动', '锻炼', '健身'],
    followUps: {
      suggestions: [
        card('制定运动计划', '结合有氧、力量和柔韧训练，每周至少 150 分钟中等强度运动。', 'create_plan', '制定计划'),
        card('运动前后的注意事项', '运动前热身 5–10 分钟，运动后拉伸并及时补充水分。', 'learn_more', '了解更多'),
      ],
      quick_replies: replies('新手适合哪些运动？', '每周运动几次比较好？', '运动后肌肉酸痛怎么办？', '帮我安排本周的锻炼'),
    },
  },
];

/** The follow-ups of the first rule whose keywords appear in the user's message (none: empty lists). */
export const followUpsFor = (message: string): FollowUps =>
  RULES.find((r) => r.keywords.some((k) => message.includes(k)))?.followUps ?? { suggestions: [], quick_replies: [] };

/** Route 9: eight short prompt templates. */
export const CHAT_SUGGESTIONS = [
  '帮我制定一个科学的减重计划',
  '如何改善我的睡眠质量？',
  '分析一下我最近的运动数据',
  '给我一些日常饮食的营养建议',
  '怎样养成健康的作息习惯？',
  '我的静息心率正常吗？代表什么？',
  '为我设计一个适合新手的健身计划',
  '工作压力大，有什么缓解的方法？',
];

/** What the user sees when the model could not answer (route 6 still answers 200). */
export const APOLOGY_REPLY = '抱歉，AI 健康助手暂时无法回答您的问题，请稍后再试。';
