// What the api's middleware leaves on `res.locals` for the handlers and for the access log.
declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    interface Locals {
      /** Set by the request-context middleware on every request. */
      requestId: string;
      /** The matched route pattern (metrics label), set when a route matches. */
      route?: string;
      /** Set by `requireAuth`. */
      userId?: string;
    }
  }
}

export {};
