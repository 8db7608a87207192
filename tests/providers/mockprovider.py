#!/usr/bin/env python3
# slurm-carbon: a mock of the four forecast providers for the refresh tests.
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Serves the providers' real answer formats (those of tests/data/providers/,
# with times around --now) on 127.0.0.1 at an ephemeral port, which it writes
# to --port-file once it listens. It can misbehave on demand: the first path
# segment of every URL names a scenario, the second the provider format:
#
#     http://127.0.0.1:PORT/<scenario>/<em|wt|uk|ca>/<the provider's path>
#
# so a zone's URL= (its base URL) picks both. Scenarios:
#   ok          answers as the provider does
#   e500        HTTP 500 with a JSON error, always
#   e500once    HTTP 500 the first time (per scenario, provider and endpoint), then ok
#   e429        HTTP 429 with Retry-After: 1 the first time, then ok
#   e429long    HTTP 429 with Retry-After: 3600, always
#   e401once    WattTime: the first token issued works once, then is refused (401,
#               as if it had expired): the client must log in again
#   slow        the first bytes, then silence for 4 s (past the client's timeout)
#   truncated   Content-Length larger than the body sent, then the connection closes
#   cutjson     a body cut in the middle (no length promised): not JSON
#   invalid     the UK documentation's regional example, not JSON as published
#   huge        Content-Length of 64 MiB (a cap must refuse it)
#   hugestream  9 MiB of JSON-ish bytes without a length (the cap must cut it)
#   nulls       some values null
#   allnull     every forecast value null
#   unordered   two points out of order
#   units       WattTime: meta.units unknown
#   range       a value of 5000 g/kWh
#   stale       a forecast that ended a day before --now
#   nohist      forecast ok, the history/actuals endpoint 404
# Credentials it accepts: Electricity Maps header auth-token: em-secret-token;
# WattTime Basic wt-user:wt-secret-pass. Each request is logged to --log as
# "<scenario> <provider> <endpoint> <status> <auth>" (auth: ok, bad, none).
# Only the standard library; stopped by SIGTERM (the test kills it by PID).

import argparse
import base64
import datetime as dt
import json
import os
import re
import signal
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

EM_TOKEN = "em-secret-token"
WT_USER, WT_PASS = "wt-user", "wt-secret-pass"

UTC = dt.timezone.utc
counts = {}
issued_tokens = []
uses = {}
lock = threading.Lock()
args = None


def ts(t):
    return dt.datetime.fromtimestamp(t, UTC)


def em_time(t):
    return ts(t).strftime("%Y-%m-%dT%H:%M:%S.000Z")


def wt_time(t):
    return ts(t).strftime("%Y-%m-%dT%H:%M:%S+00:00")


def uk_time(t):
    return ts(t).strftime("%Y-%m-%dT%H:%MZ")


def parse_uk_time(s):
    return int(dt.datetime.strptime(s, "%Y-%m-%dT%H:%MZ").replace(tzinfo=UTC).timestamp())


def hour_of(t):
    return ts(t).hour


# The shapes of the forecasts (g/kWh unless said), as functions of time,
# so that the tests can compute the plans they expect:
#   em: 400, 300 from 14:00 to 17:00 UTC
#   wt: 900 lbs/MWh, 600 from 13:00 to 15:00 (408.2 and 272.2 g/kWh)
#   uk: 200, 120 from 13:00 to 16:00 (national); region N: + 10 × N
#   ca: 500, 350 from 12:00 to 14:00
def em_value(t):
    return 300 if 14 <= hour_of(t) < 17 else 400


def wt_value(t):
    return 600 if 13 <= hour_of(t) < 15 else 900


def uk_value(t, region=0):
    return (120 if 13 <= hour_of(t) < 16 else 200) + 10 * region


def ca_value(t):
    return 350.0 if 12 <= hour_of(t) < 14 else 500.0


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "mockprovider/1"

    def log_message(self, fmt, *a):
        pass

    def record(self, scenario, prov, endpoint, status, auth):
        if args.log:
            with lock, open(args.log, "a") as f:
                f.write(f"{scenario} {prov} {endpoint} {status} {auth}\n")

    def send(self, status, body, ctype="application/json", headers=None):
        data = body.encode() if isinstance(body, str) else body
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(data)

    def first_time(self, key):
        with lock:
            counts[key] = counts.get(key, 0) + 1
            return counts[key] == 1

    def do_GET(self):
        try:
            self.handle_get()
        except (BrokenPipeError, ConnectionResetError):
            pass

    def handle_get(self):
        u = urlsplit(self.path)
        q = {k: v[0] for k, v in parse_qs(u.query).items()}
        parts = u.path.strip("/").split("/")
        if len(parts) < 3:
            self.send(404, json.dumps({"error": "not found"}))
            return
        scenario, prov, rest = parts[0], parts[1], "/".join(parts[2:])
        endpoint, auth = rest, "none"

        # Authentication, as each provider does it.
        if prov == "em":
            tok = self.headers.get("auth-token")
            auth = "none" if tok is None else ("ok" if tok == EM_TOKEN else "bad")
            if auth != "ok":
                self.record(scenario, prov, endpoint, 401, auth)
                self.send(401, json.dumps({"status": "error", "message": "Invalid auth-token"}))
                return
        if prov == "wt":
            h = self.headers.get("Authorization", "")
            if rest == "login":
                good = "Basic " + base64.b64encode(f"{WT_USER}:{WT_PASS}".encode()).decode()
                auth = "ok" if h == good else ("none" if not h else "bad")
                if auth != "ok":
                    self.record(scenario, prov, endpoint, 401, auth)
                    self.send(401, json.dumps({"error": "UNAUTHORIZED", "message": "invalid credentials"}))
                    return
                with lock:
                    issued_tokens.append(f"tok{len(issued_tokens) + 1}-{scenario}")
                    tok = issued_tokens[-1]
                self.record(scenario, prov, endpoint, 200, auth)
                self.send(200, json.dumps({"token": tok}))
                return
            tok = h[len("Bearer "):] if h.startswith("Bearer ") else None
            with lock:
                valid = tok in issued_tokens
                uses[tok] = uses.get(tok, 0) + 1
                first = valid and tok == next((t for t in issued_tokens if t.endswith("-" + scenario)), None)
                expired = scenario == "e401once" and first and uses[tok] > 1
            auth = "ok" if valid else ("none" if tok is None else "bad")
            if not valid or expired:
                self.record(scenario, prov, endpoint, 401, auth)
                self.send(401, json.dumps({"error": "UNAUTHORIZED", "message": "token expired"}))
                return

        key = (scenario, prov, endpoint.split("/")[0] if prov == "uk" else endpoint)
        history = endpoint in ("carbon-intensity/history", "v3/historical", "emissions/bylocation") or \
            "/pt24h" in endpoint
        status, body, extra = 200, None, {}

        if scenario == "e500" or (scenario == "e500once" and self.first_time(key)):
            status, body = 500, json.dumps({"error": "INTERNAL", "message": "upstream database unavailable"})
        elif scenario == "e429" and self.first_time(key):
            status, body, extra = 429, json.dumps({"message": "rate limited"}), {"Retry-After": "1"}
        elif scenario == "e429long":
            status, body, extra = 429, json.dumps({"message": "rate limited"}), {"Retry-After": "3600"}
        elif scenario == "nohist" and history:
            status, body = 404, json.dumps({"message": "no history for this plan"})
        if status != 200:
            self.record(scenario, prov, endpoint, status, auth)
            self.send(status, body, headers=extra)
            return

        if scenario == "slow":
            self.record(scenario, prov, endpoint, 200, auth)
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", "100000")
            self.end_headers()
            self.wfile.write(b'{"data":[')
            self.wfile.flush()
            time.sleep(4)
            return
        if scenario == "truncated":
            self.record(scenario, prov, endpoint, 200, auth)
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", "5000")
            self.end_headers()
            self.wfile.write(b'{"data":[{"from":"2024-05-15T10:00Z"')
            self.wfile.flush()
            self.close_connection = True
            return
        if scenario == "huge":
            self.record(scenario, prov, endpoint, 200, auth)
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(64 * 1024 * 1024))
            self.end_headers()
            self.wfile.write(b'{"data":[' + b" " * 65536)
            self.close_connection = True
            return
        if scenario == "hugestream":
            self.record(scenario, prov, endpoint, 200, auth)
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Connection", "close")
            self.end_headers()
            self.wfile.write(b'{"data":[')
            chunk = b" " * (1024 * 1024)
            for _ in range(9):
                self.wfile.write(chunk)
            self.close_connection = True
            return
        if scenario == "invalid":
            with open(os.path.join(args.data, "ukci_regional_fw48h_regionid_doc_example.json"), "rb") as f:
                body = f.read()
            self.record(scenario, prov, endpoint, 200, auth)
            self.send(200, body)
            return

        try:
            body = self.answer(scenario, prov, endpoint, q)
        except KeyError as e:
            self.record(scenario, prov, endpoint, 404, auth)
            self.send(404, json.dumps({"error": "NOT_FOUND", "message": f"no such endpoint: {e}"}))
            return
        except ValueError as e:
            self.record(scenario, prov, endpoint, 400, auth)
            self.send(400, json.dumps({"error": "INVALID_QUERY_PARAMS", "message": str(e)}))
            return
        if scenario == "cutjson":
            body = body[: len(body) // 2]
        self.record(scenario, prov, endpoint, 200, auth)
        self.send(200, body)

    # ---- the formats -------------------------------------------------------

    def answer(self, scenario, prov, endpoint, q):
        now = args.now
        base = now - now % 3600
        if scenario == "stale":
            base -= 3 * 86400
        null_at = {2, 5} if scenario == "nulls" else set()

        def val(i, v):
            if scenario == "allnull" or i in null_at:
                return None
            if scenario == "range" and i == 3:
                return 5000
            return v

        def order(times):
            if scenario == "unordered" and len(times) > 4:
                times[3], times[4] = times[4], times[3]
            return times

        if prov == "em":
            zone = q.get("zone")
            if not zone:
                raise ValueError("zone is required")
            if endpoint == "carbon-intensity/forecast":
                times = order([base + 3600 * i for i in range(25)])
                return json.dumps({"zone": zone, "forecast": [
                    {"carbonIntensity": val(i, em_value(t)), "datetime": em_time(t)} for i, t in enumerate(times)],
                    "updatedAt": em_time(now - 900)[:-5] + ".685Z"})
            if endpoint == "carbon-intensity/history":
                times = [base - 3600 * (24 - i) for i in range(24)]
                return json.dumps({"zone": zone, "history": [
                    {"zone": zone, "carbonIntensity": None if i == 7 else em_value(t) + 5, "datetime": em_time(t),
                     "updatedAt": em_time(t + 60), "createdAt": em_time(t - 86400),
                     "emissionFactorType": "lifecycle", "isEstimated": False, "estimationMethod": None,
                     "temporalGranularity": "hourly"} for i, t in enumerate(times)]})
            raise KeyError(endpoint)

        if prov == "wt":
            if q.get("signal_type") != "co2_moer" or not q.get("region"):
                raise ValueError("region and signal_type=co2_moer are required")
            units = "kg_per_banana" if scenario == "units" else "lbs_co2_per_mwh"
            meta = {"data_point_period_seconds": 300, "region": q["region"], "signal_type": "co2_moer",
                    "units": units, "warnings": [], "model": {"date": "2023-03-01"}}
            if endpoint == "v3/forecast":
                start = (now if scenario != "stale" else base) - now % 300
                times = order([start + 300 * i for i in range(288)])
                meta.update({"generated_at": wt_time(start), "generated_at_period_seconds": 300})
                return json.dumps({"data": [{"point_time": wt_time(t), "value": val(i, wt_value(t))}
                                            for i, t in enumerate(times)], "meta": meta})
            if endpoint == "v3/historical":
                start = int(dt.datetime.fromisoformat(q["start"].replace("Z", "+00:00")).timestamp())
                end = int(dt.datetime.fromisoformat(q["end"].replace("Z", "+00:00")).timestamp())
                if end - start > 32 * 86400:
                    raise ValueError("at most 32 days per query")
                start -= start % 300
                return json.dumps({"data": [{"point_time": wt_time(t), "value": wt_value(t) - 10,
                                             "last_updated": wt_time(t + 300), "imputed_data_used": False}
                                            for t in range(start, end, 300)], "meta": meta})
            raise KeyError(endpoint)

        if prov == "uk":
            m = re.fullmatch(r"(regional/)?intensity/([^/]+)/(fw48h|pt24h)(?:/regionid/(\d+))?", endpoint)
            if not m:
                raise KeyError(endpoint)
            regional, frm, span, region = m.group(1), m.group(2), m.group(3), m.group(4)
            try:
                frm_t = parse_uk_time(frm)
            except ValueError:
                raise ValueError("Please enter a valid date")
            if scenario == "stale":
                frm_t -= 3 * 86400
            if span == "fw48h":
                # The first slot is the one that ENDS at {from}.
                times = [frm_t - 1800 + 1800 * i for i in range(97)]
            else:
                times = [frm_t - 86400 + 1800 * i for i in range(48)]
            times = order(times)
            rid = int(region) if region else 0
            slots = []
            for i, t in enumerate(times):
                if regional:
                    intensity = {"forecast": val(i, uk_value(t, rid)), "index": "low"}
                    slot = {"from": uk_time(t), "to": uk_time(t + 1800), "intensity": intensity,
                            "generationmix": [{"fuel": "gas", "perc": 40.1}, {"fuel": "wind", "perc": 59.9}]}
                else:
                    past = t + 1800 <= now
                    intensity = {"forecast": val(i, uk_value(t)), "actual": uk_value(t) + 3 if past else None,
                                 "index": "moderate"}
                    slot = {"from": uk_time(t), "to": uk_time(t + 1800), "intensity": intensity}
                slots.append(slot)
            if regional:
                if not region:
                    raise KeyError(endpoint)
                return json.dumps({"data": {"regionid": rid, "dnoregion": "Electricity North West",
                                            "shortname": "North West England", "data": slots}})
            return json.dumps({"data": slots})

        if prov == "ca":
            loc = q.get("location")
            if not loc:
                raise ValueError("location is required")
            if endpoint == "emissions/forecasts/current":
                start = base
                times = order([start + 1800 * i for i in range(48)])
                data = [{"location": loc, "timestamp": wt_time(t), "duration": 30, "value": val(i, ca_value(t))}
                        for i, t in enumerate(times)]
                best = min((d for d in data if d["value"] is not None), key=lambda d: d["value"], default=None)
                return json.dumps([{"requestedAt": wt_time(now), "generatedAt": wt_time(base),
                                    "location": loc, "dataStartAt": wt_time(start),
                                    "dataEndAt": wt_time(start + 86400), "windowSize": 30,
                                    "optimalDataPoints": [best] if best else [], "forecastData": data}])
            if endpoint == "emissions/average-carbon-intensity":
                a = int(dt.datetime.fromisoformat(q["startTime"].replace("Z", "+00:00")).timestamp())
                b = int(dt.datetime.fromisoformat(q["endTime"].replace("Z", "+00:00")).timestamp())
                if b <= a:
                    raise ValueError("endTime must be after startTime")
                vals = [ca_value(t) for t in range(a, b, 60)]
                return json.dumps({"location": loc, "startTime": q["startTime"], "endTime": q["endTime"],
                                   "carbonIntensity": sum(vals) / len(vals)})
            if endpoint == "emissions/bylocation":
                return json.dumps([{"location": loc, "time": wt_time(t) .replace("+00:00", ".5092741+00:00"),
                                    "rating": ca_value(t) + 1, "duration": "00:30:00"}
                                   for t in range(base - 86400, base, 1800)])
            raise KeyError(endpoint)
        raise KeyError(prov)


def main():
    global args
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--port-file", required=True)
    p.add_argument("--data", required=True, help="tests/data/providers")
    p.add_argument("--now", required=True, help="epoch seconds the answers are built around")
    p.add_argument("--log")
    args = p.parse_args()
    args.now = int(args.now)
    srv = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    srv.daemon_threads = True
    signal.signal(signal.SIGTERM, lambda *a: sys.exit(0))
    tmp = args.port_file + ".tmp"
    with open(tmp, "w") as f:
        f.write(str(srv.server_address[1]))
    os.rename(tmp, args.port_file)
    try:
        srv.serve_forever()
    except (KeyboardInterrupt, SystemExit):
        pass


if __name__ == "__main__":
    main()
