/**
 * `map.set(key, value)` that keeps `map` at most `max` entries, dropping the oldest insertion
 * first: the per-process caches of the request path, where an LRU's bookkeeping would cost
 * more than the occasional miss it saves.
 */
export function setBounded<K, V>(map: Map<K, V>, key: K, value: V, max: number): void {
  if (map.size >= max && !map.has(key)) {
    const oldest = map.keys().next();
    if (!oldest.done) map.delete(oldest.value);
  }
  map.set(key, value);
}
