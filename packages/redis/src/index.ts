export {
  createRedisCacheStore,
  type RedisCacheStore,
  type RedisCacheStoreOptions,
  type RedisSingleFlightOptions,
} from './redis-cache-store.js';
export {
  failFastRedisOptions,
  type RedisConnectionState,
  type RedisConnectionWatch,
  redisConnectionState,
} from './redis-connection-state.js';
export {
  createRedisRateLimiter,
  type RateDecision,
  type RateLimiter,
  type RateLimits,
  type RedisRateLimiterOptions,
} from './redis-rate-limiter.js';
export { VERSION } from './version.js';
