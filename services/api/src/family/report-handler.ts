import type { Response } from 'express';
import type { z } from 'zod';
import { sendSuccess } from '../http/envelope';
import { HttpError } from '../http/errors';
import { familyMembers } from './store/families';
import { heightsOf, loadDayRecords, weightsBefore } from './store/metrics';
import { requirePermission } from './access';
import type { ReportQuery } from './dashboard-schemas';
import { daysBetween, parseIsoDay } from '../dates';
import type { FamilyDeps } from './family-handlers';
import { buildReport, previousPeriod } from './report';

export const MAX_REPORT_MEMBERS = 10;
/** A longer period would only be slower, and its previous period could leave the calendar. */
export const MAX_REPORT_DAYS = 366;

/** Comma-separated ids, blanks dropped, duplicates once, at most ten (400 otherwise). */
export const parseMemberIds = (text: string): string[] => {
  const ids = [...new Set(text.split(',').map((id) => id.trim()).filter((id) => id.length > 0))];
  if (ids.length === 0) throw new HttpError(400, 'At least one member ID required');
  if (ids.length > MAX_REPORT_MEMBERS) throw new HttpError(400, `At most ${MAX_REPORT_MEMBERS} member IDs allowed`);
  return ids;
};

/** The report period; 400 for a malformed date, a start after the end, or an overlong period. */
export const parsePeriod = (startText: string, endText: string): { start: string; end: string } => {
  const [start, end] = [parseIsoDay(startText), parseIsoDay(endText)];
  if (!start || !end) throw new HttpError(400, 'Invalid date format, expected YYYY-MM-DD');
  if (start > end) throw new HttpError(400, 'start_date must not be after end_date');
  if (daysBetween(start, end) + 1 > MAX_REPORT_DAYS) throw new HttpError(400, `The report period must not exceed ${MAX_REPORT_DAYS} days`);
  return { start, end };
};

type ReportCtx = { res: Response; userId: string; params: { family_id: string }; query: z.output<typeof ReportQuery> };

/** Route 45: 403 (membership) → 400 (members, dates, ids outside the family) → the report. */
export const generateReport =
  ({ pool, logger }: FamilyDeps) =>
  async ({ res, userId, params, query }: ReportCtx) => {
    await requirePermission(pool, params.family_id, userId, 'view_all_data', 'Insufficient permissions to generate family report');
    const memberIds = parseMemberIds(query.members);
    const { start, end } = parsePeriod(query.start_date, query.end_date);
    const members = await familyMembers(pool, params.family_id);
    const stranger = memberIds.find((id) => !members.some((m) => m.user_id === id));
    if (stranger !== undefined) throw new HttpError(400, `Member ${stranger} is not in this family`);
    const previous = previousPeriod(start, end);
    const [records, earlierWeights, heights] = await Promise.all([
      loadDayRecords(pool, memberIds, previous.start, end),
      weightsBefore(pool, memberIds, previous.start),
      heightsOf(pool, memberIds),
    ]);
    const names = new Map(members.map((m) => [m.user_id, m.display_name ?? m.username]));
    const report = buildReport({ memberIds, start, end, callerId: userId, now: new Date(), records, earlierWeights, heights, names });
    logger.info({ familyId: params.family_id, userId, members: memberIds.length, start, end }, 'family report generated');
    sendSuccess(res, 'Family health report generated successfully', report);
  };
