import type { Request, Response } from 'express';

/**
 * Answers one page of `items` (`skip`/`take` query parameters, `take` at most `pageSize`) and, when more
 * follow, a `Link: <...>; rel="next"` header with the absolute URL of the next page.
 */
export const answerPage = <T>(
  req: Request,
  res: Response,
  items: T[],
  pageSize: number,
  baseUrl: string,
): void => {
  const skip = Math.max(0, Number.parseInt(String(req.query.skip ?? '0'), 10) || 0);
  const take = Math.min(
    pageSize,
    Math.max(1, Number.parseInt(String(req.query.take ?? pageSize), 10) || pageSize),
  );
  if (skip + take < items.length) {
    const next = new URL(req.originalUrl, baseUrl);
    next.searchParams.set('skip', String(skip + take));
    next.searchParams.set('take', String(take));
    res.setHeader('Link', `<${next.toString()}>; rel="next"`);
  }
  res.json(items.slice(skip, skip + take));
};
