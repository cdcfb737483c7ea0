/** Route 22's five advice sections, parsed from the model's `### ` headed answer. */
export type AdviceSection = { title: string; content: string; recommendations: string[]; metrics: Record<string, unknown> };
export type SectionKey = 'diet' | 'exercise' | 'weight' | 'sleep' | 'mental_health';

/** The section keys, the heading word the model is asked to use, and the title the client shows. */
export const SECTIONS: { key: SectionKey; keyword: string; title: string }[] = [
  { key: 'diet', keyword: '饮食', title: '饮食建议' },
  { key: 'exercise', keyword: '运动', title: '运动计划' },
  { key: 'weight', keyword: '体重', title: '体重管理' },
  { key: 'sleep', keyword: '睡眠', title: '睡眠优化' },
  { key: 'mental_health', keyword: '心理', title: '心理健康' },
];

const BULLET = /^\s*(?:[-•*]|\d+[.、])\s+/;

const toSection = (title: string, body: string): AdviceSection => {
  const lines = body.split('\n');
  return {
    title,
    content: body.trim(),
    recommendations: lines.filter((l) => BULLET.test(l)).map((l) => l.replace(BULLET, '').trim()).filter(Boolean),
    metrics: {},
  };
};

/** Splits an answer at `### ` headings and files each block under the section its heading names. */
export const parseSections = (text: string): Partial<Record<SectionKey, AdviceSection>> => {
  const found: Partial<Record<SectionKey, AdviceSection>> = {};
  const blocks = text.split(/^###\s+/m).slice(1);
  for (const block of blocks) {
    const newline = block.indexOf('\n');
    const heading = newline === -1 ? block : block.slice(0, newline);
    const section = SECTIONS.find((s) => heading.includes(s.keyword));
    if (section && !found[section.key]) found[section.key] = toSection(section.title, newline === -1 ? '' : block.slice(newline + 1));
  }
  return found;
};

/** Said when the model gave no usable text for a section. */
export const placeholderSection = (key: SectionKey): AdviceSection => {
  const s = SECTIONS.find((x) => x.key === key)!;
  return { title: s.title, content: `暂时无法生成${s.title}，请稍后重试或咨询专业人士。`, recommendations: [], metrics: {} };
};

/** The fixed general advice given when the model cannot be reached at all. */
export const GENERIC_ADVICE: Record<SectionKey, AdviceSection> = {
  diet: { title: '饮食建议', content: '均衡饮食，多吃蔬菜水果和全谷物，控制油盐糖的摄入。', recommendations: ['每餐蔬菜约占一半', '少喝含糖饮料', '规律三餐'], metrics: {} },
  exercise: { title: '运动计划', content: '每周至少 150 分钟中等强度有氧运动，并进行 2 次力量训练。', recommendations: ['每天步行 30 分钟', '每周 2 次力量训练'], metrics: {} },
  weight: { title: '体重管理', content: '保持 BMI 在 18.5–24 之间，循序渐进地调整体重。', recommendations: ['每周称重一次', '每周变化不超过 0.5–1 公斤'], metrics: {} },
  sleep: { title: '睡眠优化', content: '每晚保证 7–9 小时睡眠，固定作息时间。', recommendations: ['睡前一小时远离屏幕', '保持卧室安静、凉爽'], metrics: {} },
  mental_health: { title: '心理健康', content: '关注情绪变化，适当放松，必要时寻求专业帮助。', recommendations: ['每天 10 分钟冥想或深呼吸', '与家人朋友多交流'], metrics: {} },
};
