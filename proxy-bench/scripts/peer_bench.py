#!/usr/bin/env python3
"""Helpers of peer-bench.sh (the peer-comparison harness, issue 6); standard library only.

  peer_bench.py h2load OUTPUT LOG           one run's figures from h2load's summary and its --log-file
  peer_bench.py idle HOST PORT N READY      opens N HTTP/2 connections, one request each, then holds them idle
  peer_bench.py report RAW IDLE META        the markdown section from the collected rows (medians over rounds)
  peer_bench.py splice DOC SECTION          replaces the generated section of docs/performance.md
"""
import asyncio
import json
import math
import os
import re
import statistics
import struct
import sys

# ---- one h2load run ------------------------------------------------------------------------------------------------

_UNITS = {"B": 1, "KB": 1024, "MB": 1024 ** 2, "GB": 1024 ** 3}


def h2load(output_path, log_path):
    """Prints: rps mbps mean_ms p50_ms p99_ms requests errors (tab-separated; '-' when there is nothing)."""
    text = open(output_path, encoding="utf-8", errors="replace").read()
    m = re.search(r"finished in [0-9.]+s, ([0-9.]+) req/s, ([0-9.]+)([KMG]?B)/s", text)
    rps, mbps = (float(m.group(1)), float(m.group(2)) * _UNITS[m.group(3)] / 1e6) if m else (0.0, 0.0)
    r = re.search(r"requests: (\d+) total, \d+ started, (\d+) done, \d+ succeeded, (\d+) failed, (\d+) errored, "
                  r"(\d+) timeout", text)
    s = re.search(r"status codes: (\d+) 2xx, (\d+) 3xx, (\d+) 4xx, (\d+) 5xx", text)
    done = int(r.group(2)) if r else 0
    errors = sum(int(r.group(i)) for i in (3, 4, 5)) if r else 1
    errors += sum(int(s.group(i)) for i in (2, 3, 4)) if s else 0
    if done == 0:
        errors += 1  # a run in which no request completed (a stalled target) counts as one error at least
    # The per-request log: start (µs since the epoch), status, µs until the end of the response. h2load writes only
    # the requests of the measured period (after --warm-up-time), the same ones its req/s counts.
    times = []
    if os.path.exists(log_path):
        with open(log_path, encoding="ascii", errors="replace") as f:
            for line in f:
                parts = line.split("\t")
                if len(parts) >= 3:
                    times.append(int(parts[2]))
    if times:
        times.sort()
        mean = sum(times) / len(times) / 1000
        p50 = _percentile(times, 50) / 1000
        p99 = _percentile(times, 99) / 1000
        lat = f"{mean:.3f}\t{p50:.3f}\t{p99:.3f}"
    else:
        lat = "-\t-\t-"
    print(f"{rps:.1f}\t{mbps:.2f}\t{lat}\t{done}\t{errors}")


def _percentile(sorted_values, p):
    """Nearest-rank percentile (the value at or below which p% of the samples lie)."""
    rank = max(1, math.ceil(p / 100 * len(sorted_values)))
    return sorted_values[rank - 1]


# ---- idle connections (scenario g) ---------------------------------------------------------------------------------

PREFACE = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"
SETTINGS, HEADERS, PING, GOAWAY, DATA = 0x4, 0x1, 0x6, 0x7, 0x0
END_STREAM, ACK, END_HEADERS = 0x1, 0x1, 0x4


def _frame(kind, flags, stream, payload=b""):
    return struct.pack(">I", len(payload))[1:] + bytes([kind, flags]) + struct.pack(">I", stream) + payload


def _request_block(authority, path="/bytes/1024"):
    # RFC 7541 §6.1 indexed :method GET (2) and :scheme http (6); §6.2.2 :authority (1) and :path (4) as literals
    # without indexing (short strings: one length octet, no Huffman).
    a, p = authority.encode(), path.encode()
    return bytes([0x82, 0x86, 0x01, len(a)]) + a + bytes([0x04, len(p)]) + p


async def _one(host, port, block, state, settled):
    answered = False
    writer = None
    try:
        reader, writer = await asyncio.open_connection(host, port)
        writer.write(PREFACE + _frame(SETTINGS, 0, 0) + _frame(HEADERS, END_STREAM | END_HEADERS, 1, block))
        while True:
            head = await reader.readexactly(9)
            length = int.from_bytes(head[:3], "big")
            kind, flags, stream = head[3], head[4], int.from_bytes(head[5:9], "big") & 0x7FFFFFFF
            payload = await reader.readexactly(length) if length else b""
            if kind == SETTINGS and not flags & ACK:
                writer.write(_frame(SETTINGS, ACK, 0))
            elif kind == PING and not flags & ACK:
                writer.write(_frame(PING, ACK, 0, payload))
            elif kind == GOAWAY:
                state["goaway"] += 1
                break
            elif kind in (HEADERS, DATA) and stream == 1 and flags & END_STREAM and not answered:
                answered = True
                state["answered"] += 1
                settled.set_result(True)
    except (asyncio.IncompleteReadError, OSError):
        state["lost"] += 1
    finally:
        if not settled.done():
            settled.set_result(False)
        if writer is not None:
            writer.close()


async def _idle(host, port, n, ready_path):
    state = {"answered": 0, "lost": 0, "goaway": 0}
    block = _request_block(f"{host}:{port}")
    gate = asyncio.Semaphore(200)  # connections in their handshake at once, so the listener's backlog stays small
    loop = asyncio.get_running_loop()
    tasks, settled = [], []
    for _ in range(n):
        await gate.acquire()
        done = loop.create_future()
        done.add_done_callback(lambda _f: gate.release())
        settled.append(done)
        tasks.append(asyncio.ensure_future(_one(host, port, block, state, done)))
    await asyncio.gather(*settled)
    with open(ready_path + ".tmp", "w") as f:
        f.write(f"{state['answered']} {n - state['answered']}\n")
    os.rename(ready_path + ".tmp", ready_path)
    # Held until the harness kills us (SIGTERM ends the process; the kernel closes the sockets).
    await asyncio.gather(*tasks, return_exceptions=True)
    await asyncio.sleep(3600)


def idle(host, port, n, ready_path):
    asyncio.run(_idle(host, int(port), int(n), ready_path))


# ---- the report ----------------------------------------------------------------------------------------------------

SCENARIOS = {
    "a": "(a) 1 KiB responses, `-c 100 -m 10`",
    "b": "(b) 64 KiB responses, `-c 10 -m 10`",
    "c": "(c) 1 MiB responses, `-c 4 -m 2`",
    "d500": "(d) fixed rate 500 req/s (1 KiB, `-c 10 -m 10 --rps 50`)",
    "d5000": "(d) fixed rate 5000 req/s (1 KiB, `-c 50 -m 10 --rps 100`)",
    "e": "(e) POST uploads of 64 KiB to /sha256 (`-c 10 -m 10 -d`); MB/s counts the uploaded bytes",
    "f": "(f) TLS front (TLS 1.3, ALPN h2), 1 KiB responses, `-c 100 -m 10`",
}
GROUPS = {
    "origin-1w": "Backend: the built-in origin (h2c); every proxy with one worker thread",
    "h2o-1w": "Backend: h2o serving static files (h2c); every proxy with one worker thread",
    "h2o-2w": "Backend: h2o serving static files (h2c); every proxy with two worker threads "
              "(req/s ÷ direct against the one-worker group's direct row of the same run)",
}


def _median(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def _num(s):
    return None if s in ("-", "", None) else float(s)


def _fmt(v, digits=0, unit=""):
    if v is None:
        return "–"
    if digits == 0:
        return f"{v:,.0f}{unit}"
    return f"{v:,.{digits}f}{unit}"


def _ratio(a, b):
    if a is None or b is None or b == 0:
        return "–"
    return f"{a / b:.2f}×"


def report(raw_path, idle_path, meta_path):
    meta = json.load(open(meta_path))
    rows = []
    with open(raw_path) as f:
        header = f.readline().rstrip("\n").split("\t")
        for line in f:
            rows.append(dict(zip(header, line.rstrip("\n").split("\t"))))
    agg = {}
    for r in rows:
        key = (r["group"], r["scenario"], r["target"])
        a = agg.setdefault(key, {k: [] for k in ("rps", "mbps", "mean", "p50", "p99", "cpu", "rss")} | {
            "errors": 0, "runs": 0, "note": r.get("note", "")})
        a["runs"] += 1
        a["errors"] += int(r["errors"]) if r["errors"] not in ("-", "") else 0
        for k in ("rps", "mbps", "mean", "p50", "p99", "cpu", "rss"):
            a[k].append(_num(r[k]))
    med = {k: {m: _median(v) if isinstance(v, list) else v for m, v in a.items()} for k, a in agg.items()}

    out = []
    out.append(f"Run of {meta['date']} on `{meta['host']}`: {meta['nproc']} cores ({meta['cpu']}), "
               f"{meta['mem']}; {meta['rounds']} rounds of {meta['duration']} s per run (after a "
               f"{meta['warmup']} s h2load warm-up), targets interleaved within each scenario and round; medians "
               f"over the rounds. Load average at the start {meta['load_start']}, at the end {meta['load_end']}. "
               f"Versions: {meta['versions']}.")
    out.append("")
    out.append("```sh")
    out.append(meta["command"])
    out.append("```")
    out.append("")
    out.append("h2load (one thread), the backend and the proxy share the same "
               f"{meta['nproc']} cores{meta['shared_note']}; req/s of the fast scenarios is therefore bounded "
               "by the CPU left over, and CPU per 1000 requests is the steadier measure. "
               "CPU is the target's utime+stime (all its threads and child processes) over the measured window; "
               "peak RSS is VmHWM, reset before each measured window. Latency is h2load's per-request time "
               "(`--log-file`: request start to end of response). Errors: failed, errored and timed-out requests "
               "plus non-2xx answers, summed over the rounds. \"direct\" is h2load against the backend itself (its CPU "
               "and RSS are the backend's). h2o 2.2.5 (Debian) proxies to its backend over HTTP/1.1 only; every "
               "other proxy speaks h2c to the backend. h2relay's one worker is Pekko's default dispatcher "
               "at parallelism 1 (its selector thread, GC and JIT threads come on top, as do nghttpx's and "
               "HAProxy's kernel work).")
    out.append("")
    for group in [g for g in GROUPS if any(k[0] == g for k in med)]:
        out.append(f"#### {GROUPS[group]}")
        out.append("")
        for sc in [s for s in SCENARIOS if any(k[0] == group and k[1] == s for k in med)]:
            out.append(f"{SCENARIOS[sc]}")
            out.append("")
            out.append("| target | req/s | MB/s | mean ms | p50 ms | p99 ms | CPU s / 1000 req | peak RSS MiB | errors "
                       "| req/s ÷ nghttpx | req/s ÷ direct | p99 ÷ nghttpx | CPU ÷ nghttpx |")
            out.append("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
            ref_group = "h2o-1w" if group == "h2o-2w" else group
            ngx = med.get((group, sc, "nghttpx"))
            direct = med.get((ref_group, sc, "direct")) or med.get((group, sc, "direct"))
            targets = [k[2] for k in med if k[0] == group and k[1] == sc]
            order = ["direct", "h2relay", "nghttpx", "haproxy", "h2o"]
            targets.sort(key=lambda t: (order.index(t.split("+")[0]) if t.split("+")[0] in order else 9, t))
            for t in targets:
                m = med[(group, sc, t)]
                if m.get("note") == "not-run":
                    out.append(f"| {t} | not yet: no TLS listener in this h2relay build | | | | | | | | | | | |")
                    continue
                if m.get("note") == "n/a":
                    out.append(f"| {t} | n/a: h2o 2.2.5 proxies over HTTP/1.1 only, the built-in origin speaks h2c "
                               "only | | | | | | | | | | | |")
                    continue
                name = f"**{t}**" if t.startswith("h2relay") else t
                if t.startswith("h2o"):
                    name += " (HTTP/1.1 to backend)"
                rss = m["rss"] / 1024 if m["rss"] is not None else None
                out.append("| " + " | ".join([
                    name, _fmt(m["rps"]), _fmt(m["mbps"], 1), _fmt(m["mean"], 2), _fmt(m["p50"], 2),
                    _fmt(m["p99"], 2), _fmt(m["cpu"], 3), _fmt(rss, 0), str(m["errors"]),
                    _ratio(m["rps"], ngx and ngx["rps"]) if t != "nghttpx" else "1.00×",
                    _ratio(m["rps"], direct and direct["rps"]) if t != "direct" else "1.00×",
                    _ratio(m["p99"], ngx and ngx["p99"]), _ratio(m["cpu"], ngx and ngx["cpu"])]) + " |")
            out.append("")
    idle_rows = []
    if idle_path and os.path.exists(idle_path):
        with open(idle_path) as f:
            header = f.readline().rstrip("\n").split("\t")
            idle_rows = [dict(zip(header, line.rstrip("\n").split("\t"))) for line in f]
    if idle_rows:
        out.append("#### (g) idle HTTP/2 connections (fresh processes, one worker thread, h2o static files behind)")
        out.append("")
        out.append("Each target is started anew and served 20,000 requests first; then each connection sends the "
                   "preface and SETTINGS, one GET /bytes/1024, reads the answer and stays open (acknowledging "
                   "SETTINGS and PINGs). RSS is VmRSS of the whole process tree before opening and with all "
                   "connections open; KB per connection is the difference over the number of connections (kernel "
                   "socket buffers are not in it). For JVMs, the live heap after a full GC (`jcmd GC.run`) too: RSS "
                   "also moves with how much of its heap the JVM has touched so far.")
        out.append("")
        out.append("| target | connections | answered | RSS before MiB | RSS open MiB | KB per connection "
                   "| ÷ nghttpx | live heap KB per connection |")
        out.append("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
        ngx = next((r for r in idle_rows if r["target"] == "nghttpx"), None)

        def per(r, a="rss_before_kb", b="rss_open_kb"):
            try:
                return (int(r[b]) - int(r[a])) * 1024 / 1000 / int(r["connections"])
            except (ValueError, ZeroDivisionError, KeyError):
                return None
        for r in idle_rows:
            name = f"**{r['target']}**" if r["target"].startswith("h2relay") else r["target"]
            out.append("| " + " | ".join([
                name, r["connections"], r["answered"], _fmt(int(r["rss_before_kb"]) / 1024, 0),
                _fmt(int(r["rss_open_kb"]) / 1024, 0), _fmt(per(r), 1),
                _ratio(per(r), per(ngx) if ngx else None),
                _fmt(per(r, "heap_before_kb", "heap_open_kb"), 1)]) + " |")
        out.append("")
    print("\n".join(out))


BEGIN = "<!-- peer-bench: generated by proxy-bench/scripts/peer-bench.sh; a run replaces what is between these -->"
END = "<!-- peer-bench: end -->"


def splice(doc_path, section_path):
    doc = open(doc_path, encoding="utf-8").read()
    section = open(section_path, encoding="utf-8").read().rstrip("\n")
    block = f"{BEGIN}\n{section}\n{END}"
    if BEGIN in doc and END in doc:
        start = doc.index(BEGIN)
        end = doc.index(END) + len(END)
        doc = doc[:start] + block + doc[end:]
    else:
        doc = doc.rstrip("\n") + "\n\n## Against nghttpx, HAProxy and h2o (issue 6)\n\n" + block + "\n"
    open(doc_path, "w", encoding="utf-8").write(doc)


if __name__ == "__main__":
    cmd, args = sys.argv[1], sys.argv[2:]
    {"h2load": h2load, "idle": idle, "report": report, "splice": splice}[cmd](*args)
