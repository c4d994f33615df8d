#!/usr/bin/env python3
"""SSE fan-out driver for bench/alerts-sse.sh (Python 3 standard library only).

Opens SUBSCRIBERS Server-Sent Events streams on GET /sync/orders/alerts, waits until every one has
received a warm-up alert, then raises ALERTS alerts one transaction each (paced at RATE/s) through
its own PostgreSQL connection (simple-query wire protocol, trust auth) and measures, for every
(subscriber, alert), the delay from the raise to the event's arrival at the subscriber.

Raise times, both on this machine's wall clock (PostgreSQL and this process read the same clock):
  * row: the alert_events row's `at` (clock_timestamp() when the row was inserted, just before
    COMMIT), taken from the event's own JSON data: the primary figure (it includes the commit);
  * commit: this driver's clock when the server answered the autocommitted UPDATE (after COMMIT).
The arrival time is taken when the bytes carrying the event are read from the socket.

Input: a file with one `shipment_id order_gid` line per raisable order (the script's seed: a shipped
shipment whose sync is pending; setting it to failed opens exactly one sync_failed alert).
Output: a JSON summary on stdout, progress on stderr.
"""
import argparse
import asyncio
import json
import math
import os
import struct
import sys
import time
from datetime import datetime


def log(msg):
    print(f"[driver {time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def parse_instant(s):
    # Java Instant.toString(): 2026-12-03T10:30:00.123456Z (fraction optional, up to 9 digits).
    s = s.rstrip("Z")
    if "." in s:
        head, frac = s.split(".", 1)
        frac = (frac + "000000")[:6]
        s = f"{head}.{frac}"
    else:
        s = s + ".000000"
    dt = datetime.strptime(s, "%Y-%m-%dT%H:%M:%S.%f")
    # UTC: compute epoch seconds without the local zone.
    return (dt - datetime(1970, 1, 1)).total_seconds()


def proc_status(pid):
    out = {}
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                k, _, v = line.partition(":")
                if k in ("VmRSS", "VmHWM", "Threads"):
                    out[k] = v.strip()
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
            tick = os.sysconf("SC_CLK_TCK")
            out["cpu_s"] = (int(fields[11]) + int(fields[12])) / tick
    except OSError:
        pass
    return out


def pg_cpu(postmaster):
    """CPU seconds of the PostgreSQL cluster: the postmaster, its live children and its reaped ones."""
    if not postmaster:
        return None
    tick = os.sysconf("SC_CLK_TCK")
    total = 0
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        pid, ppid = int(entry), int(fields[1])
        if pid == postmaster:
            total += sum(int(x) for x in fields[11:15])
        elif ppid == postmaster:
            total += int(fields[11]) + int(fields[12])
    return total / tick


def machine_busy():
    """Busy CPU seconds of the whole machine (all cores) from /proc/stat."""
    with open("/proc/stat") as f:
        v = [int(x) for x in f.readline().split()[1:]]
    return (sum(v[:8]) - v[3] - v[4]) / os.sysconf("SC_CLK_TCK")


def loadavg():
    with open("/proc/loadavg") as f:
        return " ".join(f.read().split()[:3])


class Pg:
    """A minimal PostgreSQL client: startup with trust auth, simple queries, autocommit."""

    def __init__(self, host, port, user, db):
        self.host, self.port, self.user, self.db = host, port, user, db

    async def connect(self):
        self.r, self.w = await asyncio.open_connection(self.host, self.port)
        params = f"user\0{self.user}\0database\0{self.db}\0application_name\0alerts-sse-bench\0\0".encode()
        self.w.write(struct.pack("!ii", 8 + len(params), 196608) + params)
        await self.w.drain()
        await self._until_ready()

    async def _message(self):
        head = await self.r.readexactly(5)
        kind, length = head[:1], struct.unpack("!i", head[1:])[0]
        return kind, await self.r.readexactly(length - 4)

    async def _until_ready(self):
        rows, error = [], None
        while True:
            kind, body = await self._message()
            if kind == b"R" and struct.unpack("!i", body[:4])[0] != 0:
                raise RuntimeError("PostgreSQL asks for a password; the bench cluster should trust 127.0.0.1")
            if kind == b"E":
                error = body.replace(b"\0", b" ").decode(errors="replace")
            elif kind == b"D":
                n = struct.unpack("!h", body[:2])[0]
                pos, row = 2, []
                for _ in range(n):
                    ln = struct.unpack("!i", body[pos:pos + 4])[0]
                    pos += 4
                    row.append(None if ln < 0 else body[pos:pos + ln].decode())
                    pos += max(ln, 0)
                rows.append(row)
            elif kind == b"Z":
                if error:
                    raise RuntimeError(error)
                return rows

    async def query(self, sql):
        data = sql.encode() + b"\0"
        self.w.write(b"Q" + struct.pack("!i", 4 + len(data)) + data)
        await self.w.drain()
        return await self._until_ready()

    def close(self):
        self.w.write(b"X\0\0\0\4")
        self.w.close()


class Subscriber:
    def __init__(self, n):
        self.n = n
        self.status = None
        self.connected_at = None
        self.events = {}        # order gid -> (arrival, event id, row at)
        self.last_event_id = 0
        self.comments = 0
        self.error = None
        self.closed = False


async def subscribe(sub, host, port, key, stop):
    try:
        r, w = await asyncio.open_connection(host, port)
    except OSError as e:
        sub.error = f"connect: {e}"
        return
    try:
        w.write((f"GET /sync/orders/alerts HTTP/1.1\r\nHost: {host}:{port}\r\n"
                 f"Accept: text/event-stream\r\nAuthorization: Bearer {key}\r\n"
                 f"Cache-Control: no-cache\r\n\r\n").encode())
        await w.drain()
        head = await r.readuntil(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        sub.status = int(lines[0].split()[1])
        headers = {l.split(":", 1)[0].strip().lower(): l.split(":", 1)[1].strip() for l in lines[1:] if ":" in l}
        sub.connected_at = time.time()
        if sub.status != 200:
            sub.error = f"HTTP {sub.status}"
            return
        chunked = "chunked" in headers.get("transfer-encoding", "").lower()
        buf = b""
        while not stop.is_set():
            if chunked:
                size_line = await r.readuntil(b"\r\n")
                size = int(size_line.split(b";")[0].strip(), 16)
                if size == 0:
                    break
                data = await r.readexactly(size + 2)
                data = data[:-2]
            else:
                data = await r.read(65536)
                if not data:
                    break
            arrival = time.time()
            buf += data
            buf = buf.replace(b"\r\n", b"\n")
            while b"\n\n" in buf:
                block, buf = buf.split(b"\n\n", 1)
                handle_block(sub, block.decode(), arrival)
    except (asyncio.IncompleteReadError, ConnectionError, asyncio.LimitOverrunError, OSError) as e:
        if not stop.is_set():
            sub.error = f"stream: {type(e).__name__} {e}"
    except asyncio.CancelledError:
        pass
    finally:
        sub.closed = True
        w.close()


def handle_block(sub, block, arrival):
    name, data, eid = None, [], None
    for line in block.split("\n"):
        if line.startswith(":"):
            sub.comments += 1
        elif line.startswith("event:"):
            name = line[6:].strip()
        elif line.startswith("data:"):
            data.append(line[5:].lstrip(" ") if line[5:6] == " " else line[5:])
        elif line.startswith("id:"):
            eid = line[3:].strip()
    if name in ("alert_raised", "alert_cleared") and data:
        ev = json.loads("\n".join(data))
        sub.last_event_id = max(sub.last_event_id, int(ev["id"]))
        if name == "alert_raised":
            gid = ev["alert"]["orderId"]
            sub.events.setdefault(gid, (arrival, int(ev["id"]), parse_instant(ev["at"])))


def percentile(sorted_vals, p):
    if not sorted_vals:
        return None
    # Nearest rank.
    k = max(0, min(len(sorted_vals) - 1, math.ceil(p / 100 * len(sorted_vals)) - 1))
    return sorted_vals[k]


async def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--key", required=True)
    ap.add_argument("--pg-port", type=int, required=True)
    ap.add_argument("--orders-file", required=True)
    ap.add_argument("--subscribers", type=int, default=500)
    ap.add_argument("--alerts", type=int, default=50)
    ap.add_argument("--rate", type=float, default=10.0)
    ap.add_argument("--app-pid", type=int, default=0)
    ap.add_argument("--warmup", type=int, default=10,
                    help="alerts raised at --rate after every subscriber is ready, not counted (JIT, pools)")
    ap.add_argument("--pg-pid", type=int, default=0)
    ap.add_argument("--connect-batch", type=int, default=50)
    ap.add_argument("--connect-timeout", type=float, default=90)
    ap.add_argument("--deliver-timeout", type=float, default=30)
    a = ap.parse_args()

    with open(a.orders_file) as f:
        orders = [l.split() for l in f if l.strip()]
    warm, measured, spare = orders[:a.warmup], orders[a.warmup:a.warmup + a.alerts], orders[a.warmup + a.alerts:]
    if len(measured) < a.alerts or not spare:
        sys.exit(f"Need more than {a.alerts} raisable orders, got {len(orders)}")

    pg = Pg(a.host, a.pg_port, "storesync", "storesync")
    await pg.connect()
    summary = {"subscribers": a.subscribers, "alerts": a.alerts, "rate": a.rate,
               "load_start": loadavg(), "app_before": proc_status(a.app_pid)}

    stop = asyncio.Event()
    subs = [Subscriber(i) for i in range(a.subscribers)]
    tasks = []
    t0 = time.time()
    for i in range(0, a.subscribers, a.connect_batch):
        for s in subs[i:i + a.connect_batch]:
            tasks.append(asyncio.create_task(subscribe(s, a.host, a.port, a.key, stop)))
        await asyncio.sleep(0.2)
    # Headers first (RESTEasy Reactive sends them when the stream starts), then a warm-up alert that
    # every subscriber must receive: that proves each is registered with the hub.
    deadline = t0 + a.connect_timeout
    while time.time() < deadline and sum(1 for s in subs if s.status is not None or s.error) < len(subs):
        await asyncio.sleep(0.1)
    failed = [s for s in subs if s.error or s.status != 200]
    headers_s = time.time() - t0
    log(f"{len(subs) - len(failed)}/{len(subs)} streams answered 200 in {headers_s:.1f} s"
        + (f"; first failure: {failed[0].error}" if failed else ""))
    warmups = 0
    while time.time() < deadline:
        sid, gid = spare.pop(0)
        await pg.query(f"UPDATE shipments SET sync_status = 'failed' WHERE id = {int(sid)}")
        warmups += 1
        wait_until = time.time() + 5
        while time.time() < wait_until and not all(gid in s.events or s.error for s in subs):
            await asyncio.sleep(0.05)
        ready = sum(1 for s in subs if gid in s.events)
        log(f"warm-up alert {warmups}: received by {ready}/{len(subs)}")
        if ready + sum(1 for s in subs if s.error and gid not in s.events) >= len(subs) or not spare:
            break
    ready_subs = [s for s in subs if not s.error]
    summary["connect"] = {"streams_200": len(subs) - len(failed), "headers_s": round(headers_s, 2),
                          "warmup_alerts": warmups + len(warm), "ready_s": round(time.time() - t0, 2),
                          "errors": sorted({s.error for s in subs if s.error})[:5]}
    summary["app_connected"] = proc_status(a.app_pid)
    if warm:
        log(f"raising {len(warm)} warm-up alerts at {a.rate}/s (not counted)")
        for sid, _gid in warm:
            await pg.query(f"UPDATE shipments SET sync_status = 'failed' WHERE id = {int(sid)}")
            await asyncio.sleep(1 / a.rate)
        wait_until = time.time() + a.deliver_timeout
        while time.time() < wait_until and not all(all(g in s.events for _, g in warm) for s in ready_subs):
            await asyncio.sleep(0.1)
    await asyncio.sleep(1)

    # Measured phase: one UPDATE per alert, each its own (auto-committed) transaction, paced.
    log(f"raising {a.alerts} alerts at {a.rate}/s to {len(ready_subs)} subscribers")
    cpu0 = proc_status(a.app_pid).get("cpu_s")
    pg0, me0, busy0 = pg_cpu(a.pg_pid), time.process_time(), machine_busy()
    commit_at = {}
    start = time.time()
    for i, (sid, gid) in enumerate(measured):
        target = start + i / a.rate
        now = time.time()
        if target > now:
            await asyncio.sleep(target - now)
        await pg.query(f"UPDATE shipments SET sync_status = 'failed' WHERE id = {int(sid)}")
        commit_at[gid] = time.time()
    raise_s = time.time() - start
    gids = [g for _, g in measured]
    wait_until = time.time() + a.deliver_timeout
    while time.time() < wait_until and not all(all(g in s.events for g in gids) for s in ready_subs if not s.closed):
        await asyncio.sleep(0.1)
    done_s = time.time() - start
    cpu1 = proc_status(a.app_pid).get("cpu_s")
    pg1, me1, busy1 = pg_cpu(a.pg_pid), time.process_time(), machine_busy()
    summary["app_after"] = proc_status(a.app_pid)
    summary["load_end"] = loadavg()

    row_delays, commit_delays, missing, dup_ids = [], [], 0, 0
    for s in subs:
        for g in gids:
            got = s.events.get(g)
            if got is None:
                missing += 1
                continue
            arrival, _eid, row_at = got
            row_delays.append(arrival - row_at)
            commit_delays.append(arrival - commit_at[g])
    row_delays.sort()
    commit_delays.sort()
    row_at = {}
    for s in subs:
        for g, got in s.events.items():
            row_at.setdefault(g, got[2])
    commit_minus_row = sorted(commit_at[g] - row_at[g] for g in gids if g in row_at)

    def stats(vals):
        return {k: (round(percentile(vals, p) * 1000, 1) if vals else None)
                for k, p in (("p50_ms", 50), ("p95_ms", 95), ("p99_ms", 99), ("max_ms", 100))}

    per_alert = []
    for g in gids:
        d = sorted(s.events[g][0] - s.events[g][2] for s in subs if g in s.events)
        per_alert.append(f"{round(percentile(d, 50) * 1000)}/{round(d[-1] * 1000)}" if d else "-")
    summary["per_alert_p50_max_ms"] = per_alert
    summary["measured"] = {
        "raise_wall_s": round(raise_s, 2), "all_delivered_after_s": round(done_s, 2),
        "deliveries_expected": len(subs) * len(gids), "deliveries": len(row_delays), "missing": missing,
        "from_row_at": stats(row_delays), "from_commit": stats(commit_delays),
        "commit_minus_row_ms_p50": round(percentile(commit_minus_row, 50) * 1000, 1) if commit_minus_row else None,
        "app_cpu_s": round(cpu1 - cpu0, 2) if cpu0 is not None and cpu1 is not None else None,
        "postgres_cpu_s": round(pg1 - pg0, 2) if pg0 is not None else None,
        "driver_cpu_s": round(me1 - me0, 2),
        "machine_busy_cpu_s": round(busy1 - busy0, 2), "cores": os.cpu_count(),
        "stream_errors": sum(1 for s in subs if s.error), "keepalive_comments": sum(s.comments for s in subs)}
    stop.set()
    for t in tasks:
        t.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    pg.close()
    print(json.dumps(summary, indent=2))


if __name__ == "__main__":
    asyncio.run(main())
