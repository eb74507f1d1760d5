-- wrk script for ops/bench/clinic: each request books a new physiotherapy session (45 min)
-- of the bench clinic; with CONFLICTS=1 every other request repeats the previous booking's
-- patient and time with the next therapist, so it clashes. Booking i (from START): day
-- floor(i / 400) from tomorrow, slot floor(i % 400 / 40) of ten 45-minute slots from 08:00 UTC,
-- therapist i % 40, patient (i % 40 + 40 * slot) % 240, gym therapist % 20: no two bookings
-- share a patient or therapist at a time, and a gym holds two of its six places.
dofile(os.getenv("CLINIC_IDS"))
local conflicts = os.getenv("CONFLICTS") == "1"
local token = os.getenv("TOKEN")
local threads = {}
local tomorrow = os.time() - os.time() % 86400 + 86400

function setup(thread)
  thread:set("thread_index", #threads)
  table.insert(threads, thread)
end

function init(args)
  step = tonumber(os.getenv("WRK_THREADS"))
  counter = tonumber(os.getenv("START")) + thread_index
  sent = 0
  statuses = {}
end

local function body(i, shift)
  local day, rest = math.floor(i / 400), i % 400
  local slot, t = math.floor(rest / 40), (i % 40 + shift) % 40
  local start = tomorrow + day * 86400 + 8 * 3600 + slot * 2700
  local patient = (i % 40 + 40 * slot) % 240
  return string.format('{"organisationId":"%s","modality":"PT","therapistId":"%s","roomId":"%s","start":"%s","end":"%s","patients":["%s"]}',
    clinic, therapists[t + 1], rooms[t % 20 + 1], os.date("!%Y-%m-%dT%H:%M:%SZ", start), os.date("!%Y-%m-%dT%H:%M:%SZ", start + 2700),
    patients[patient + 1])
end

function request()
  sent = sent + 1
  local text
  if conflicts and sent % 2 == 0 then
    text = body(counter - step, 1)
  else
    text = body(counter, 0)
    counter = counter + step
  end
  return wrk.format("POST", "/api/v1/rehab/sessions", {["Content-Type"] = "application/json", ["Authorization"] = "Bearer " .. token}, text)
end

function response(status)
  statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, requests)
  local totals = {}
  for _, thread in ipairs(threads) do
    for status, n in pairs(thread:get("statuses")) do totals[status] = (totals[status] or 0) + n end
  end
  local parts = {}
  for status, n in pairs(totals) do table.insert(parts, status .. ": " .. n) end
  table.sort(parts)
  io.write(string.format("answers %s\n", table.concat(parts, ", ")))
  io.write(string.format("latency p50 %.2f ms  p90 %.2f ms  p99 %.2f ms  max %.2f ms\n",
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000, latency.max / 1000))
end
