/**
 * Deterministic answer text and its tokenisation. The same last user message (and
 * thinking flag) always yields the same tokens, so tests can predict exactly what a
 * relay should deliver. The text deliberately contains what careless relays break:
 * whitespace-only tokens, leading spaces, newlines, markdown, quotes, backslashes and
 * emoji outside the BMP.
 */
import { uniformFloat64 } from 'pure-rand/distribution/uniformFloat64';
import { mersenne } from 'pure-rand/generator/mersenne';
import { stripDirectives } from './faults';

export const DEFAULT_ANSWER_TOKENS = 120;
/** Guards memory: a typo like tokens=1e9 must not build a gigantic answer. */
export const MAX_ANSWER_TOKENS = 50_000;

export interface SimulatedAnswerOptions {
  thinking?: boolean;
  answerTokens?: number;
  /**
   * Section headings the request asked for (`### …` lines in its system messages): the answer
   * follows that structure, as an instruction-following model would. Length then follows the
   * structure, not `answerTokens`.
   */
  headings?: string[];
  /** The content is the user's message, directives removed and trimmed (the `echo` directive). */
  echo?: boolean;
}

export interface SimulatedAnswer {
  reasoning: string[];
  content: string[];
}

/** A piece of text: free text is split at PRNG-chosen points, forced text is exactly one token. */
type Piece = string | { forced: string };
const forced = (text: string): Piece => ({ forced: text });

const DISCLAIMER = '（本回答由 AuraWell DeepSeek 模拟器生成，仅用于开发和测试，并非真实模型的输出。）';
/** Always present: ASCII quotes, a backslash and other ASCII punctuation. */
const SHRUG = '别给自己太大压力 ¯\\_(ツ)_/¯，偶尔没做到也没关系，明天 "再试一次" 就好。';

const INTROS = [
  '关于“{q}”，先别太担心，这类情况在日常生活中很常见。',
  '你提到“{q}”，我们可以从作息、饮食和运动几个方面一起看看。',
  '针对“{q}”这个问题，下面是一些通用的健康建议。',
  '谢谢你分享“{q}”的情况，先从生活方式上做些小调整会很有帮助。',
];

const BODY = [
  '规律作息很重要，尽量每天在同一时间上床和起床。',
  '睡前一小时尽量放下手机，屏幕蓝光会推迟入睡。',
  '卧室保持安静、昏暗和稍凉爽，更容易进入深睡眠。',
  '午睡控制在 20 分钟以内，避免影响夜间睡眠。',
  '饮食上多吃蔬菜、水果和全谷物，少吃高油高糖的加工食品。',
  '晚餐七八分饱即可，睡前 3 小时内尽量不再进食。',
  '每餐搭配一些优质蛋白，比如鸡蛋、豆制品或鱼肉。',
  '下午以后少喝咖啡和浓茶，咖啡因的影响可能持续 6 小时以上。',
  '每周累计 150 分钟中等强度运动，比如快走、骑车或游泳。',
  '久坐一小时就起来活动 5 分钟，伸展一下肩颈和腰背。',
  '运动前后做好热身和拉伸，循序渐进，不要一开始就追求强度。',
  '如果时间紧张，可以把运动拆成几次 10 分钟的小段。',
  '感到压力大时，试试 4-7-8 呼吸法：吸气 4 秒、屏息 7 秒、呼气 8 秒。',
  '每天留出一点属于自己的时间，散步、听音乐或写日记都可以。',
  '和信任的朋友或家人聊一聊，情绪说出来往往会轻松不少。',
  '把待办事项写下来并排好优先级，能减少反复担心带来的消耗。',
  '少量多次地喝水，每天大约 1500 到 1700 毫升比较合适。',
  '早上起床后先喝一杯温水，补充夜间流失的水分。',
  '运动出汗多时要及时补水，必要时补充一些电解质。',
  '尿液呈淡黄色，通常说明饮水量基本够了。',
];

const EXTRA_BULLETS = [
  '- 💪 **运动**：每周至少 3 次、每次 30 分钟',
  '- 💧 **补水**：每天约 1.5–1.7 升水，少量多次',
  '- 🧘 **放松**：睡前做 10 分钟深呼吸或拉伸',
];

const CLOSINGS = [
  '如果症状持续两周以上或明显加重，请及时就医，听取专业医生的意见。',
  '以上只是一般性建议，不能替代医生的诊断和治疗。',
  '坚持几周再观察变化，记得对自己耐心一点。',
];

const REASONING = [
  '常见的影响因素有作息、饮食、运动和情绪压力。',
  '回答要具体、可执行，语气温和一些。',
  '不能替代医生诊断，如果情况持续需要建议就医。',
  '可以用要点列表把建议整理清楚。',
  '嗯，先给出总体判断，再分条说明。',
];

/** Answer tokens for a message; see the module comment for the guarantees. */
export function simulatedAnswer(lastUserMessage: string, opts: SimulatedAnswerOptions = {}): SimulatedAnswer {
  const thinking = opts.thinking === true;
  const rng = createRng(hashString(`${thinking ? 'T' : 'F'}\u0000${lastUserMessage}`));
  const quote = quoteOf(lastUserMessage);
  const reasoning = thinking ? tokenise(reasoningPieces(quote, rng), undefined, rng) : [];
  if (opts.echo) return { reasoning, content: tokenise([toWellFormed(stripDirectives(lastUserMessage)).trim()], undefined, rng) };
  if (opts.headings && opts.headings.length > 0) {
    return { reasoning, content: tokenise(sectionPieces(quote, opts.headings, rng), undefined, rng) };
  }
  const target = clampTokens(opts.answerTokens ?? DEFAULT_ANSWER_TOKENS);
  const content = tokenise(contentPieces(quote, target, rng), target, rng).slice(0, target);
  return { reasoning, content };
}

/** An answer in the requested `### ` sections, each with a sentence and three bullets. */
function sectionPieces(quote: string, headings: string[], rng: () => number): Piece[] {
  const pieces: Piece[] = [pick(INTROS, rng).replace('{q}', quote)];
  const sentences = shuffle(BODY, rng);
  headings.forEach((heading, i) => {
    pieces.push(forced('\n\n'), forced('### '), heading, forced('\n'), sentences[i % sentences.length] ?? '');
    for (const bullet of shuffle(EXTRA_BULLETS, rng).slice(0, 3)) pieces.push(forced('\n'), bullet);
  });
  pieces.push(forced('\n\n'), DISCLAIMER);
  return pieces;
}

function clampTokens(n: number): number {
  if (!Number.isFinite(n) || n < 0) return DEFAULT_ANSWER_TOKENS;
  return Math.min(Math.floor(n), MAX_ANSWER_TOKENS);
}

function reasoningPieces(quote: string, rng: () => number): Piece[] {
  const picked = shuffle(REASONING, rng).slice(0, 2);
  return [`用户提到“${quote}”，我先想想可能和哪些生活习惯有关。`, ...picked];
}

/**
 * Paragraph 1 (intro + fillers), a bullet list, closing advice, then the disclaimer.
 * Filler sentences are added until there are ~2.5 code points per wanted token, so the
 * PRNG has room to pick token sizes across the whole 1–4 range.
 */
function contentPieces(quote: string, target: number, rng: () => number): Piece[] {
  const intro = pick(INTROS, rng).replace('{q}', quote);
  const bullets = bulletPieces(rng);
  const closing = pick(CLOSINGS, rng);
  const fillers = shuffle(BODY, rng);
  const skeleton = [intro, ...bullets, closing, SHRUG, DISCLAIMER];
  const forcedCount = skeleton.filter((p) => typeof p !== 'string').length + 3;
  const wanted = 2.5 * (target - forcedCount);
  let free = skeleton.reduce((sum, p) => sum + (typeof p === 'string' ? codePoints(p).length : 0), 0);
  const chosen: string[] = [];
  for (let i = 0; free < wanted; i++) {
    const sentence = fillers[i % fillers.length] ?? '';
    chosen.push(sentence);
    free += codePoints(sentence).length;
  }
  const early = chosen.slice(0, 2).join('');
  const late = chosen.slice(2).join('');
  const para = forced('\n\n');
  return [intro + early, para, ...bullets, para, late + closing + SHRUG, para, DISCLAIMER];
}

/** The list: a heading ending in a markdown hard break ("  " + "\n"), then three bullets. */
function bulletPieces(rng: () => number): Piece[] {
  const sleep: Piece[] = ['- 😴 **睡眠**：每晚睡够', forced(' 7'), '–9 小时，周末也别补觉太多'];
  const diet: Piece[] = ['- 🥦 **饮食**：蔬菜水果约占每餐的 50%，少油少盐'];
  const extra: Piece[] = [pick(EXTRA_BULLETS, rng)];
  const items = shuffle([sleep, diet, extra], rng);
  const out: Piece[] = ['**建议要点**：', forced('  '), forced('\n')];
  items.forEach((item, i) => {
    if (i > 0) out.push(forced('\n'));
    out.push(...item);
  });
  return out;
}

/**
 * Splits pieces into tokens of 1–4 code points (never inside a surrogate pair). With a
 * target, the free text gets exactly `target - forced` tokens when that is feasible,
 * otherwise as close as the 1–4 size bounds allow.
 */
function tokenise(pieces: Piece[], target: number | undefined, rng: () => number): string[] {
  const segments = mergeFree(pieces);
  const freeLens = segments.filter((s) => typeof s === 'string').map((s) => codePoints(s as string).length);
  const forcedCount = segments.length - freeLens.length;
  const total = freeLens.reduce((a, b) => a + b, 0);
  const wanted = target === undefined ? Math.round(total / 2.5) : target - forcedCount;
  const counts = splitCounts(freeLens, wanted, rng);
  const tokens: string[] = [];
  let next = 0;
  for (const segment of segments) {
    if (typeof segment !== 'string') tokens.push(segment.forced);
    else tokens.push(...chunk(codePoints(segment), counts[next++] ?? 1, rng));
  }
  return tokens;
}

/** Joins adjacent free strings and drops empty ones so every segment gets >= 1 token. */
function mergeFree(pieces: Piece[]): Piece[] {
  const out: Piece[] = [];
  for (const piece of pieces) {
    const last = out[out.length - 1];
    if (typeof piece === 'string' && piece === '') continue;
    if (typeof piece === 'string' && typeof last === 'string') out[out.length - 1] = last + piece;
    else out.push(piece);
  }
  return out;
}

/** How many tokens each free segment gets: proportional to its length, within [ceil(c/4), c]. */
function splitCounts(lens: number[], wanted: number, rng: () => number): number[] {
  const mins = lens.map((c) => Math.ceil(c / 4));
  let remaining = clamp(wanted, sum(mins), sum(lens));
  let restLen = sum(lens);
  let restMin = sum(mins);
  return lens.map((c, j) => {
    restLen -= c;
    restMin -= mins[j] ?? 0;
    const lo = Math.max(mins[j] ?? 1, remaining - restLen);
    const hi = Math.min(c, remaining - restMin);
    const ideal = Math.round((c * remaining) / (c + restLen)) + Math.floor(rng() * 3) - 1;
    const k = clamp(ideal, lo, hi);
    remaining -= k;
    return k;
  });
}

/** Cuts code points into exactly `k` tokens of 1–4 code points with random sizes. */
function chunk(cps: string[], k: number, rng: () => number): string[] {
  const out: string[] = [];
  let pos = 0;
  for (let left = k; left > 0; left--) {
    const rest = cps.length - pos;
    const lo = Math.max(1, rest - 4 * (left - 1));
    const hi = Math.min(4, rest - (left - 1));
    const size = lo + Math.floor(rng() * (hi - lo + 1));
    out.push(cps.slice(pos, pos + size).join(''));
    pos += size;
  }
  return out;
}

/** The user's words, short and single-line, safe to quote back (no directives, no lone surrogates). */
function quoteOf(message: string): string {
  const plain = toWellFormed(stripDirectives(message)).replace(/\s+/g, ' ').trim();
  const cps = codePoints(plain);
  if (cps.length === 0) return '身体状况';
  return cps.length > 12 ? `${cps.slice(0, 12).join('')}…` : plain;
}

/** Replaces lone surrogates, which would otherwise end up in a token. */
export function toWellFormed(text: string): string {
  return text.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD');
}

function codePoints(text: string): string[] {
  return Array.from(text);
}

/** FNV-1a: tiny, stable across Node versions, good enough to seed the PRNG. */
export function hashString(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/**
 * A seeded PRNG returning floats in [0, 1), the same for a seed on every Node: pure-rand's Mersenne
 * Twister, whose seeding mixes a 32-bit seed (its xoroshiro128+ puts the seed straight into the
 * state, so the first values follow the seed: near 0 or 1 for every one).
 */
export function createRng(seed: number): () => number {
  const rng = mersenne(seed);
  return () => uniformFloat64(rng);
}

function pick<T>(items: readonly T[], rng: () => number): T {
  return items[Math.floor(rng() * items.length)] as T;
}

function shuffle<T>(items: readonly T[], rng: () => number): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

function sum(values: number[]): number {
  return values.reduce((a, b) => a + b, 0);
}

function clamp(n: number, lo: number, hi: number): number {
  return Math.max(lo, Math.min(hi, n));
}
