/**
 * The invalidation bus of a tiered store: how one instance tells every other instance to drop
 * L1 copies. Transport-agnostic; `redisBus()` from `@routecache/core/redis` implements it on
 * Redis pub/sub. Delivery is at-most-once, so a transport that may have lost messages (it
 * reconnected) must call `reconnected`, and the tiered store then drops its whole L1.
 */

/** What an instance broadcasts after changing the shared store. */
export type BusMessage =
  | { readonly type: 'invalidate'; readonly baseKeys: readonly string[] }
  | { readonly type: 'invalidateTags'; readonly tags: readonly string[] }
  | { readonly type: 'delete'; readonly keys: readonly string[] }
  | { readonly type: 'clear' };

/** Callbacks a bus subscriber provides. */
export interface BusHandlers {
  /** A message published by another instance (a bus never echoes an instance's own messages). */
  message(message: BusMessage): void;
  /**
   * The subscription became active — first, or again after a reconnect: messages published
   * before may have been missed.
   */
  reconnected(): void;
}

/**
 * A broadcast channel between the instances sharing one L2 store.
 *
 * @example
 * ```ts
 * const bus: Bus = redisBus({ connection: { host: '127.0.0.1', port: 6379 } });
 * const unsubscribe = bus.subscribe({
 *   message: (m) => console.log('peer changed', m),
 *   reconnected: () => console.log('dropping L1'),
 * });
 * await bus.publish({ type: 'invalidate', baseKeys: ['api|users.get|{"userId":42}'] });
 * ```
 */
export interface Bus {
  /** Broadcast to every other subscribed instance. Rejects when the transport is unavailable. */
  publish(message: BusMessage): Promise<void>;
  /** Start receiving; returns the unsubscribe function. */
  subscribe(handlers: BusHandlers): () => void;
  /**
   * Optional: resolves once the subscription has been live (the first time it is; at once after
   * that), so an instance can wait before serving and hear every invalidation from then on.
   * Rejects when it does not become live in time, or when the bus is disposed first.
   */
  ready?(): Promise<void>;
  /** Close the transport's connections. */
  dispose?(): Promise<void>;
}
