/**
 * What a platform adapter provides to the delivery engine (`./provider`), and what the engine hands
 * it: the destination as read (`Current`), and one create or update (`Job`) whose steps the adapter
 * reports as it completes them. An adapter (`components/platforms/{render,fly,railway}Adapter.ts`) knows
 * its platform only: what names a destination, how to read it, write changed keys, activate a
 * change and remove owned keys. Types only: nothing here is serialized.
 */
import type { DeliveryInputs, DeliveryState } from "./state";

/** What the platform holds at a destination, read before anything is written. */
export interface Current<X> {
  /** The destination's physical ID; "" when `write` is to create it (a Render group). */
  id: string;
  /** Every key the destination holds, the stack's and everyone else's. */
  keys: string[];
  /** Their values where the platform shows them (Render, Railway); undefined where it does not (Fly.io). */
  values?: Record<string, string>;
  /** What else the adapter read and needs later (a Render group's name and links, Fly.io digests). */
  detail: X;
}

/** The state of a delivery: the shared fields, the inputs that name it, the adapter's own fields. */
export type StateOf<I extends DeliveryInputs, O> = DeliveryState & Omit<I, "vars" | "secrets"> & O;

/** Where `read` looks: the destination of new inputs (a create), or the object a state points to. */
export type Lookup<I extends DeliveryInputs, O> =
  | { create: I }
  | { id: string; state: StateOf<I, O> };

/** One create or update as an adapter sees it. The adapter reports each step it completes. */
export interface Job<I extends DeliveryInputs, O, X> {
  /** The destination's physical ID ("" until `created`). */
  id: string;
  news: I;
  /** The state before this run; undefined for a create. */
  olds?: StateOf<I, O>;
  found: Current<X>;
  /** Key -> desired value, plain and secret. */
  desired: Record<string, string>;
  /** Keys to write, in order. */
  set: string[];
  /** Owned keys to remove from the destination. */
  remove: string[];
  /** The adapter's own state fields, updated by the adapter as its steps complete. */
  own: O;
  /** The destination now exists with this ID. */
  created(id: string): void;
  /** These keys now hold their desired values. */
  wrote(keys: string[]): void;
  /** These keys are gone from the destination. */
  removed(keys: string[]): void;
}

/** A platform, as the engine needs it. `A` is its API client, `O` its own state, `X` what it reads. */
export interface Adapter<I extends DeliveryInputs, O extends object, A, X> {
  /** `Render`, `Fly.io`, `Railway`. */
  platform: string;
  /** Inputs that name the destination: a change replaces the delivery. */
  replaceOn: (keyof I & string)[];
  /** Inputs an update applies besides the variables, `activation` and `adopt`. */
  updateOn: (keyof I & string)[];
  /** The adapter's own state fields with their values before the first run. */
  own: O;
  /** Own fields derived from values, which the provider returns wrapped as secret. */
  secretOwn: (keyof O & string)[];
  /** The own field that holds an activation still owed after a run that stopped part-way. */
  pendingField: keyof O & string;
  /** The API client, with the credential read from the environment now; `redact` never shows. */
  connect(redact: string[]): A;
  /** The destination as it is now; undefined when it does not exist (for a state: it is gone). */
  read(api: A, at: Lookup<I, O>): Promise<Current<X> | undefined>;
  /** The destination of a create that does not exist: empty, for `write` to create; or throws. */
  absent(news: I): Current<X>;
  /** Why creating here would take over what someone else set (then `adopt` is needed), if it would. */
  refuse(news: I, found: Current<X>): string | undefined;
  /** Names the object a state points to, and what to do after the refresh, once it is gone. */
  gone(id: string, state: StateOf<I, O>): { what: string; then: string };
  /** Writes `set` and removes `remove` (and whatever else the destination needs). */
  write(api: A, job: Job<I, O, X>): Promise<void>;
  /** Performs the activation still owed, if any, clearing it as it goes. */
  activate(api: A, job: Job<I, O, X>): Promise<void>;
  /** A refresh: own fields as read, and owned keys whose value changed where values are unreadable. */
  refresh?(state: StateOf<I, O>, found: Current<X>): { props?: Partial<O & I>; stale?: string[] };
  /** Removes the owned keys the destination still holds (`keys`), and what the stack made there. */
  remove(
    api: A,
    at: { id: string; state: StateOf<I, O>; found: Current<X>; keys: string[] },
  ): Promise<void>;
}
