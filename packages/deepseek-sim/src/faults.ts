/**
 * Fault directives: `[[sim:...]]` markers inside the last user message (or the uploaded audio)
 * and `[[tts:...]]` markers inside a speech request's input, which make the simulator misbehave
 * on purpose, so fault-injection tests need no extra plumbing. Same syntax whatever the prefix;
 * documented in the package README.
 */

/** What the directives of one message ask for. Absent fields mean "behave normally". */
export interface FaultPlan {
  /** Answer with this HTTP error status instead of a completion. */
  status?: number;
  /** With `status`: only the first N requests carrying the same message fail. */
  times?: number;
  /** Send `: keep-alive` SSE comments for this many ms before the first token. */
  keepaliveMs?: number;
  /** Destroy the socket after this many content tokens. */
  cutAfter?: number;
  /** End the response cleanly (no finish_reason, no [DONE]) after this many content tokens. */
  endAfter?: number;
  /** Send the headers, then nothing at all. */
  hang: boolean;
  /** End the answer with this `finish_reason` instead of `stop`/`length`. */
  finishReason?: FinishReason;
  tokensPerSecond?: number;
  firstTokenDelayMs?: number;
  answerTokens?: number;
  /** Answer with the user's message itself (directives removed): a test chooses the answer's text. */
  echo: boolean;
  /** Items that were not understood; reported in logs rather than failing the request. */
  problems: string[];
}

export const FINISH_REASONS = ['stop', 'length', 'content_filter', 'insufficient_system_resource'] as const;
export type FinishReason = (typeof FINISH_REASONS)[number];

/** The chat route's prefix: `[[sim:...]]`. */
export const SIM_PREFIX = 'sim';

const directivePatterns = new Map<string, RegExp>();

/** `[[PREFIX:items]]`, compiled once per prefix (a global regex: matchAll and replace reset it). */
function directivePattern(prefix: string): RegExp {
  let pattern = directivePatterns.get(prefix);
  if (pattern === undefined) {
    const escaped = prefix.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    pattern = new RegExp(`\\[\\[${escaped}:([^\\]]*)\\]\\]`, 'g');
    directivePatterns.set(prefix, pattern);
  }
  return pattern;
}

/** Parses every `[[PREFIX:...]]` directive in `text`; later directives win over earlier ones. */
export function parseFaults(text: string, prefix = SIM_PREFIX): FaultPlan {
  const plan: FaultPlan = { hang: false, echo: false, problems: [] };
  for (const match of text.matchAll(directivePattern(prefix))) {
    for (const item of (match[1] ?? '').split(',')) {
      const trimmed = item.trim();
      if (trimmed !== '') applyItem(plan, trimmed);
    }
  }
  return plan;
}

/** Removes the directives, e.g. before quoting the user's words back in an answer. */
export function stripDirectives(text: string, prefix = SIM_PREFIX): string {
  return text.replace(directivePattern(prefix), '');
}

function applyItem(plan: FaultPlan, item: string): void {
  const eq = item.indexOf('=');
  const key = (eq === -1 ? item : item.slice(0, eq)).trim().toLowerCase();
  const raw = eq === -1 ? undefined : item.slice(eq + 1).trim();
  if ((key === 'hang' || key === 'echo') && raw === undefined) {
    plan[key] = true;
    return;
  }
  if (key === 'finish' && raw !== undefined && (FINISH_REASONS as readonly string[]).includes(raw)) {
    plan.finishReason = raw as FinishReason;
    return;
  }
  const value = raw === undefined ? undefined : Number(raw);
  if (value === undefined || raw === '' || !Number.isFinite(value)) {
    plan.problems.push(item);
    return;
  }
  if (!assignNumber(plan, key, value)) plan.problems.push(item);
}

/** Directive keys that take a non-negative integer, and the plan field each one sets. */
const COUNT_KEYS = {
  times: 'times',
  keepalive: 'keepaliveMs',
  cut: 'cutAfter',
  end: 'endAfter',
  delay: 'firstTokenDelayMs',
  tokens: 'answerTokens',
} as const;

/** Returns false when the key is unknown or the value is out of range for it. */
function assignNumber(plan: FaultPlan, key: string, value: number): boolean {
  if (key === 'status') {
    if (!Number.isInteger(value) || value < 400 || value > 599) return false;
    plan.status = value;
    return true;
  }
  if (key === 'tps') {
    if (value <= 0) return false;
    plan.tokensPerSecond = value;
    return true;
  }
  if (!Object.hasOwn(COUNT_KEYS, key) || !Number.isInteger(value) || value < 0) return false;
  plan[COUNT_KEYS[key as keyof typeof COUNT_KEYS]] = value;
  return true;
}

/**
 * Counts requests per distinct message for `status=CODE,times=N`. Bounded so a long
 * load test with unique messages cannot grow it without limit (oldest entries go first).
 */
export class FaultCounter {
  private readonly counts = new Map<string, number>();

  constructor(private readonly limit = 10_000) {}

  /** Records one more request with this message and returns how many there have been. */
  hit(message: string): number {
    const next = (this.counts.get(message) ?? 0) + 1;
    this.counts.delete(message);
    this.counts.set(message, next);
    if (this.counts.size > this.limit) {
      const oldest = this.counts.keys().next();
      if (!oldest.done) this.counts.delete(oldest.value);
    }
    return next;
  }
}

/** The error status this request must get, or null when it should succeed. */
export function statusFaultFor(plan: FaultPlan, message: string, counter: FaultCounter): number | null {
  return effectivePlan(plan, message, counter).status ?? null;
}

/**
 * The plan this request follows: with `times=N`, only the first N requests carrying the same
 * message misbehave (any fault: status, keepalive, cut, end, hang); later ones are served
 * normally, keeping only the pace overrides.
 */
export function effectivePlan(plan: FaultPlan, message: string, counter: FaultCounter): FaultPlan {
  if (plan.times === undefined) return plan;
  if (counter.hit(message) <= plan.times) return plan;
  const { tokensPerSecond, firstTokenDelayMs, answerTokens, echo, problems } = plan;
  return { hang: false, echo, problems, tokensPerSecond, firstTokenDelayMs, answerTokens };
}
