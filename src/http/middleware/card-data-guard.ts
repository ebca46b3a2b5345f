import type { RequestHandler } from 'express';
import { ApiError } from '../errors/api-error';
import { hasQueryString } from '../edge/request-shape';

const CANDIDATE = /(?:\d[ -]?){12,18}\d/g;

const luhnValid = (digits: string): boolean => {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let digit = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
  }
  return sum % 10 === 0;
};

/** True when the text holds 13 to 19 digits (spaces or dashes allowed) that pass the Luhn check. */
export const containsCardNumber = (text: string): boolean =>
  (text.match(CANDIDATE) ?? []).some((candidate) => {
    const digits = candidate.replace(/[ -]/g, '');
    return digits.length >= 13 && digits.length <= 19 && luhnValid(digits);
  });

const findCardNumber = (value: unknown, path: string, depth = 0): string | undefined => {
  if (depth > 16) return undefined;
  if (typeof value === 'string') return containsCardNumber(value) ? path : undefined;
  if (typeof value === 'number') return containsCardNumber(String(value)) ? path : undefined;
  if (value && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      const found = findCardNumber(item, path ? `${path}.${key}` : key, depth + 1);
      if (found) return found;
    }
  }
  return undefined;
};

/**
 * EdgePay never handles full card numbers: the terminal keeps them with its bank. A request that carries
 * one anywhere (body or query) is refused before anything stores or logs it.
 */
export const cardDataGuard: RequestHandler = (req, _res, next) => {
  const param =
    findCardNumber(req.body, '') ?? (hasQueryString(req) ? findCardNumber(req.query, '') : undefined);
  if (param !== undefined) {
    next(
      new ApiError(
        400,
        'invalid_request_error',
        'card_data_refused',
        'full card numbers must never be sent to EdgePay',
        {
          ...(param ? { param } : {}),
        },
      ),
    );
    return;
  }
  next();
};
