-- wrk script for bench_wecom_vs_peer.py: POSTs pre-generated, distinct, encrypted WeCom callbacks.
-- GRIDBOT_WRK_REQUESTS names a file with one callback a line: "<path?query>\t<body>".
-- Each request is formatted once here, so wrk does no work per request beyond sending bytes.
-- When the file runs out the sequence starts again (the bench reports how many were repeats).

local requests = {}
local count = 0
local index = 0

function init(args)
   local name = os.getenv("GRIDBOT_WRK_REQUESTS")
   local headers = { ["Host"] = "127.0.0.1", ["Content-Type"] = "text/xml" }
   for line in io.lines(name) do
      local tab = string.find(line, "\t", 1, true)
      count = count + 1
      requests[count] = wrk.format("POST", string.sub(line, 1, tab - 1), headers, string.sub(line, tab + 1))
   end
end

function request()
   index = index % count + 1
   return requests[index]
end

function done(summary, latency, _)
   local e = summary.errors
   io.write(string.format(
      '{"requests": %d, "duration_us": %d, "p50_us": %d, "p99_us": %d, "max_us": %d, "mean_us": %.1f, ' ..
      '"connect": %d, "read": %d, "write": %d, "status": %d, "timeout": %d}\n',
      summary.requests, summary.duration, latency:percentile(50), latency:percentile(99), latency.max,
      latency.mean, e.connect, e.read, e.write, e.status, e.timeout))
end
