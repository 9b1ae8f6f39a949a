-- POST /users/ with an email address no other request uses: bench.py numbers
-- its wrk runs (BENCH_RUN), setup() numbers the threads of a run (the global
-- thread_id in each thread's Lua state), and each thread its own requests.
local counter = 0
local threads = 0
local run = os.getenv("BENCH_RUN") or "0"

function setup(thread)
   thread:set("thread_id", threads)
   threads = threads + 1
end

request = function()
   counter = counter + 1
   local body = string.format('{"email":"r%s-t%d-%d@post.example","full_name":"Bench User %d"}', run,
                              thread_id or 0, counter, counter)
   return wrk.format("POST", "/users/", {["Content-Type"] = "application/json"}, body)
end
