-- wrk script for the bench: optional form POST (BENCH_BODY), counts answers whose status is
-- not BENCH_EXPECT, and prints one "BENCH_JSON {...}" line of results at the end, with the
-- latency histogram ([microseconds, count] of each value seen) so that runs can be pooled.
local expected = tonumber(os.getenv("BENCH_EXPECT") or "200")
local body = os.getenv("BENCH_BODY")
if body ~= nil and #body > 0 then
  wrk.method = "POST"
  wrk.body = body
  wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
end

local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  unexpected = 0
end

function response(status, headers, body)
  if status ~= expected then
    unexpected = unexpected + 1
  end
end

function done(summary, latency, requests)
  local others = 0
  for _, thread in ipairs(threads) do
    others = others + thread:get("unexpected")
  end
  local e = summary.errors
  local histogram = {}
  for i = 1, #latency do
    local value, count = latency(i)  -- the i-th latency value seen, and how often
    histogram[i] = string.format("[%d,%d]", value, count)
  end
  io.write(string.format(
    'BENCH_JSON {"requests": %d, "duration_us": %d, "unexpected_status": %d, ' ..
    '"connect": %d, "read": %d, "write": %d, "status": %d, "timeout": %d, ' ..
    '"p50_us": %d, "p99_us": %d, "max_us": %d, "mean_us": %.1f, "histogram": [%s]}\n',
    summary.requests, summary.duration, others, e.connect, e.read, e.write, e.status,
    e.timeout, latency:percentile(50), latency:percentile(99), latency.max, latency.mean,
    table.concat(histogram, ",")))
end
