-- Herald's delivery gate: a GCRA rate limit and, optionally, a sliding throttle window, decided in one atomic step on
-- the Redis server's clock. No locks, no retries: Redis runs a script without interleaving other commands.
--
-- KEYS[1]  rate-limit key: holds the theoretical arrival time (TAT) in microseconds of the server clock
-- KEYS[2]  throttle-window key: a sorted set of occurrence id -> admission time (µs); used only when ARGV[3] > 0
-- ARGV[1]  T, the emission interval in µs (period / rate, rounded up)
-- ARGV[2]  tau, the tolerance in µs (burst * T)
-- ARGV[3]  throttle max per window (0 = no throttle window)
-- ARGV[4]  throttle window in µs
-- ARGV[5]  occurrence id: a retry of an already counted occurrence is not counted again
-- Returns {decision, remaining, retry_after_us, reset_after_us}: decision 1 = allowed, 0 = delayed (rate limit),
-- 2 = skipped (throttle window full). A delayed or skipped check changes nothing.
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local T = tonumber(ARGV[1])
local tau = tonumber(ARGV[2])
local tat = tonumber(redis.call('GET', KEYS[1]))
if not tat or tat < now then
  tat = now
end
local new_tat = tat + T
local allow_at = new_tat - tau
if allow_at > now then
  return {0, 0, allow_at - now, tat - now}
end
local max = tonumber(ARGV[3])
if max > 0 then
  local window = tonumber(ARGV[4])
  redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', string.format('%d', now - window))
  if not redis.call('ZSCORE', KEYS[2], ARGV[5]) then
    local count = redis.call('ZCARD', KEYS[2])
    if count >= max then
      local oldest = redis.call('ZRANGE', KEYS[2], 0, 0, 'WITHSCORES')
      local free_at = tonumber(oldest[2]) + window
      return {2, 0, free_at - now, free_at - now}
    end
    redis.call('ZADD', KEYS[2], string.format('%d', now), ARGV[5])
  end
  redis.call('PEXPIRE', KEYS[2], math.ceil(window / 1000))
end
redis.call('SET', KEYS[1], string.format('%d', new_tat), 'PX', math.ceil((new_tat - now) / 1000) + 1)
return {1, math.floor((tau - (new_tat - now)) / T), 0, new_tat - now}
