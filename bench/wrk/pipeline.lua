-- GET the scenario's path, BENCH_PIPELINE requests (default 16) in one write on each connection, as
-- TechEmpower's plaintext test loads servers; wrk counts each answer as a request.
local depth = tonumber(os.getenv("BENCH_PIPELINE") or "16")
local batch

init = function(args)
   local r = {}
   for i = 1, depth do
      r[i] = wrk.format(nil)
   end
   batch = table.concat(r)
end

request = function()
   return batch
end
