import {
  AppError,
  isAppError,
  isRequestName,
  requests,
  toErrorInfo,
  type ParsedInput,
  type RequestName,
  type RequestOutput,
  type Result,
} from '../contract/index.ts';

/** Who sent a request, as judged by the transport (frame origin in Electron, token + Origin on the socket). */
export interface CallContext {
  trusted: boolean;
  origin: string;
}

/** The handler table: one entry per request of the contract, so a missing handler fails `tsc`. */
export type Handlers = {
  [K in RequestName]: (input: ParsedInput<K>, ctx: CallContext) => Promise<RequestOutput<K>> | RequestOutput<K>;
};

/** Part of the table for one domain, for `satisfies` in each ipc/<domain>.ts. */
export type DomainHandlers<D extends string> = {
  [K in RequestName as K extends `${D}:${string}` ? K : never]: Handlers[K];
};

export type Dispatch = (channel: unknown, input: unknown, ctx: CallContext) => Promise<Result<unknown>>;

/** The one wrapper every request goes through: sender check, schema parse, call, result envelope. */
export function createDispatcher(handlers: Handlers, onError?: (channel: string, error: unknown) => void): Dispatch {
  return async (channel, input, ctx) => {
    try {
      if (!ctx.trusted)
        throw new AppError('E_FORBIDDEN', `Request refused: sender ${ctx.origin || '(unknown)'} is not this app.`);
      if (!isRequestName(channel)) throw new AppError('E_INVALID_INPUT', `Unknown request "${String(channel)}".`);
      const parsed = requests[channel].input.safeParse(input);
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        const where = issue?.path.length ? ` at ${issue.path.join('.')}` : '';
        throw new AppError('E_INVALID_INPUT', `Invalid input for ${channel}${where}: ${issue?.message ?? 'rejected'}.`);
      }
      const handler = handlers[channel] as (input: unknown, ctx: CallContext) => unknown;
      const value = await handler(parsed.data, ctx);
      return { ok: true, value };
    } catch (error) {
      const info = toErrorInfo(error);
      if (isAppError(error)) return { ok: false, error: info };
      onError?.(String(channel), error);
      return { ok: false, error: { ...info, message: `Something went wrong inside Understudy: ${info.message}` } };
    }
  };
}
