import { HttpError } from '../http/errors';

export const planNotFound = (): HttpError => new HttpError(404, 'Health plan not found');
export const templateNotFound = (): HttpError => new HttpError(404, 'Plan template not found');
