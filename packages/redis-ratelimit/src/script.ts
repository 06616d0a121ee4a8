import { createHash } from 'node:crypto';
import type { Policy } from './policy';

/** A policy's decision script and its SHA1 for EVALSHA. */
export interface PolicyScript {
  readonly source: string;
  readonly sha: string;
}

/**
 * The decision script of one policy. It mirrors `algorithms.ts` line for line,
 * so the memory and Redis engines decide alike (the property tests hold both
 * to a plain reference model). The policy's numbers are written into the
 * script (one cached script per policy) because marshalling and parsing them
 * as arguments on every call cost about a third of the script's Redis CPU.
 * KEYS: log ZSET, burst ZSET, meta hash — all under the subject's hash tag,
 * so the script runs on Redis Cluster. ARGV: operation (c/p/r), now in ms (or
 * -1: use Redis TIME), cost.
 */
export function policyScript(policy: Policy): PolicyScript {
  const source = `
local log, bk, meta = KEYS[1], KEYS[2], KEYS[3]
local op = ARGV[1]
local now = tonumber(ARGV[2])
if now < 0 then
  local t = redis.call('TIME')
  now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
local cost = tonumber(ARGV[3])
local gcra = ${policy.algorithm === 'gcra'}
local burst = ${policy.burst}
local bw = ${policy.burstWindowMs}
local blockAfter = ${policy.blockAfter}
local blockMs = ${policy.blockMs}
local longest = ${policy.longestWindowMs}
local n = ${policy.windows.length}
local limits = { ${policy.windows.map((w) => w.limit).join(', ')} }
local wins = { ${policy.windows.map((w) => w.windowMs).join(', ')} }
${DECIDE_BODY}`;
  return { source, sha: createHash('sha1').update(source).digest('hex') };
}

const DECIDE_BODY = `
local function num(x) return string.format('%.0f', x) end

local blockedUntil, violations = 0, 0
if blockAfter > 0 then
  local b = redis.call('HMGET', meta, 'v', 'bu')
  violations = tonumber(b[1]) or 0
  blockedUntil = tonumber(b[2]) or 0
end
local blocked = op ~= 'r' and blockedUntil > now
local realOp = op
if blocked then op = 'p' end

local allowed, denied, burstRemaining, usedBurst, retry, resetMs = 1, -1, 0, 0, 0, 0
local remaining, resets = {}, {}

if gcra then
  local eps = 1e-6
  local fields = {}
  for i = 1, n do fields[i] = 't' .. i end
  local raw = redis.call('HMGET', meta, unpack(fields))
  local tats, nexts, T = {}, {}, {}
  local ub = false
  for i = 1, n do
    T[i] = wins[i] / limits[i]
    tats[i] = tonumber(raw[i])
    local tat = tats[i]
    if op == 'r' then
      if tat then tats[i] = math.max(now, tat - cost * T[i]) end
    else
      local base = now
      if tat and tat > now then base = tat end
      local cand = base + cost * T[i]
      nexts[i] = cand
      local excess = cand - now - (burst + 1) * T[i]
      if excess > eps then
        if denied == -1 then denied = i - 1 end
        retry = math.max(retry, math.ceil(excess - eps))
      end
      if base - now > eps then ub = true end
    end
  end
  if denied ~= -1 then allowed = 0 end
  local write = false
  if allowed == 1 and op == 'c' then
    for i = 1, n do tats[i] = nexts[i] end
    write = true
    if ub then usedBurst = 1 end
  elseif op == 'r' then
    write = true
  end
  burstRemaining = burst
  local args = {}
  for i = 1, n do
    local backlog = 0
    if tats[i] then
      backlog = math.max(0, tats[i] - now)
      args[#args + 1] = fields[i]
      args[#args + 1] = string.format('%.17g', tats[i])
    end
    local total = math.floor(burst + 1 - backlog / T[i] + eps)
    remaining[i] = math.min(limits[i], math.max(0, total))
    burstRemaining = math.min(burstRemaining, math.max(0, total - 1))
    resets[i] = math.max(0, math.ceil(backlog - eps))
    resetMs = math.max(resetMs, resets[i])
  end
  if write and #args > 0 then
    redis.call('HSET', meta, unpack(args))
    redis.call('PEXPIRE', meta, math.max(1, resetMs, blockedUntil - now))
  end
else
  -- Count with ZCOUNT; trim only where something is written (TTLs clean the rest).
  if op == 'r' then
    redis.call('ZREMRANGEBYSCORE', log, '-inf', num(now - longest))
    if burst > 0 then redis.call('ZREMRANGEBYSCORE', bk, '-inf', num(now - bw)) end
    for k = 1, cost do
      local a = redis.call('ZRANGE', log, -1, -1, 'WITHSCORES')
      local b = redis.call('ZRANGE', bk, -1, -1, 'WITHSCORES')
      if b[2] and (not a[2] or tonumber(b[2]) >= tonumber(a[2])) then
        redis.call('ZREM', bk, b[1])
      elseif a[2] then
        redis.call('ZREM', log, a[1])
      else
        break
      end
    end
  end
  local used = {}
  local live = 0
  for i = 1, n do
    used[i] = redis.call('ZCOUNT', log, '(' .. num(now - wins[i]), '+inf')
    if wins[i] == longest then live = used[i] end
  end
  local bused = 0
  if burst > 0 then bused = redis.call('ZCOUNT', bk, '(' .. num(now - bw), '+inf') end
  local bavail = burst - bused
  local need = 0
  if op ~= 'r' then
    for i = 1, n do
      local over = used[i] + cost - limits[i]
      if over > need then need = over end
      if over > bavail and denied == -1 then denied = i - 1 end
    end
  end
  local spent = 0
  local newest, newestBurst = nil, nil
  if denied ~= -1 then
    allowed = 0
    local blist = {}
    if bused > 0 then blist = redis.call('ZRANGEBYSCORE', bk, '(' .. num(now - bw), '+inf', 'WITHSCORES') end
    local best = math.huge
    for level = 0, bused do
      local start = 0
      if level > 0 then start = tonumber(blist[2 * level]) + bw - now end
      local nxt = math.huge
      if level < bused then nxt = tonumber(blist[2 * level + 2]) + bw - now end
      local wait = start
      for i = 1, n do
        if wait >= best then break end
        local au = limits[i] + bavail + level - cost
        if au < 0 then
          wait = math.huge
        elseif used[i] > au then
          local r = redis.call('ZRANGEBYSCORE', log, '(' .. num(now - wins[i]), '+inf', 'WITHSCORES', 'LIMIT', used[i] - au - 1, 1)
          wait = math.max(wait, tonumber(r[2]) + wins[i] - now)
        end
      end
      if wait < best then best = wait end
      if best <= nxt then break end
    end
    if best == math.huge then best = -1 end
    retry = best
  elseif op == 'c' then
    local regular = cost - need
    if regular > 0 then
      -- After the trim the log holds exactly the live entries: member indexes stay unique.
      redis.call('ZREMRANGEBYSCORE', log, '-inf', num(now - longest))
      local card = live
      newest = now
      local args = {}
      for i = 1, regular do
        args[#args + 1] = num(now)
        args[#args + 1] = num(now) .. ':' .. string.format('%08d', card + i)
      end
      redis.call('ZADD', log, unpack(args))
      redis.call('PEXPIRE', log, longest)
    end
    if need > 0 then
      redis.call('ZREMRANGEBYSCORE', bk, '-inf', num(now - bw))
      local args = {}
      for i = 1, need do
        args[#args + 1] = num(now)
        args[#args + 1] = num(now) .. ':' .. string.format('%08d', bused + i)
      end
      newestBurst = now
      redis.call('ZADD', bk, unpack(args))
      redis.call('PEXPIRE', bk, bw)
      spent = need
      usedBurst = 1
    end
    for i = 1, n do used[i] = used[i] + cost - need end
  end
  if newest == nil and live > 0 then
    local top = redis.call('ZRANGE', log, -1, -1, 'WITHSCORES')
    if top[2] then newest = tonumber(top[2]) end
  end
  for i = 1, n do
    remaining[i] = math.max(0, limits[i] - used[i])
    resets[i] = 0
    if newest then resets[i] = math.max(0, newest + wins[i] - now) end
    resetMs = math.max(resetMs, resets[i])
  end
  if newestBurst == nil and bused > 0 then
    local top = redis.call('ZRANGE', bk, -1, -1, 'WITHSCORES')
    if top[2] then newestBurst = tonumber(top[2]) end
  end
  if newestBurst then resetMs = math.max(resetMs, newestBurst + bw - now) end
  burstRemaining = bavail - spent
end

if blocked then
  allowed = 0
  denied = -2
  usedBurst = 0
  retry = math.max(blockedUntil - now, retry)
elseif blockAfter > 0 and realOp == 'c' then
  if allowed == 1 then
    if violations > 0 then redis.call('HDEL', meta, 'v') end
  else
    violations = violations + 1
    if violations >= blockAfter then
      redis.call('HSET', meta, 'v', 0, 'bu', num(now + blockMs))
      redis.call('PEXPIRE', meta, math.max(blockMs, resetMs))
    else
      redis.call('HSET', meta, 'v', violations)
      redis.call('PEXPIRE', meta, math.max(longest, resetMs))
    end
  end
end

local out = { allowed, denied, burstRemaining, usedBurst, retry, resetMs }
for i = 1, n do out[#out + 1] = remaining[i] end
for i = 1, n do out[#out + 1] = resets[i] end
return out
`;
