-- GET /users/{email} for a random one of the BENCH_USERS users that bench.py
-- created beforehand (user<N>@bench.example, N from 0).
local users = tonumber(os.getenv("BENCH_USERS") or "1000")

request = function()
   return wrk.format("GET", "/users/user" .. math.random(0, users - 1) .. "@bench.example")
end
