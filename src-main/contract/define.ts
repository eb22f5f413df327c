import type { z } from 'zod';

/** A request: the renderer sends `input` (checked by the schema in main) and gets a `Result<Output>` back. */
export interface RequestSpec<Input extends z.ZodType, Output> {
  readonly input: Input;
  /** Phantom: carries the output type only. */
  readonly output?: Output;
}

/** An event pushed from main to the renderer; the payload is a plain serialisable value. */
export interface EventSpec<Payload> {
  readonly payload?: Payload;
}

/** `request<Output>()(inputSchema)`: curried so the output type is explicit and the input inferred. */
export function request<Output>() {
  return <Input extends z.ZodType>(input: Input): RequestSpec<Input, Output> => ({ input });
}

export function event<Payload>(): EventSpec<Payload> {
  return {};
}
